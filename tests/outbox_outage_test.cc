// A webhook destination that fails for a while, then recovers, under a running `watch`:
// answering 500, answering 429 with Retry-After, or not answering at all (held past the
// destination's timeout). While it fails, each group's oldest alert is retried and the
// group's later ones wait behind it; once it answers again every alert arrives, in the
// order of its group's changes, and the outbox keeps no pending row. And `once` tells by
// its exit code whether its alerts went out.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "alert_receipts.h"
#include "app/stop_signal.h"
#include "background_watch.h"
#include "cli_runner.h"
#include "emulator_env.h"
#include "emulator_fixture.h"
#include "scoped_env.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"
#include "webhook_receiver.h"

namespace sgwatch::outbox_outage_test {
namespace {

using namespace std::chrono_literals;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr const char* kAccount = "111122223333";
constexpr const char* kRegion = "eu-west-1";

using testing::wait_until;

using testing::read_receipt;
using testing::Receipt;

class OutboxOutageTest : public testing::EmulatorTest {
 public:
  using Outcome = testing::CliOutcome;

  void SetUp() override {
    EmulatorTest::SetUp();
    if (HasFatalFailure()) return;
    groups_.push_back(emulator_->ec2().default_group(kAccount, kRegion));
    auto web = emulator_->ec2().create_group(kAccount, kRegion, "web", "outage test");
    ASSERT_TRUE(web);
    groups_.push_back(*web);
    testing::use_emulator(env_, emulator_->endpoint(), dir_,
                          {"AKIAEMULATORADMIN000", "emulator-admin-secret"}, kRegion);
    write_config("");
  }

  // The test config; `destination_extra` goes into the webhook's [[destinations]] table.
  void write_config(const std::string& destination_extra) {
    const std::string config = dir_.file("sgwatch.toml");
    std::ofstream(config) << testing::webhook_alert_config(receiver_.url(), destination_extra);
    env_.set("SGWATCH_CONFIG", config);
  }

  Outcome sgwatch(std::vector<std::string> args, StopSignal* stop = nullptr) {
    args.insert(args.begin(), {"--store", store_path()});
    return testing::run_sgwatch(std::move(args), clock_, stop);
  }
  std::string store_path() const { return dir_.file("store.db"); }
  uint64_t describes() { return emulator_->calls().calls("ec2", "DescribeSecurityGroups"); }

  // Opens tcp/<port> from 10.0.0.0/8 on groups_[group].
  void change(size_t group, int port) {
    emulator::RuleRequest rule;
    rule.protocol = "tcp";
    rule.from_port = rule.to_port = port;
    rule.peer.value = "10.0.0.0/8";
    ASSERT_TRUE(emulator_->ec2().authorize(kAccount, kRegion, groups_[group], false, {rule}));
    changes_.push_back({groups_[group], port});
  }
  // The same, and waits until a cycle has seen it, so that each change is a revision.
  void change_seen(size_t group, int port) {
    const uint64_t before = describes();
    change(group, port);
    ASSERT_TRUE(wait_until([&] { return describes() >= before + 2; }));
  }

  std::vector<Receipt> receipts() const {
    std::vector<Receipt> out;
    for (const testing::ReceivedRequest& request : receiver_.requests()) {
      out.push_back(read_receipt(request));
    }
    return out;
  }
  // How many requests carried tcp/<port>.
  size_t attempts_of(int port) const {
    const auto all = receipts();
    return static_cast<size_t>(
        std::count_if(all.begin(), all.end(), [&](const Receipt& r) { return r.has_port(port); }));
  }
  std::vector<OutboxEntry> outbox() {
    auto store = SqliteStore::open_reader(store_path());
    EXPECT_TRUE(store) << store.error().message;
    if (!store) return {};
    auto rows = (*store)->outbox({});
    EXPECT_TRUE(rows) << rows.error().message;
    return rows ? *rows : std::vector<OutboxEntry>{};
  }

  // Waits until every pending row's retry is due, so that the next `once` sends it.
  void wait_for_retries_due() {
    Timestamp due{};
    for (const OutboxEntry& row : outbox()) {
      if (row.state == AlertState::kPending) due = std::max(due, row.next_attempt_at);
    }
    ASSERT_TRUE(wait_until([&] { return clock_.now() > due; }, 5s));
  }

  // The first change of each group: while the destination fails, the only one it is sent.
  std::map<std::string, int> first_ports() const {
    std::map<std::string, int> first;
    for (const Change& change : changes_) first.try_emplace(change.group, change.port);
    return first;
  }

  // During the outage (requests stamped before `outage_over`), each group's requests all
  // carried its first change; returns the requests of each group's first change.
  std::map<int, std::vector<SteadyTime>> check_outage(SteadyTime outage_over) const {
    const auto first = first_ports();
    std::map<int, std::vector<SteadyTime>> tries;
    for (const Receipt& receipt : receipts()) {
      if (receipt.at >= outage_over || receipt.kind != "change") continue;
      EXPECT_EQ(receipt.ports.size(), 1u) << receipt.id;
      if (receipt.ports.size() != 1) continue;
      EXPECT_EQ(receipt.ports[0], first.at(receipt.group))
          << "a later change of " << receipt.group << " was sent while an older one waited";
      tries[receipt.ports[0]].push_back(receipt.at);
    }
    return tries;
  }

  // Whether the outbox holds a row for every change made and none is pending.
  bool all_delivered() {
    const auto rows = outbox();
    const auto changes = std::count_if(rows.begin(), rows.end(), [](const OutboxEntry& row) {
      return row.alert.kind == AlertKind::kChange;
    });
    return static_cast<size_t>(changes) == changes_.size() &&
           std::none_of(rows.begin(), rows.end(),
                        [](const OutboxEntry& row) { return row.state == AlertState::kPending; });
  }

  // After the destination recovered (`recovered`: stamped just after it did) and the
  // outbox was emptied: every change arrived, each group's first in the order of its
  // changes and revisions, both by first attempt and by the copy the destination took (an
  // alert's last request, as nothing is sent again once taken); nothing was sent twice
  // after the recovery; every row is delivered and was received.
  void check_recovery(SteadyTime recovered) {
    const auto all = receipts();
    std::map<int, size_t> first_arrival;
    std::map<int, size_t> taken;  // the port's alert's last request
    std::map<int, int64_t> revision_of;
    std::map<std::string, int> since_recovery;
    for (size_t i = 0; i < all.size(); ++i) {
      if (all[i].at >= recovered) ++since_recovery[all[i].id];
      for (int port : all[i].ports) {
        first_arrival.try_emplace(port, i);
        taken[port] = i;
        if (all[i].revisions.size() == 1) revision_of.try_emplace(port, all[i].revisions[0]);
      }
    }
    for (const auto& [id, count] : since_recovery) {
      EXPECT_EQ(count, 1) << id << " was sent again after the destination took it";
    }
    for (const std::string& group : groups_) {
      std::optional<int> previous;
      for (const Change& change : changes_) {
        if (change.group != group) continue;
        ASSERT_TRUE(first_arrival.count(change.port)) << "tcp/" << change.port << " never arrived";
        EXPECT_EQ(all[first_arrival[change.port]].group, group);
        if (previous) {
          EXPECT_GT(first_arrival[change.port], first_arrival[*previous])
              << "tcp/" << change.port << " was first sent before tcp/" << *previous;
          EXPECT_GT(taken[change.port], taken[*previous])
              << "tcp/" << change.port << " was taken before tcp/" << *previous;
          ASSERT_TRUE(revision_of.count(change.port));
          EXPECT_GT(revision_of[change.port], revision_of[*previous]) << change.port;
        }
        previous = change.port;
      }
    }

    std::set<std::string> received;
    for (const Receipt& receipt : all) received.insert(receipt.id);
    size_t change_rows = 0;
    for (const OutboxEntry& row : outbox()) {
      EXPECT_EQ(row.state, AlertState::kDelivered)
          << row.alert.id << " (" << to_string(row.alert.kind) << "): " << row.last_error;
      EXPECT_TRUE(received.count(row.alert.id)) << row.alert.id;
      if (row.alert.kind == AlertKind::kChange) ++change_rows;
    }
    EXPECT_EQ(change_rows, changes_.size());
  }

  testing::TempDir dir_;
  testing::ScopedEnv env_;
  testing::WebhookReceiver receiver_;
  std::vector<std::string> groups_;  // the default group and "web"
  struct Change {
    std::string group;
    int port;
  };
  std::vector<Change> changes_;  // in the order they were made
};


const std::vector<std::string> kWatch = {"watch", "--interval", "100ms", "--region", kRegion};

TEST_F(OutboxOutageTest, ServerErrorsAreRetriedInOrderUntilTheDestinationRecovers) {
  receiver_.answer_status(500);
  testing::BackgroundWatch watch([&](StopSignal* stop) { return sgwatch(kWatch, stop); });
  ASSERT_TRUE(wait_until([&] { return describes() >= 2; }));  // the baseline is recorded
  for (int k = 0; k < 6; ++k) change_seen(static_cast<size_t>(k % 2), 30000 + k);
  ASSERT_TRUE(wait_until([&] { return attempts_of(30000) >= 3 && attempts_of(30001) >= 3; }))
      << "each group's first change is tried again and again";

  const SteadyTime outage_over = std::chrono::steady_clock::now();
  receiver_.answer_ok();
  const SteadyTime recovered = std::chrono::steady_clock::now();
  const auto tries = check_outage(outage_over);
  EXPECT_GE(tries.at(30000).size(), 3u);
  EXPECT_GE(tries.at(30001).size(), 3u);
  const auto all = receipts();
  EXPECT_TRUE(std::any_of(all.begin(), all.end(), [&](const Receipt& r) {
    return r.kind == "baseline" && r.at < outage_over;
  })) << "the baseline alert was tried during the outage too";

  ASSERT_TRUE(wait_until([&] { return all_delivered(); }));
  Outcome outcome = watch.stop();
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_NE(outcome.err.find("HTTP 500"), std::string::npos) << outcome.err;
  check_recovery(recovered);
  for (const OutboxEntry& row : outbox()) {
    if (row.alert.kind != AlertKind::kChange) continue;
    const nlohmann::json item = nlohmann::json::parse(row.alert.body);
    const int port = item.at("added").at(0).at("from_port").get<int>();
    if (port == 30000 || port == 30001) {
      EXPECT_GE(row.attempts, 4) << "three refusals and the delivery of tcp/" << port;
    }
  }
}

TEST_F(OutboxOutageTest, RetryAfterIsWaitedForThoughItExceedsTheLongestBackoff) {
  receiver_.answer_retry_after("1");
  testing::BackgroundWatch watch([&](StopSignal* stop) { return sgwatch(kWatch, stop); });
  ASSERT_TRUE(wait_until([&] { return describes() >= 2; }));
  for (int k = 0; k < 4; ++k) change_seen(static_cast<size_t>(k % 2), 30100 + k);
  ASSERT_TRUE(wait_until([&] { return attempts_of(30100) >= 2 && attempts_of(30101) >= 2; }));

  const SteadyTime outage_over = std::chrono::steady_clock::now();
  receiver_.answer_ok();
  const SteadyTime recovered = std::chrono::steady_clock::now();
  // max_retry is 200ms; the destination asked for a second, and got it. (The wait is
  // counted from the pass that sent the alert, which starts a little before the request.)
  for (const auto& [port, times] : check_outage(outage_over)) {
    for (size_t i = 1; i < times.size(); ++i) {
      EXPECT_GE(times[i] - times[i - 1], 900ms) << "tcp/" << port << ", try " << i + 1;
    }
  }

  ASSERT_TRUE(wait_until([&] { return all_delivered(); }));
  Outcome outcome = watch.stop();
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_NE(outcome.err.find("as the destination asked"), std::string::npos) << outcome.err;
  check_recovery(recovered);
}

TEST_F(OutboxOutageTest, AHangingDestinationTimesOutAndIsRetried) {
  write_config("timeout = \"300ms\"\n");
  receiver_.hang();
  testing::BackgroundWatch watch([&](StopSignal* stop) { return sgwatch(kWatch, stop); });
  ASSERT_TRUE(wait_until([&] { return describes() >= 2; }));
  for (int k = 0; k < 4; ++k) change_seen(static_cast<size_t>(k % 2), 30200 + k);
  ASSERT_TRUE(wait_until([&] { return attempts_of(30200) >= 2 && attempts_of(30201) >= 2; }));

  const SteadyTime outage_over = std::chrono::steady_clock::now();
  receiver_.answer_ok();  // the held requests are answered too, but their sender is gone
  const SteadyTime recovered = std::chrono::steady_clock::now();
  // Each try waited out the 300ms timeout before the next.
  for (const auto& [port, times] : check_outage(outage_over)) {
    for (size_t i = 1; i < times.size(); ++i) {
      EXPECT_GE(times[i] - times[i - 1], 290ms) << "tcp/" << port << ", try " << i + 1;
    }
  }

  ASSERT_TRUE(wait_until([&] { return all_delivered(); }));
  Outcome outcome = watch.stop();
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  check_recovery(recovered);
}

TEST_F(OutboxOutageTest, OnceFailsWhileAnAlertIsRefusedAndSucceedsOnceItIsDelivered) {
  receiver_.answer_status(500);
  Outcome baseline = sgwatch({"once", "--region", kRegion});
  EXPECT_EQ(baseline.code, 1) << "the baseline alert was refused\n" << baseline.err;
  ASSERT_EQ(receiver_.count(), 1u);
  EXPECT_EQ(receipts()[0].kind, "baseline");

  change(0, 31000);
  wait_for_retries_due();
  Outcome refused = sgwatch({"once", "--region", kRegion});
  EXPECT_EQ(refused.code, 1) << refused.err;
  EXPECT_NE(refused.out.find("+ ingress tcp/31000 from 10.0.0.0/8"), std::string::npos)
      << refused.out;
  ASSERT_EQ(receiver_.count(), 3u) << "the baseline again, and the change";

  receiver_.answer_ok();
  wait_for_retries_due();
  const SteadyTime recovered = std::chrono::steady_clock::now();
  Outcome delivered = sgwatch({"once", "--region", kRegion});
  EXPECT_EQ(delivered.code, 0) << delivered.err;
  ASSERT_EQ(receiver_.count(), 5u);
  check_recovery(recovered);

  Outcome quiet = sgwatch({"once", "--region", kRegion});
  EXPECT_EQ(quiet.code, 0) << quiet.err;
  EXPECT_EQ(receiver_.count(), 5u) << "nothing is sent twice";
}

}  // namespace
}  // namespace sgwatch::outbox_outage_test
