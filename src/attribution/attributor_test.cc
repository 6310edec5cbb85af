// The Attributor over a real store and a fake trail: changes become attributed when their
// record arrives, unattributed when the wait runs out, stay pending while lookups fail;
// refused calls against watched groups are attempts, reported once; with kStoredFirst, the
// calls an event source carried settle what they explain before any lookup.
#include "attribution/attributor.h"

#include <optional>
#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "attribution/stored_calls.h"
#include "builders.h"
#include "core/warning_cap.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"
#include "test_support.h"
#include "trail_records.h"

namespace sgwatch::attributor_test {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::gid;
using testing::group;
using testing::ingress;

constexpr const char* kGroup = "sg-0123456789abcdef0";

// Serves the records it holds whose time is in the lookup's window, newest first, pages of
// 50 up to max_pages, by ReadOnly (all of them) or ResourceName (those naming the group), as
// LookupEvents would; can be made to fail.
class FakeTrail : public TrailApi {
 public:
  Result<TrailLookupResult> lookup_events(const AwsCredentials&, const AccountId&,
                                          const TrailLookup& lookup) override {
    lookups.push_back(lookup);
    if (failing) return fail(ErrorCode::kIo, "cloudtrail:LookupEvents failed: AccessDenied");
    TrailLookupResult result;
    for (auto it = records.rbegin(); it != records.rend(); ++it) {
      auto time = parse_time((*it)["eventTime"].get<std::string>()).value();
      if (time < lookup.start || time > lookup.end) continue;
      const std::string record = it->dump();
      if (lookup.attribute_key == "ResourceName" &&
          record.find(lookup.attribute_value) == std::string::npos) {
        continue;
      }
      result.events.push_back({(*it)["eventID"], (*it)["eventName"], time, record});
    }
    result.pages = std::max<int>(1, static_cast<int>((result.events.size() + 49) / 50));
    if (lookup.max_pages > 0 && result.pages > lookup.max_pages) {
      result.pages = lookup.max_pages;
      result.events.resize(static_cast<size_t>(lookup.max_pages) * 50);
      result.complete = false;
    }
    return result;
  }

  std::vector<nlohmann::json> records;
  std::vector<TrailLookup> lookups;
  bool failing = false;
};

class AttributorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::open_writer(dir_.file("store.db"));
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    settings_.wait = minutes(15);
    settings_.clock_skew = minutes(5);
    // The baseline at t0, then tcp/3389 from the world added, seen at t0 + 1 min.
    commit(0, {});
    commit(1, {ingress("tcp", 3389, 3389, "0.0.0.0/0")});
  }

  void commit(int minute, std::vector<Rule> rules) {
    Group g = group(kGroup, std::move(rules));
    CycleWrite cycle{scope_, t0_ + minutes(minute), false, 1, {{g.id, g}}, {}, true};
    ASSERT_TRUE(store_->commit(cycle));
  }

  void quiet_cycle(int minute) {
    ASSERT_TRUE(store_->commit(CycleWrite{scope_, t0_ + minutes(minute), false, 1, {}, {}, true}));
  }

  testing::TrailCall call_at(Timestamp time, const std::string& id) {
    testing::TrailCall call;
    call.time = time;
    call.event_id = id;
    return call;
  }

  Result<ScopeAttribution> run_at(Timestamp now) {
    Attributor attributor(trail_, *store_, settings_);
    return attributor.run(credentials_, scope_, now);
  }

  // What an event source does with the call its event carried (an EventBridge event, a
  // Config item's related event): keeps it in the store, then names it to the Attributor.
  void store_carried(const nlohmann::json& record) {
    auto event = security_group_event(record.dump(), scope_);
    ASSERT_TRUE(event) << event.error().message;
    ASSERT_TRUE(*event);
    ASSERT_TRUE(store_->add_events({**event}));
  }

  Result<ScopeAttribution> run_stored_first_at(Timestamp now,
                                               const std::vector<std::string>& related) {
    Attributor attributor(trail_, *store_, settings_);
    return attributor.run(credentials_, scope_, now, related, Attributor::Mode::kStoredFirst);
  }

  // The change observed at `minute`, if there is one.
  std::optional<ChangeEntry> change_seen_at(int minute) {
    auto changes = store_->changes({});
    EXPECT_TRUE(changes);
    if (!changes) return std::nullopt;
    for (const ChangeEntry& entry : *changes) {
      if (entry.observed_at == t0_ + minutes(minute)) return entry;
    }
    return std::nullopt;
  }

  ChangeEntry only_change() {
    auto changes = store_->changes({});
    EXPECT_TRUE(changes && changes->size() == 1u);
    return changes->front();
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  FakeTrail trail_;
  AttributionSettings settings_;
  AwsCredentials credentials_{"AKIDEXAMPLE", "secret", "", std::nullopt};
  Scope scope_{testing::account("111122223333"), testing::region("eu-west-1")};
  Timestamp t0_ = Timestamp(std::chrono::hours(24 * 20000));
};

TEST_F(AttributorTest, ARecordOfTheChangeAttributesIt) {
  trail_.records.push_back(
      testing::authorize_record(call_at(t0_ + seconds(30), "ev-add"), kGroup, 3389, "0.0.0.0/0"));
  auto outcome = run_at(t0_ + minutes(1));
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->attributed, 1u);
  EXPECT_EQ(outcome->events_kept, 1u);
  const ChangeEntry change = only_change();
  EXPECT_EQ(change.state, AttributionState::kAttributed);
  EXPECT_EQ(change.event_ids, (std::vector<std::string>{"ev-add"}));
  EXPECT_EQ(change.lookups, 1);
}

// Records broken the same way (a tool that writes a bad group id) are named a few times
// and counted, not one warning each; the good record among them still attributes.
TEST_F(AttributorTest, UnusableRecordsOfOneKindAreWarnedOfAFewTimesThenCounted) {
  for (int i = 0; i < 12; ++i) {
    trail_.records.push_back(testing::authorize_record(
        call_at(t0_ + seconds(10 + i), "ev-bad-" + std::to_string(i)), "sg-broken", 22,
        "10.0.0.0/8"));
  }
  trail_.records.push_back(
      testing::authorize_record(call_at(t0_ + seconds(30), "ev-add"), kGroup, 3389, "0.0.0.0/0"));
  std::ostringstream log;
  const auto before = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_st>(log)));
  auto outcome = run_at(t0_ + minutes(1));
  spdlog::set_default_logger(before);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->attributed, 1u);
  EXPECT_EQ(testing::occurrences(log.str(), "Skipped CloudTrail event ev-bad-"),
            WarningCap::Limits{}.per_kind)
      << log.str();
  EXPECT_NE(log.str().find("Skipped CloudTrail events of 111122223333/eu-west-1: 7 more "
                           "warnings like these (requestParameters.groupId) were not shown"),
            std::string::npos)
      << log.str();
}

TEST_F(AttributorTest, ATooBusyWindowIsLookedUpByGroup) {
  settings_.max_pages = 1;
  trail_.records.push_back(
      testing::authorize_record(call_at(t0_ + seconds(30), "ev-add"), kGroup, 3389, "0.0.0.0/0"));
  // 60 later writes on another group push the change's record off the first page.
  for (int i = 0; i < 60; ++i) {
    trail_.records.push_back(testing::authorize_record(
        call_at(t0_ + seconds(31), "ev-busy-" + std::to_string(i)), "sg-0fedcba9876543210",
        1000 + i, "10.0.0.0/8"));
  }
  auto outcome = run_at(t0_ + minutes(1));
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_TRUE(outcome->by_group);
  ASSERT_EQ(trail_.lookups.size(), 2u);
  EXPECT_EQ(trail_.lookups[0].max_pages, 1);
  EXPECT_EQ(trail_.lookups[1].attribute_key, "ResourceName");
  EXPECT_EQ(trail_.lookups[1].attribute_value, kGroup);
  EXPECT_EQ(trail_.lookups[1].start, t0_ - minutes(5));
  EXPECT_EQ(outcome->lookup_pages, 2);
  EXPECT_EQ(only_change().state, AttributionState::kAttributed);
}

TEST_F(AttributorTest, AnotherGroupsCallDoesNotAttributeTheChange) {
  trail_.records.push_back(testing::authorize_record(call_at(t0_ + seconds(30), "ev-other"),
                                                     "sg-0fedcba9876543210", 3389, "0.0.0.0/0"));
  ASSERT_TRUE(run_at(t0_ + minutes(1)));
  EXPECT_EQ(only_change().state, AttributionState::kPending);
}

TEST_F(AttributorTest, ALateRecordTurnsPendingIntoAttributed) {
  ASSERT_TRUE(run_at(t0_ + minutes(1)));
  EXPECT_EQ(only_change().state, AttributionState::kPending);

  // The trail delivers the record two minutes late.
  trail_.records.push_back(
      testing::authorize_record(call_at(t0_ + seconds(30), "ev-add"), kGroup, 3389, "0.0.0.0/0"));
  auto outcome = run_at(t0_ + minutes(3));
  ASSERT_TRUE(outcome);
  const ChangeEntry change = only_change();
  EXPECT_EQ(change.state, AttributionState::kAttributed);
  EXPECT_EQ(change.lookups, 2);
}

TEST_F(AttributorTest, NoRecordWithinTheWaitLeavesTheChangeUnattributed) {
  ASSERT_TRUE(run_at(t0_ + minutes(10)));
  EXPECT_EQ(only_change().state, AttributionState::kPending);
  auto outcome = run_at(t0_ + minutes(16));
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->unattributed, 1u);
  EXPECT_EQ(only_change().state, AttributionState::kUnattributed);
  // A settled change is not looked at again.
  ASSERT_TRUE(run_at(t0_ + minutes(17)));
  EXPECT_EQ(only_change().lookups, 2);
}

TEST_F(AttributorTest, AFailedLookupLeavesChangesPendingEvenPastTheWait) {
  trail_.failing = true;
  auto outcome = run_at(t0_ + minutes(30));
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("AccessDenied"), std::string::npos);
  const ChangeEntry change = only_change();
  EXPECT_EQ(change.state, AttributionState::kPending);
  EXPECT_EQ(change.lookups, 0);
}

TEST_F(AttributorTest, TheLookupReachesBackToTheOldestPendingChange) {
  ASSERT_TRUE(run_at(t0_ + minutes(40)));  // settles it: unattributed
  quiet_cycle(40);
  commit(41, {});
  ASSERT_TRUE(run_at(t0_ + minutes(41)));
  ASSERT_EQ(trail_.lookups.size(), 2u);
  // The first lookup had to reach the change's window: t0 (the baseline) less the skew.
  EXPECT_EQ(trail_.lookups[0].start, t0_ - minutes(5));
  EXPECT_EQ(trail_.lookups[0].end, t0_ + minutes(40));
  // With only a fresh change pending, the wait and skew bound it.
  EXPECT_EQ(trail_.lookups[1].start, t0_ + minutes(41) - minutes(20));
}

TEST_F(AttributorTest, RefusedCallsAgainstWatchedGroupsAreAttemptsOnce) {
  testing::TrailCall refused = call_at(t0_ + seconds(40), "ev-refused");
  refused.error_code = "Client.UnauthorizedOperation";
  refused.actor_arn = "arn:aws:iam::111122223333:user/mallory";
  trail_.records.push_back(testing::authorize_record(refused, kGroup, 22, "0.0.0.0/0"));
  testing::TrailCall elsewhere = call_at(t0_ + seconds(41), "ev-unwatched");
  elsewhere.error_code = "Client.UnauthorizedOperation";
  trail_.records.push_back(
      testing::authorize_record(elsewhere, "sg-0fedcba9876543210", 22, "0.0.0.0/0"));

  auto first = run_at(t0_ + minutes(1));
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->attempts.size(), 1u);
  EXPECT_EQ(first->attempts[0].event_id, "ev-refused");
  EXPECT_EQ(first->attempts[0].actor.arn, "arn:aws:iam::111122223333:user/mallory");
  EXPECT_TRUE(first->attempts[0].attempt());
  // An attempt is never a change: the added rule still waits for its own record.
  EXPECT_EQ(only_change().state, AttributionState::kPending);

  auto second = run_at(t0_ + minutes(2));
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->attempts.empty());
  // Still in the window: listed again for its alert, which the outbox keeps only once.
  ASSERT_EQ(second->attempts_in_window.size(), 1u);
  EXPECT_EQ(second->attempts_in_window[0].event_id, "ev-refused");
}

TEST_F(AttributorTest, StoredFirstSettlesWhatTheCarriedCallExplainsWithoutALookup) {
  store_carried(
      testing::authorize_record(call_at(t0_ + seconds(30), "ev-add"), kGroup, 3389, "0.0.0.0/0"));
  // The trail is not even reachable: the carried call is all it takes. A lookup would fail
  // the run.
  trail_.failing = true;
  auto outcome = run_stored_first_at(t0_ + minutes(1), {"ev-add"});
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_TRUE(trail_.lookups.empty());
  EXPECT_EQ(outcome->lookup_pages, 0);
  EXPECT_EQ(outcome->attributed, 1u);
  const ChangeEntry change = only_change();
  EXPECT_EQ(change.state, AttributionState::kAttributed);
  EXPECT_EQ(change.event_ids, (std::vector<std::string>{"ev-add"}));
  EXPECT_EQ(change.lookups, 1);
}

TEST_F(AttributorTest, StoredFirstLooksUpWhatTheCarriedCallsLeavePending) {
  // Two pending changes: RDP opened (seen at minute 1), and SSH opened (seen at minute 41).
  quiet_cycle(40);
  commit(41, {ingress("tcp", 3389, 3389, "0.0.0.0/0"), ingress("tcp", 22, 22, "0.0.0.0/0")});
  const testing::TrailCall rdp = call_at(t0_ + seconds(30), "ev-add");
  const testing::TrailCall ssh = call_at(t0_ + minutes(40) + seconds(30), "ev-ssh");
  trail_.records.push_back(testing::authorize_record(rdp, kGroup, 3389, "0.0.0.0/0"));
  trail_.records.push_back(testing::authorize_record(ssh, kGroup, 22, "0.0.0.0/0"));
  // Only the RDP call came with an event.
  store_carried(testing::authorize_record(rdp, kGroup, 3389, "0.0.0.0/0"));

  auto outcome = run_stored_first_at(t0_ + minutes(41), {"ev-add"});
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->attributed, 2u);
  ASSERT_EQ(trail_.lookups.size(), 1u);
  // The RDP change was settled first, so the lookup did not reach back to its window
  // (t0 less the skew, as a plain lookup would): the wait and skew bound it.
  EXPECT_EQ(trail_.lookups[0].start, t0_ + minutes(41) - minutes(20));
  const std::optional<ChangeEntry> rdp_change = change_seen_at(1);
  ASSERT_TRUE(rdp_change);
  EXPECT_EQ(rdp_change->state, AttributionState::kAttributed);
  EXPECT_EQ(rdp_change->event_ids, (std::vector<std::string>{"ev-add"}));
  const std::optional<ChangeEntry> ssh_change = change_seen_at(41);
  ASSERT_TRUE(ssh_change);
  EXPECT_EQ(ssh_change->state, AttributionState::kAttributed);
  EXPECT_EQ(ssh_change->event_ids, (std::vector<std::string>{"ev-ssh"}));
}

}  // namespace
}  // namespace sgwatch::attributor_test
