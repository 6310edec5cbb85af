// The command line end to end, in-process: ingest, history, show and demo against a real
// store in a temporary directory, fed with the real DescribeSecurityGroups sample.
#include <gtest/gtest.h>

#include "cli_runner.h"

#include <sys/file.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "core/clock.h"
#include "core/time_format.h"
#include "temp_dir.h"

namespace sgwatch::cli_test {
namespace {

const std::string kSample = std::string(SGWATCH_TEST_DATA_DIR) +
                            "/ec2/response_parsing__xml__responses__ec2-describe-security-groups.json";

using Outcome = testing::CliOutcome;

class CliTest : public ::testing::Test {
 protected:
  Outcome run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--store", store_});
    return testing::run_sgwatch(std::move(args), clock_);
  }
  Outcome ingest(const std::string& file, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"ingest", file, "--account", "123456789012", "--region",
                                     "us-east-1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }
  // Writes the sample with `edit` applied to its parsed JSON.
  std::string edited_sample(const std::string& name,
                            const std::function<void(nlohmann::json&)>& edit) {
    std::ifstream in(kSample);
    nlohmann::json doc = nlohmann::json::parse(in);
    edit(doc);
    std::string path = dir_.file(name);
    std::ofstream(path) << doc.dump(2);
    return path;
  }
  bool store_exists() const { return std::ifstream(store_).good(); }

  testing::TempDir dir_;
  std::string store_ = dir_.file("store.db");
  ManualClock clock_{parse_time("2026-11-23T09:00:00Z").value()};
};

TEST_F(CliTest, IngestsTheRealSampleAsABaselineThenSeesNoChange) {
  Outcome first = ingest(kSample);
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.out.find("5 groups, 10 rules, stored as the baseline"), std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("sg-4e970e7e (notebook): 3 rules"), std::string::npos) << first.out;

  clock_.advance(std::chrono::minutes(5));
  Outcome second = ingest(kSample);
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_NE(second.out.find("no changes"), std::string::npos) << second.out;

  Outcome history = run({"history", "sg-4e970e7e"});
  ASSERT_EQ(history.code, 0) << history.err;
  EXPECT_NE(history.out.find("1 revision\n"), std::string::npos) << history.out;
}

TEST_F(CliTest, IngestPrintsTheRuleLevelDiff) {
  ASSERT_EQ(ingest(kSample).code, 0);
  std::string changed = edited_sample("changed.json", [](nlohmann::json& doc) {
    auto& notebook = doc["SecurityGroups"][2];
    notebook["IpPermissions"].push_back({{"IpProtocol", "tcp"},
                                         {"FromPort", 3389},
                                         {"ToPort", 3389},
                                         {"IpRanges", {{{"CidrIp", "0.0.0.0/0"}}}}});
    notebook["IpPermissions"].erase(0);  // tcp/22 from 0.0.0.0/0
    doc["SecurityGroups"].erase(1);      // sg-72334242 is gone
  });
  clock_.advance(std::chrono::minutes(5));
  Outcome run2 = ingest(changed);
  ASSERT_EQ(run2.code, 0) << run2.err;
  EXPECT_NE(run2.out.find("4 groups, 2 changed"), std::string::npos) << run2.out;
  EXPECT_NE(run2.out.find("sg-4e970e7e (notebook) modified\n"
                          "  - ingress tcp/22 from 0.0.0.0/0\n"
                          "  + ingress tcp/3389 from 0.0.0.0/0\n"),
            std::string::npos)
      << run2.out;
  EXPECT_NE(run2.out.find("sg-72334242 (quicklaunch-1) deleted"), std::string::npos) << run2.out;

  // The group as it was before the change, and now.
  Outcome before = run({"show", "sg-4e970e7e", "--at", "2026-11-23T09:01:00Z"});
  ASSERT_EQ(before.code, 0) << before.err;
  EXPECT_NE(before.out.find("tcp/22 from 0.0.0.0/0"), std::string::npos);
  EXPECT_EQ(before.out.find("tcp/3389"), std::string::npos);
  Outcome now = run({"show", "sg-4e970e7e"});
  EXPECT_NE(now.out.find("tcp/3389 from 0.0.0.0/0"), std::string::npos) << now.out;

  Outcome deleted = run({"show", "sg-72334242"});
  ASSERT_EQ(deleted.code, 0);
  EXPECT_NE(deleted.out.find("deleted"), std::string::npos);
  Outcome too_early = run({"show", "sg-72334242", "--at", "2026-11-23T08:00:00Z"});
  EXPECT_EQ(too_early.code, 1);
  EXPECT_NE(too_early.err.find("no revision of sg-72334242"), std::string::npos);
}

TEST_F(CliTest, PartialSnapshotDeletesNothing) {
  ASSERT_EQ(ingest(kSample).code, 0);
  std::string one_group = edited_sample("one.json", [](nlohmann::json& doc) {
    doc["SecurityGroups"] = nlohmann::json::array({doc["SecurityGroups"][0]});
  });
  clock_.advance(std::chrono::minutes(1));
  Outcome partial = ingest(one_group, {"--partial"});
  ASSERT_EQ(partial.code, 0) << partial.err;
  EXPECT_NE(partial.out.find("no changes"), std::string::npos) << partial.out;

  clock_.advance(std::chrono::minutes(1));
  Outcome complete = ingest(one_group);
  ASSERT_EQ(complete.code, 0);
  EXPECT_NE(complete.out.find("4 changed"), std::string::npos) << complete.out;
}

TEST_F(CliTest, MalformedInputNamesGroupAndFieldAndWritesNothing) {
  struct Case {
    const char* name;
    std::function<void(nlohmann::json&)> edit;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"bad CIDR",
       [](nlohmann::json& d) { d["SecurityGroups"][0]["IpPermissions"][0]["IpRanges"][0]["CidrIp"] = "0.0.0.300/0"; },
       "sg-68d8a958"},
      {"port out of range",
       [](nlohmann::json& d) { d["SecurityGroups"][1]["IpPermissions"][0]["ToPort"] = 70000; },
       "sg-72334242"},
      {"port as string",
       [](nlohmann::json& d) { d["SecurityGroups"][1]["IpPermissions"][0]["FromPort"] = "3389"; },
       "FromPort"},
      {"unknown protocol",
       [](nlohmann::json& d) { d["SecurityGroups"][2]["IpPermissions"][1]["IpProtocol"] = "tcpp"; },
       "IpProtocol"},
      {"missing group id", [](nlohmann::json& d) { d["SecurityGroups"][3].erase("GroupId"); },
       "GroupId"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Outcome r = ingest(edited_sample("bad.json", c.edit));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
    EXPECT_FALSE(store_exists()) << "nothing may be written for a rejected snapshot";
  }

  // With a baseline in place, a bad snapshot changes nothing either.
  ASSERT_EQ(ingest(kSample).code, 0);
  Outcome bad = ingest(edited_sample("bad.json", cases[0].edit));
  EXPECT_EQ(bad.code, 1);
  Outcome history = run({"history", "sg-68d8a958"});
  EXPECT_NE(history.out.find("1 revision\n"), std::string::npos) << history.out;

  std::ofstream(dir_.file("truncated.json")) << "{\"SecurityGroups\": [";
  Outcome truncated = ingest(dir_.file("truncated.json"));
  EXPECT_EQ(truncated.code, 1);
  EXPECT_NE(truncated.err.find("truncated.json"), std::string::npos) << truncated.err;
}

TEST_F(CliTest, CommandLineMistakesAreUsageErrors) {
  EXPECT_EQ(run({"ingest", kSample, "--region", "us-east-1"}).code, 2);  // no --account
  Outcome bad_account =
      run({"ingest", kSample, "--account", "12345", "--region", "us-east-1"});
  EXPECT_EQ(bad_account.code, 1);
  EXPECT_NE(bad_account.err.find("--account"), std::string::npos) << bad_account.err;
  EXPECT_EQ(run({"frobnicate"}).code, 2);
  Outcome missing = ingest(dir_.file("no-such-file.json"));
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no-such-file.json"), std::string::npos);
  Outcome no_store = run({"history", "sg-68d8a958"});
  EXPECT_EQ(no_store.code, 1);
  EXPECT_NE(no_store.err.find("no sgwatch store"), std::string::npos) << no_store.err;
  EXPECT_EQ(run({"--help"}).code, 0);
}

TEST_F(CliTest, JsonOutputIsJson) {
  // A global option is taken after the command too, as with the AWS CLI.
  Outcome first = ingest(kSample, {"--output", "json"});
  ASSERT_EQ(first.code, 0) << first.err;
  auto doc = nlohmann::json::parse(first.out);
  EXPECT_TRUE(doc["baseline"].get<bool>());
  EXPECT_EQ(doc["changes"].size(), 5u);

  Outcome history = run({"--output", "json", "history", "sg-97b1aefb"});
  ASSERT_EQ(history.code, 0);
  auto revisions = nlohmann::json::parse(history.out);
  ASSERT_EQ(revisions.size(), 1u);
  EXPECT_EQ(revisions[0]["diff"]["change"], "created");
  EXPECT_EQ(revisions[0]["group"]["vpc"], "vpc-8d2910e4");
}

TEST_F(CliTest, SecondWriterIsRefusedWhileTheFirstHoldsTheStore) {
  ASSERT_EQ(ingest(kSample).code, 0);
  // Hold the writer lock the way a running `watch` would.
  std::FILE* lock = std::fopen((store_ + ".lock").c_str(), "r+");
  ASSERT_NE(lock, nullptr);
  ASSERT_EQ(flock(fileno(lock), LOCK_EX | LOCK_NB), 0);
  Outcome blocked = ingest(kSample);
  EXPECT_EQ(blocked.code, 1);
  EXPECT_NE(blocked.err.find("in use by another sgwatch process"), std::string::npos)
      << blocked.err;
  // Readers are not blocked.
  EXPECT_EQ(run({"history", "sg-97b1aefb"}).code, 0);
  std::fclose(lock);
  EXPECT_EQ(ingest(kSample).code, 0);
}

TEST_F(CliTest, DemoRunsTwiceAndShowsTheRdpChange) {
  for (int i = 0; i < 2; ++i) {
    std::vector<const char*> argv = {"sgwatch", "demo"};
    std::ostringstream out, err;
    ASSERT_EQ(run_cli(2, argv.data(), out, err, clock_), 0) << err.str();
    EXPECT_NE(out.str().find("(web-dept-a) modified\n"
                             "     + ingress tcp/3389 from 0.0.0.0/0  \"RDP for dept B vendor\"  [sgr-"),
              std::string::npos)
        << out.str();
  }
}

TEST(Binary, DemoRunsAsAProgram) {
  std::FILE* pipe = popen((std::string(SGWATCH_BINARY) + " demo 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  EXPECT_EQ(pclose(pipe), 0) << output;
  EXPECT_NE(output.find("+ ingress tcp/3389 from 0.0.0.0/0"), std::string::npos) << output;
}

// Global options before the command, after it, or between its arguments; given twice,
// the last one wins (an alias's `--output text` and a `--output json` typed after it).
TEST_F(CliTest, GlobalOptionsAnywhereAndTheLastOneWins) {
  ASSERT_EQ(ingest(kSample).code, 0);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--output", "json", "history", "sg-97b1aefb"},
        std::vector<std::string>{"history", "sg-97b1aefb", "--output", "json"},
        std::vector<std::string>{"history", "--output", "json", "sg-97b1aefb"},
        std::vector<std::string>{"--output", "text", "history", "sg-97b1aefb", "--output",
                                 "json"}}) {
    Outcome history = run(args);
    ASSERT_EQ(history.code, 0) << history.err;
    EXPECT_TRUE(nlohmann::json::accept(history.out)) << history.out;
  }
  Outcome text = run({"history", "sg-97b1aefb", "--output", "json", "--output", "text"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_FALSE(nlohmann::json::accept(text.out)) << text.out;

  // --store after the command: the store the run() helper put first is not the one read.
  const std::string other = dir_.file("other.db");
  Outcome elsewhere = run({"history", "sg-97b1aefb", "--store", other});
  EXPECT_EQ(elsewhere.code, 1);
  EXPECT_NE(elsewhere.err.find("no sgwatch store"), std::string::npos) << elsewhere.err;

  // A wrong value is still a usage error wherever it is.
  EXPECT_EQ(run({"history", "sg-97b1aefb", "--output", "yaml"}).code, 2);
}

TEST_F(CliTest, ConfigAfterTheCommand) {
  const std::string config = dir_.file("sgwatch.toml");
  std::ofstream(config) << "log_level = \"debug\"\nintervall = \"1m\"\n";
  Outcome refused = run({"validate", "--config", config});
  EXPECT_EQ(refused.code, 78);
  EXPECT_NE(refused.out.find("sgwatch.toml:2:1: unknown key 'intervall'"), std::string::npos)
      << refused.out;
  Outcome once = run({"history", "sg-97b1aefb", "--config", config});
  EXPECT_EQ(once.code, 78) << once.err;
  EXPECT_NE(once.err.find("sgwatch.toml:2:1"), std::string::npos) << once.err;
}

}  // namespace
}  // namespace sgwatch::cli_test
