// Crash safety of the alert outbox: the real `sgwatch once` killed with SIGKILL at random
// points between detecting a change and hearing the destination accept its alert, over and
// over, then run to completion. Nothing may be lost: every change reaches the webhook,
// every outbox row ends delivered, and a change is never alerted under two ids. An alert
// may arrive twice only when the run that sent it first was killed before it could write
// the delivery down, and each group's alerts first arrive in the order of its changes.
//
// The kill delays are drawn from [0, 1.2 x an uninterrupted run] with a seed printed at the
// start; SGWATCH_TEST_SEED=<n> repeats a run's draws. The first runs, the scope's baseline,
// are killed too: its summary alert must survive. A few more runs are killed while the
// receiver holds their request unanswered, which always leaves an alert the destination
// has and the store does not know it has: those must arrive twice.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "alert_receipts.h"
#include "emulator_env.h"
#include "emulator_fixture.h"
#include "scoped_env.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"
#include "webhook_receiver.h"

extern char** environ;

namespace sgwatch::outbox_crash_test {
namespace {

using namespace std::chrono_literals;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr const char* kAccount = "111122223333";
constexpr const char* kRegion = "eu-west-1";
constexpr int kKilledRuns = 60;  // runs started and killed at a random point
// Runs killed while the receiver holds their request: it has the alert, the run never
// hears so, and the next run must send it again.
constexpr int kInFlightKills = 10;
constexpr int kKilledBaselines = 5;  // runs killed before the baseline is complete
constexpr int kFirstPort = 20000;

// One run of the program: when it started, when it ended (or was killed), and how.
struct ProgramRun {
  SteadyTime started;
  SteadyTime ended;
  bool killed = false;  // the SIGKILL landed while it was still running
  int exit_code = -1;   // when it was not killed
};

using testing::read_receipt;
using testing::Receipt;

std::vector<int> ports_of_body(const std::string& body) {
  std::vector<int> ports;
  const nlohmann::json item = nlohmann::json::parse(body);
  if (!item.contains("added")) return ports;
  for (const nlohmann::json& rule : item.at("added")) ports.push_back(rule.at("from_port").get<int>());
  return ports;
}

uint64_t test_seed() {
  if (const char* given = std::getenv("SGWATCH_TEST_SEED"); given && *given) {
    return std::strtoull(given, nullptr, 10);
  }
  return std::random_device{}();
}

std::string tail_of(const std::string& path, size_t size) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > size ? text.substr(text.size() - size) : text;
}

class OutboxCrashTest : public testing::EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    if (HasFatalFailure()) return;
    // Three groups, so that the order within each group is checked beside the others.
    groups_.push_back(emulator_->ec2().default_group(kAccount, kRegion));
    for (const char* name : {"web", "db"}) {
      auto created = emulator_->ec2().create_group(kAccount, kRegion, name, "crash test");
      ASSERT_TRUE(created);
      groups_.push_back(*created);
    }
    testing::use_emulator(env_, emulator_->endpoint(), dir_,
                          {"AKIAEMULATORADMIN000", "emulator-admin-secret"}, kRegion);
    const std::string config = dir_.file("sgwatch.toml");
    std::ofstream(config) << testing::webhook_alert_config(receiver_.url());
    env_.set("SGWATCH_CONFIG", config);
  }

  // Change number `n`: tcp/<kFirstPort + n> from 10.0.0.0/8 on the groups in turn.
  void make_change(int n) {
    emulator::RuleRequest rule;
    rule.protocol = "tcp";
    rule.from_port = rule.to_port = kFirstPort + n;
    rule.peer.value = "10.0.0.0/8";
    const std::string& group = groups_[static_cast<size_t>(n) % groups_.size()];
    ASSERT_TRUE(emulator_->ec2().authorize(kAccount, kRegion, group, false, {rule}));
    changes_.push_back({group, kFirstPort + n});
  }

  // `sgwatch --store S once` as a child, its output appended to the runs' log; killed
  // `kill_after` after it was started when given, or as soon as the receiver has a new
  // request when `kill_on_request`.
  ProgramRun run_once(std::optional<std::chrono::microseconds> kill_after = std::nullopt,
                      bool kill_on_request = false) {
    const std::string store = store_path();
    const std::string log = log_path();
    std::vector<const char*> argv = {SGWATCH_BINARY, "--store", store.c_str(), "once",
                                     "--region", kRegion, nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::ofstream(log, std::ios::app) << "--- run " << runs_.size()
                                      << (kill_after || kill_on_request ? " (to be killed)" : "")
                                      << "\n";
    const size_t requests_before = receiver_.count();
    ProgramRun run;
    run.started = std::chrono::steady_clock::now();
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr,
                                    const_cast<char**>(argv.data()), environ);
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(spawned, 0) << "could not start " << SGWATCH_BINARY;
    if (spawned != 0) return run;
    if (kill_after) {
      std::this_thread::sleep_until(run.started + *kill_after);
      kill(pid, SIGKILL);
    } else if (kill_on_request) {
      EXPECT_TRUE(receiver_.wait_for_count(requests_before + 1, 20s)) << "no request came";
      kill(pid, SIGKILL);
    }
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    run.ended = std::chrono::steady_clock::now();
    if (WIFSIGNALED(status)) {
      EXPECT_EQ(WTERMSIG(status), SIGKILL);
      run.killed = true;
    } else if (WIFEXITED(status)) {
      run.exit_code = WEXITSTATUS(status);
    }
    runs_.push_back(run);
    return run;
  }

  // A killed run's last request may still be in the receiver's socket; it is recorded
  // before the next run starts, so each request is counted in the run that sent it.
  void settle() {
    size_t seen = receiver_.count();
    auto quiet_since = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - quiet_since < 20ms) {
      std::this_thread::sleep_for(2ms);
      if (const size_t now = receiver_.count(); now != seen) {
        seen = now;
        quiet_since = std::chrono::steady_clock::now();
      }
    }
  }

  // The run during which `at` fell: the last one started at or before it.
  std::optional<size_t> run_at(SteadyTime at) const {
    std::optional<size_t> found;
    for (size_t i = 0; i < runs_.size() && runs_[i].started <= at; ++i) found = i;
    return found;
  }

  std::string store_path() const { return dir_.file("store.db"); }
  std::string log_path() const { return dir_.file("runs.log"); }

  testing::TempDir dir_;
  testing::ScopedEnv env_;
  testing::WebhookReceiver receiver_;
  std::vector<std::string> groups_;
  struct Change {
    std::string group;
    int port;
  };
  std::vector<Change> changes_;  // in the order they were made
  std::vector<ProgramRun> runs_;
};

TEST_F(OutboxCrashTest, KilledRunsLoseNoAlertAndResendOnlyWhatWasInFlight) {
  const uint64_t seed = test_seed();
  std::cout << "[ outbox crash ] seed " << seed << " (SGWATCH_TEST_SEED repeats it)\n";
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 random(seed);

  // The baseline: no change, but the scope's baseline alert, which no later run could
  // recompute. Killed a few times first, wherever the kill falls.
  std::uniform_int_distribution<int64_t> early(0, 150'000);
  for (int i = 0; i < kKilledBaselines; ++i) {
    run_once(std::chrono::microseconds(early(random)));
    settle();
  }
  ProgramRun baseline = run_once();
  ASSERT_FALSE(baseline.killed);
  ASSERT_EQ(baseline.exit_code, 0) << tail_of(log_path(), 4000);

  // How long an uninterrupted run with a change to report takes; the median of three.
  std::vector<std::chrono::microseconds> spans;
  for (int i = 0; i < 3; ++i) {
    make_change(static_cast<int>(changes_.size()));
    ProgramRun run = run_once();
    ASSERT_EQ(run.exit_code, 0) << tail_of(log_path(), 4000);
    spans.push_back(std::chrono::duration_cast<std::chrono::microseconds>(run.ended - run.started));
  }
  std::sort(spans.begin(), spans.end());
  const auto longest_delay = spans[1] * 6 / 5;
  std::cout << "[ outbox crash ] an uninterrupted run takes " << spans[1].count()
            << " us; kills fall in [0, " << longest_delay.count() << "] us\n";

  std::uniform_int_distribution<int64_t> delay(0, longest_delay.count());
  for (int i = 0; i < kKilledRuns; ++i) {
    make_change(static_cast<int>(changes_.size()));
    ProgramRun run = run_once(std::chrono::microseconds(delay(random)));
    if (!run.killed) {
      EXPECT_EQ(run.exit_code, 0) << "run " << runs_.size() - 1 << " ended on its own, but failed\n"
                                  << tail_of(log_path(), 4000);
    }
    settle();
  }

  // Kills inside the window where the destination has an alert but the run has not written
  // that down: each must make an alert arrive twice.
  for (int i = 0; i < kInFlightKills; ++i) {
    make_change(static_cast<int>(changes_.size()));
    receiver_.hang();
    ProgramRun run = run_once(std::nullopt, true);
    EXPECT_TRUE(run.killed) << "the run ended while its request was held";
    receiver_.answer_ok();  // the held request is answered, to nobody
    settle();
  }

  // Runs without a kill deliver whatever the killed ones left.
  int final_code = -1;
  for (int attempt = 0; attempt < 3 && final_code != 0; ++attempt) {
    final_code = run_once().exit_code;
  }
  ASSERT_EQ(final_code, 0) << tail_of(log_path(), 4000);
  const size_t mid_run_kills = static_cast<size_t>(
      std::count_if(runs_.begin(), runs_.end(), [](const ProgramRun& run) { return run.killed; }));
  // The delays are measured on a shared machine, so a run can be much quicker than the
  // measured one; only a kill schedule that misses the runs altogether is wrong.
  EXPECT_GE(mid_run_kills, static_cast<size_t>(kKilledRuns) / 4 + kInFlightKills)
      << "most kills came after the run ended: the delays do not cover the runs";

  // --- The store: every row delivered, each change in exactly one row. ---
  auto store = SqliteStore::open_reader(store_path());
  ASSERT_TRUE(store) << store.error().message;
  auto rows = (*store)->outbox({});
  ASSERT_TRUE(rows) << rows.error().message;
  std::set<std::string> row_ids;
  std::map<int, int> rows_per_port;
  size_t baseline_rows = 0;
  for (const OutboxEntry& row : *rows) {
    EXPECT_EQ(row.state, AlertState::kDelivered)
        << row.alert.id << " (" << to_string(row.alert.kind) << "): " << row.last_error;
    EXPECT_EQ(row.alert.destination, "hook");
    row_ids.insert(row.alert.id);
    if (row.alert.kind == AlertKind::kBaseline) ++baseline_rows;
    if (row.alert.kind != AlertKind::kChange) continue;
    for (int port : ports_of_body(row.alert.body)) ++rows_per_port[port];
  }
  EXPECT_EQ(baseline_rows, 1u);
  for (const Change& change : changes_) {
    EXPECT_EQ(rows_per_port[change.port], 1) << "tcp/" << change.port << " is in "
                                             << rows_per_port[change.port] << " outbox rows";
  }
  EXPECT_EQ(rows_per_port.size(), changes_.size());

  // --- What the receiver got. ---
  std::vector<Receipt> receipts;
  for (const testing::ReceivedRequest& request : receiver_.requests()) {
    receipts.push_back(read_receipt(request));
  }
  std::map<std::string, std::vector<size_t>> by_id;  // receipt indexes, in arrival order
  std::map<int, size_t> first_arrival;               // port -> index of its first receipt
  std::map<int, int64_t> revision_of;                // port -> the revision reporting it
  for (size_t i = 0; i < receipts.size(); ++i) {
    const Receipt& receipt = receipts[i];
    EXPECT_TRUE(row_ids.count(receipt.id)) << receipt.id << " is not an outbox row";
    by_id[receipt.id].push_back(i);
    for (size_t p = 0; p < receipt.ports.size(); ++p) {
      first_arrival.try_emplace(receipt.ports[p], i);
      if (receipt.revisions.size() == 1) revision_of.try_emplace(receipt.ports[p], receipt.revisions[0]);
    }
  }
  for (const std::string& id : row_ids) EXPECT_TRUE(by_id.count(id)) << id << " never arrived";

  // Every change arrived, with its own group.
  for (const Change& change : changes_) {
    ASSERT_TRUE(first_arrival.count(change.port)) << "tcp/" << change.port << " never arrived";
    EXPECT_EQ(receipts[first_arrival[change.port]].group, change.group) << change.port;
  }

  // A second copy only after a run killed while the first was in flight: every receipt of
  // an id but its last fell in a run that was then killed, and no run sent an id twice.
  size_t duplicates = 0;
  size_t duplicated_ids = 0;
  for (const auto& [id, indexes] : by_id) {
    if (indexes.size() > 1) ++duplicated_ids;
    duplicates += indexes.size() - 1;
    std::set<size_t> runs_seen;
    for (size_t k = 0; k < indexes.size(); ++k) {
      const auto run = run_at(receipts[indexes[k]].at);
      ASSERT_TRUE(run) << id << " arrived before any run started";
      EXPECT_TRUE(runs_seen.insert(*run).second) << id << " arrived twice in run " << *run;
      if (k + 1 < indexes.size()) {
        EXPECT_TRUE(runs_[*run].killed)
            << id << " arrived in run " << *run << ", which was not killed, and again later";
      }
    }
  }

  EXPECT_GE(duplicates, static_cast<size_t>(kInFlightKills))
      << "an alert held while its run was killed was not sent again";

  // Each group's alerts first arrived in the order of its changes (and of their revisions).
  for (const std::string& group : groups_) {
    size_t previous_arrival = 0;
    int64_t previous_revision = 0;
    for (const Change& change : changes_) {
      if (change.group != group) continue;
      EXPECT_GE(first_arrival[change.port], previous_arrival)
          << "tcp/" << change.port << " on " << group << " first arrived before an older change";
      previous_arrival = first_arrival[change.port];
      if (revision_of.count(change.port)) {
        EXPECT_GE(revision_of[change.port], previous_revision) << change.port;
        previous_revision = revision_of[change.port];
      }
    }
  }

  std::cout << "[ outbox crash ] " << runs_.size() << " runs; " << mid_run_kills
            << " killed mid-run (" << kInFlightKills << " of them while their request was held), "
            << kKilledBaselines + kKilledRuns + kInFlightKills - static_cast<int>(mid_run_kills)
            << " kills after the run ended; " << receipts.size() << " requests for "
            << row_ids.size() << " alerts; " << duplicates << " duplicate deliveries ("
            << duplicated_ids << " alerts)\n";
  RecordProperty("killed_mid_run", static_cast<int>(mid_run_kills));
  RecordProperty("duplicates", static_cast<int>(duplicates));
}

}  // namespace
}  // namespace sgwatch::outbox_crash_test
