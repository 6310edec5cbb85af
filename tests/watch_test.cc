// `sgwatch once` over several accounts and regions, and `sgwatch watch` end to end against
// the emulator: roles assumed per account, every enabled region, each change reported
// once, expired sessions renewed, and a stop (requested, or SIGTERM to the program) that
// cuts a cycle short without recording anything partial.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "background_watch.h"
#include "cli_runner.h"
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/stop_signal.h"
#include "child_process.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "emulator_env.h"
#include "scoped_env.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"
#include "test_support.h"

namespace sgwatch::watch_test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kHub = "111122223333";
constexpr const char* kDeptB = "444455556666";
const std::string kHubRole = "arn:aws:iam::111122223333:role/sgwatch-reader";
const std::string kDeptBRole = "arn:aws:iam::444455556666:role/sgwatch-reader";
const std::string kStrictRole = "arn:aws:iam::444455556666:role/strict-reader";

// Two accounts: the hub, whose user sgwatch runs as, and department B's, with enough
// groups in us-east-1 for three pages (2500 and the default group).
nlohmann::json two_account_seed() {
  return nlohmann::json::parse(R"({
    "regions": ["us-east-1", "eu-west-1"],
    "accounts": [
      {"id": "111122223333",
       "users": [{"name": "sgwatch", "access_key_id": "AKIAEMULATORHUB00000",
                  "secret_access_key": "hub-secret"}],
       "roles": [{"name": "sgwatch-reader", "external_id": "sgwatch"}]},
      {"id": "444455556666",
       "roles": [{"name": "sgwatch-reader", "external_id": "sgwatch"},
                 {"name": "strict-reader", "external_id": "dept-b-only"}],
       "generate": [{"region": "us-east-1", "groups": 2500, "rules_per_group": 2}]}
    ]})");
}

using testing::wait_until;

std::vector<nlohmann::json> read_lines(const std::string& path) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

class WatchTest : public ::testing::Test {
 public:
  void SetUp() override {
    auto started = emulator::Emulator::start(emulator::EmulatorOptions{}, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    auto seeded = emulator::apply_seed(*emulator_, two_account_seed());
    ASSERT_TRUE(seeded) << seeded.error();
    testing::use_emulator(env_, emulator_->endpoint(), dir_,
                          {"AKIAEMULATORHUB00000", "hub-secret"}, "eu-west-1");
  }

  using Outcome = testing::CliOutcome;
  Outcome sgwatch(std::vector<std::string> args, StopSignal* stop = nullptr) {
    args.insert(args.begin(), {"--store", store_path()});
    return testing::run_sgwatch(std::move(args), clock_, stop);
  }
  std::string store_path() { return dir_.file("store.db"); }
  uint64_t calls(const char* service, const char* action) {
    return emulator_->calls().calls(service, action);
  }
  void open_rdp(const std::string& account, const std::string& region) {
    emulator::RuleRequest rdp;
    rdp.protocol = "tcp";
    rdp.from_port = rdp.to_port = 3389;
    rdp.peer.value = "0.0.0.0/0";
    auto added = emulator_->ec2().authorize(account, region,
                                            emulator_->ec2().default_group(account, region),
                                            false, {rdp});
    ASSERT_TRUE(added);
  }

  SystemClock clock_;
  std::unique_ptr<emulator::Emulator> emulator_;
  testing::TempDir dir_;
  testing::ScopedEnv env_;
};


TEST_F(WatchTest, OnceObservesEveryRegionOfTwoAccountsThroughTheirRoles) {
  const std::string jsonl = dir_.file("changes.jsonl");
  const std::vector<std::string> once = {"once",       "--region",      "all",     "--role-arn",
                                         kHubRole,     "--role-arn",    kDeptBRole, "--external-id",
                                         "sgwatch",    "--concurrency", "3",       "--jsonl",
                                         jsonl};
  Outcome baseline = sgwatch(once);
  ASSERT_EQ(baseline.code, 0) << baseline.err;
  EXPECT_EQ(baseline.out, "");
  for (const char* scope : {"111122223333/us-east-1: 1 group", "111122223333/eu-west-1: 1 group",
                            "444455556666/us-east-1: 2501 groups", "444455556666/eu-west-1: 1 group"}) {
    EXPECT_NE(baseline.err.find(std::string("Baseline of ") + scope), std::string::npos)
        << scope << "\n" << baseline.err;
  }
  EXPECT_EQ(calls("sts", "AssumeRole"), 2u);
  EXPECT_EQ(calls("ec2", "DescribeRegions"), 2u);  // once per account
  EXPECT_EQ(calls("ec2", "DescribeSecurityGroups"), 6u);  // 2500 groups are three pages
  EXPECT_EQ(calls("sts", "GetCallerIdentity"), 0u);  // the role ARNs name the accounts

  // Department B opens RDP in its own account; only that is reported.
  open_rdp(kDeptB, "eu-west-1");
  Outcome change = sgwatch(once);
  ASSERT_EQ(change.code, 0) << change.err;
  EXPECT_NE(change.out.find("Recorded 444455556666/eu-west-1"), std::string::npos) << change.out;
  EXPECT_NE(change.out.find("+ ingress tcp/3389 from 0.0.0.0/0"), std::string::npos) << change.out;
  auto count = [&](const std::string& text) { return testing::occurrences(change.out, text); };
  EXPECT_EQ(count("1 changed"), 1u) << change.out;
  EXPECT_EQ(count("no changes"), 3u) << change.out;
  auto lines = read_lines(jsonl);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["account"], kDeptB);
  EXPECT_EQ(lines[0]["region"], "eu-west-1");
  EXPECT_EQ(lines[0]["added"][0]["to_port"], 3389);
}

TEST_F(WatchTest, ARoleThatCannotBeAssumedFailsOnlyItsAccount) {
  Outcome outcome = sgwatch({"once", "--region", "eu-west-1", "--role-arn", kHubRole,
                             "--role-arn", kStrictRole, "--external-id", "sgwatch"});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find("Skipped 444455556666/eu-west-1"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("AccessDenied"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("Baseline of 111122223333/eu-west-1"), std::string::npos)
      << outcome.err;
}

TEST_F(WatchTest, BadAccountAndRegionFlagsAreClearErrors) {
  Outcome arn = sgwatch({"once", "--role-arn", "sgwatch-reader"});
  EXPECT_EQ(arn.code, 1);
  EXPECT_NE(arn.err.find("--role-arn: 'sgwatch-reader' is not an IAM role ARN"), std::string::npos)
      << arn.err;
  Outcome region = sgwatch({"once", "--region", "all", "--region", "eu-west-1"});
  EXPECT_EQ(region.code, 1);
  EXPECT_NE(region.err.find("--region all cannot be combined"), std::string::npos) << region.err;
  Outcome interval = sgwatch({"watch", "--interval", "60"});
  EXPECT_EQ(interval.code, 1);
  EXPECT_NE(interval.err.find("--interval: '60' is not a duration"), std::string::npos)
      << interval.err;
}

TEST_F(WatchTest, ReportsEachChangeOnceAndRenewsAnExpiredSession) {
  const std::string jsonl = dir_.file("changes.jsonl");
  testing::BackgroundWatch watch([&](StopSignal* stop) {
    return sgwatch({"watch", "--interval", "100ms", "--region", "eu-west-1", "--role-arn",
                    kDeptBRole, "--external-id", "sgwatch", "--jsonl", jsonl},
                   stop);
  });
  // A second read means the baseline is recorded.
  ASSERT_TRUE(wait_until([&] { return calls("ec2", "DescribeSecurityGroups") >= 2; }));
  open_rdp(kDeptB, "eu-west-1");
  ASSERT_TRUE(wait_until([&] { return read_lines(jsonl).size() == 1; }));

  // The role's session is revoked mid-run: the next read is refused, a new session is
  // assumed, and the cycle goes on.
  emulator_->identities().expire_sessions();
  ASSERT_TRUE(wait_until([&] { return calls("sts", "AssumeRole") == 2; }));
  const uint64_t reads = calls("ec2", "DescribeSecurityGroups");
  ASSERT_TRUE(wait_until([&] { return calls("ec2", "DescribeSecurityGroups") >= reads + 2; }));

  Outcome outcome = watch.stop();
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_EQ(read_lines(jsonl).size(), 1u) << "a change is reported once, not every cycle";
  EXPECT_NE(outcome.out.find("+ ingress tcp/3389 from 0.0.0.0/0"), std::string::npos)
      << outcome.out;
  EXPECT_NE(outcome.err.find("refused as expired"), std::string::npos) << outcome.err;
  EXPECT_EQ(outcome.err.find("Skipped"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("Stopped."), std::string::npos) << outcome.err;
}

TEST_F(WatchTest, AStopMidCycleReturnsAtOnceAndRecordsNothingPartial) {
  testing::BackgroundWatch watch([&](StopSignal* stop) {
    return sgwatch({"watch", "--interval", "100ms", "--region", "us-east-1", "--role-arn",
                    kDeptBRole, "--external-id", "sgwatch"},
                   stop);
  });
  ASSERT_TRUE(wait_until([&] { return calls("ec2", "DescribeSecurityGroups") >= 3; }));
  // The next cycle's second page hangs; by then department B has opened RDP.
  emulator::FaultRule slow;
  slow.kind = emulator::FaultKind::kSlow;
  slow.service = "ec2";
  slow.action = "DescribeSecurityGroups";
  slow.nth = 2;
  slow.times = 1;
  slow.delay = std::chrono::milliseconds(4000);
  emulator_->faults().add(slow);
  open_rdp(kDeptB, "us-east-1");
  const uint64_t reads = calls("ec2", "DescribeSecurityGroups");
  ASSERT_TRUE(wait_until([&] { return calls("ec2", "DescribeSecurityGroups") >= reads + 2; }));
  std::this_thread::sleep_for(50ms);  // the slow reply is pending

  const auto asked = std::chrono::steady_clock::now();
  Outcome outcome = watch.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 3s) << "shutdown waited for a slow call";
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_EQ(outcome.out.find("3389"), std::string::npos) << outcome.out;
  emulator_->faults().clear();

  // Nothing of the cut-short cycle was stored: the next run still sees the change.
  Outcome next = sgwatch({"once", "--region", "us-east-1", "--role-arn", kDeptBRole,
                          "--external-id", "sgwatch"});
  ASSERT_EQ(next.code, 0) << next.err;
  EXPECT_NE(next.out.find("+ ingress tcp/3389 from 0.0.0.0/0"), std::string::npos) << next.out;
}

TEST_F(WatchTest, SigtermStopsTheProgramCleanly) {
  const std::string store = store_path();
  auto [pid, lines] = testing::start_child({SGWATCH_BINARY, "--store", store.c_str(), "watch",
                                            "--interval", "1h", "--region", "eu-west-1"},
                                           STDERR_FILENO);
  ASSERT_NE(pid, 0);
  std::string log;
  char line[512] = {};
  while (log.find("Baseline of") == std::string::npos && std::fgets(line, sizeof line, lines)) {
    log += line;
  }
  ASSERT_NE(log.find("Baseline of 111122223333/eu-west-1"), std::string::npos) << log;
  const auto asked = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  while (std::fgets(line, sizeof line, lines)) log += line;
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  std::fclose(lines);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 5s);
  ASSERT_TRUE(WIFEXITED(status)) << log;
  EXPECT_EQ(WEXITSTATUS(status), 0) << log;
  EXPECT_NE(log.find("Stopped."), std::string::npos) << log;
}

}  // namespace
}  // namespace sgwatch::watch_test
