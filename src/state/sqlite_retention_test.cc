// Store::prune: what retention removes, and what it must never remove whatever the policy
// says (a group's latest revision, what pending changes and alerts need), and that the file
// shrinks afterwards.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "builders.h"
#include "store_fixture.h"

namespace sgwatch::sqlite_retention_test {
namespace {

using std::chrono::minutes;
using testing::gid;
using testing::group;
using testing::ingress;

constexpr int kDay = 24 * 60;  // in the fixture's minutes
constexpr const char* kOther = "sg-0fedcba9876543210";

class SqliteRetentionTest : public testing::StoreTest {
 protected:
  Group web(int port) { return group(kGroup, {ingress("tcp", port, port, "10.0.0.0/8")}); }
  Timestamp day(int d) const { return t0_ + minutes(d * kDay); }

  // Revisions of kGroup on each of `days` (the first the scope's baseline), every change
  // attributed and reported unless `settle` is false.
  void revisions_on(std::vector<int> days, bool settle = true) {
    int port = 1000;
    for (int d : days) ASSERT_TRUE(commit(d * kDay, {web(port++)}));
    if (settle) settle_all();
  }
  void settle_all() {
    auto changes = store_->changes({});
    ASSERT_TRUE(changes);
    for (ChangeEntry& change : *changes) {
      change.state = AttributionState::kAttributed;
      change.reported = true;
      change.reported_state = AttributionState::kAttributed;
    }
    ASSERT_TRUE(store_->update_changes(*changes));
  }
  // A revision of kGroup with 40 rules on each of days 0 to count - 1, all settled.
  void commit_daily_groups(int count) {
    for (int d = 0; d < count; ++d) {
      std::vector<Rule> rules;
      for (int port = 0; port < 40; ++port) {
        rules.push_back(ingress("tcp", d + port, d + port, "10.0.0.0/8"));
      }
      ASSERT_TRUE(commit(d * kDay, {group(kGroup, rules)}));
    }
    settle_all();
  }
  std::vector<int64_t> history_numbers(const char* id = kGroup) {
    auto history = store_->history(gid(id));
    EXPECT_TRUE(history) << history.error().message;
    std::vector<int64_t> numbers;
    for (const Revision& r : history.value_or(std::vector<Revision>{})) numbers.push_back(r.number);
    return numbers;
  }
  std::vector<int64_t> change_numbers() {
    auto changes = store_->changes({});
    EXPECT_TRUE(changes);
    std::vector<int64_t> numbers;
    for (const ChangeEntry& c : changes.value_or(std::vector<ChangeEntry>{})) {
      numbers.push_back(c.revision);
    }
    return numbers;
  }
  PruneCounts prune(int on_day, RetentionPolicy policy = {}) {
    auto counts = store_->prune(policy, day(on_day));
    EXPECT_TRUE(counts) << counts.error().message;
    return counts.value_or(PruneCounts{});
  }
  Alert alert_for(std::vector<int64_t> revisions, std::vector<std::string> events = {}) {
    Alert alert{.destination = "security", .kind = AlertKind::kChange, .scope = scope_,
                .group = gid(kGroup), .revisions = revisions, .events = events,
                .body = "{}", .created_at = day(2), .deliver_after = day(2)};
    alert.id = alert_id(alert.destination, alert.kind, scope_, alert.group, alert.revisions,
                        alert.events);
    return alert;
  }
  StoredEvent event(const std::string& id, Timestamp at) {
    return StoredEvent{id, scope_, at, "AuthorizeSecurityGroupIngress", false, {gid(kGroup)},
                       "{\"eventID\": \"" + id + "\"}"};
  }
};

TEST_F(SqliteRetentionTest, TheLatestRevisionStaysWhateverItsAge) {
  revisions_on({0, 1, 2});
  PruneCounts counts = prune(1000);
  EXPECT_EQ(history_numbers(), (std::vector<int64_t>{3}));
  EXPECT_EQ(counts.revisions, 2);
  // Both changes go: the one of revision 2 with it, the one of revision 3 with the revision
  // it was diffed against.
  EXPECT_EQ(counts.changes, 2);
  EXPECT_TRUE(change_numbers().empty());
  auto current = store_->current_groups(scope_);
  ASSERT_TRUE(current && current->size() == 1);
  EXPECT_EQ(current->front().number, 3);
  EXPECT_EQ(current->front().content->rules.front().key_string(),
            web(1002).rules.front().key_string());
  // The next cycle still sees it unchanged.
  auto hashes = store_->current_hashes(scope_);
  ASSERT_TRUE(hashes && hashes->size() == 1);
}

TEST_F(SqliteRetentionTest, TheRevisionCurrentAtTheHorizonStaysSoShowAtStillAnswers) {
  revisions_on({0, 100, 500});
  prune(600);  // horizon: day 200, when revision 2 (day 100) was current
  EXPECT_EQ(history_numbers(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(change_numbers(), (std::vector<int64_t>{3}));
  auto at = store_->revision_at(gid(kGroup), day(300));
  ASSERT_TRUE(at && *at);
  EXPECT_EQ((*at)->number, 2);
  auto before = store_->previous_revision(**store_->revision(3));
  ASSERT_TRUE(before && *before);
  EXPECT_EQ((*before)->number, 2);
}

TEST_F(SqliteRetentionTest, NothingYoungerThanTheHorizonGoes) {
  revisions_on({0, 1, 2});
  PruneCounts counts = prune(300);
  EXPECT_EQ(counts.revisions, 0);
  EXPECT_EQ(counts.changes, 0);
  EXPECT_EQ(history_numbers(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(change_numbers(), (std::vector<int64_t>{2, 3}));
}

TEST_F(SqliteRetentionTest, APendingChangeKeepsItsRevisionAndTheOneBefore) {
  revisions_on({0, 1}, /*settle=*/true);
  ASSERT_TRUE(commit(2 * kDay, {web(2000)}));  // revision 3: pending attribution
  ASSERT_TRUE(commit(3 * kDay, {web(2001)}));  // revision 4: pending too
  prune(1000);
  EXPECT_EQ(history_numbers(), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(change_numbers(), (std::vector<int64_t>{3, 4}));
  // Once reported in its final state, it may go.
  settle_all();
  prune(1000);
  EXPECT_EQ(history_numbers(), (std::vector<int64_t>{4}));
}

TEST_F(SqliteRetentionTest, AChangeReportedInAnOlderStateIsStillPending) {
  revisions_on({0, 1, 2});
  auto changes = store_->changes({});
  ASSERT_TRUE(changes);
  ChangeEntry first = changes->front();  // revision 2
  first.reported_state = AttributionState::kPending;  // attributed, not reported as such
  ASSERT_TRUE(store_->update_changes({first}));
  prune(1000);
  EXPECT_EQ(history_numbers(), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(SqliteRetentionTest, APendingAlertKeepsItsRevisionsUntilDelivered) {
  revisions_on({0, 1, 2});
  Alert alert = alert_for({2});
  ASSERT_TRUE(store_->queue_alerts({alert}));
  prune(1000);
  EXPECT_EQ(history_numbers(), (std::vector<int64_t>{1, 2, 3}));
  ASSERT_TRUE(store_->record_deliveries(
      {{alert.id, AlertState::kDelivered, 1, day(2), "", day(2)}}));
  PruneCounts counts = prune(1000);
  EXPECT_EQ(counts.alerts, 1);
  EXPECT_EQ(history_numbers(), (std::vector<int64_t>{3}));
}

TEST_F(SqliteRetentionTest, PendingAlertsStayDeliveredAndGivenUpOnesGoWhenOld) {
  revisions_on({0, 1});
  Alert pending = alert_for({2}, {"a"});
  Alert delivered = alert_for({2}, {"b"});
  Alert recent = alert_for({2}, {"c"});
  Alert given_up = alert_for({2}, {"d"});
  ASSERT_TRUE(store_->queue_alerts({pending, delivered, recent, given_up}));
  ASSERT_TRUE(store_->record_deliveries(
      {{delivered.id, AlertState::kDelivered, 1, day(2), "", day(2)},
       {recent.id, AlertState::kDelivered, 1, day(2), "", day(90)},
       {given_up.id, AlertState::kFailed, 5, day(3), "refused", std::nullopt}}));
  PruneCounts counts = prune(100);  // horizon: day 70
  EXPECT_EQ(counts.alerts, 2);
  auto left = store_->outbox({});
  ASSERT_TRUE(left);
  std::vector<std::string> ids;
  for (const OutboxEntry& row : *left) ids.push_back(row.alert.id);
  EXPECT_EQ(ids, (std::vector<std::string>{pending.id, recent.id}));
}

TEST_F(SqliteRetentionTest, ADeletedGroupGoesWholeOnceItsDeletionIsOld) {
  ASSERT_TRUE(commit(0, {web(22), group(kOther, {ingress("tcp", 80, 80, "0.0.0.0/0")})}));
  CycleWrite deletion{scope_, day(1), false, 1, {{gid(kOther), std::nullopt}}, {}, true};
  deletion.rule_ids[gid(kOther)].emplace("some-rule",
                                         RuleId::parse("sgr-0123456789abcdef0").value());
  ASSERT_TRUE(store_->commit(deletion));
  settle_all();
  prune(300);  // the deletion is younger than 400 days
  EXPECT_EQ(history_numbers(kOther).size(), 2u);
  PruneCounts counts = prune(500);
  EXPECT_TRUE(history_numbers(kOther).empty());
  EXPECT_EQ(counts.rule_ids, 1);
  EXPECT_EQ(history_numbers(), (std::vector<int64_t>{1}));  // the live group keeps its one
  auto ids = store_->rule_ids(scope_, gid(kOther));
  ASSERT_TRUE(ids);
  EXPECT_TRUE(ids->empty());
}

TEST_F(SqliteRetentionTest, OldEventsGoUnlessAPendingChangeMayNeedThem) {
  revisions_on({0, 1});
  ASSERT_TRUE(commit(200 * kDay, {web(3000)}));  // pending, since day 1
  ASSERT_TRUE(store_->add_events({event("old", day(0) - minutes(kDay * 2)),
                                  event("in-window", day(100)), event("recent", day(190))}));
  PruneCounts counts = prune(195);  // horizon: day 105
  EXPECT_EQ(counts.events, 1);
  auto left = store_->events_by_id({"old", "in-window", "recent"});
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ(left->front().event_id, "in-window");
  settle_all();
  counts = prune(195);
  EXPECT_EQ(counts.events, 1);  // "in-window" has nothing to explain any more
}

TEST_F(SqliteRetentionTest, EventsAPendingAlertNamesStay) {
  revisions_on({0, 1});
  ASSERT_TRUE(store_->add_events({event("named", day(1))}));
  ASSERT_TRUE(store_->queue_alerts({alert_for({2}, {"named"})}));
  EXPECT_EQ(prune(300).events, 0);
}

TEST_F(SqliteRetentionTest, SnapshotRecordsOfScopesNotObservedGo) {
  revisions_on({0, 1});
  RetentionPolicy policy;
  policy.snapshots = Days(30);  // the default keeps them
  EXPECT_EQ(prune(40).snapshots, 0);
  EXPECT_EQ(prune(20, policy).snapshots, 0);
  EXPECT_EQ(prune(40, policy).snapshots, 1);
  auto scopes = store_->scopes();
  ASSERT_TRUE(scopes);
  EXPECT_TRUE(scopes->empty());
  // Its groups are still there for `show`.
  EXPECT_EQ(history_numbers().size(), 2u);
}

TEST_F(SqliteRetentionTest, AScopeWithPendingChangesKeepsItsSnapshotRecord) {
  revisions_on({0, 1}, /*settle=*/false);
  RetentionPolicy policy;
  policy.snapshots = Days(30);
  EXPECT_EQ(prune(40, policy).snapshots, 0);
}

TEST_F(SqliteRetentionTest, ForeverKeepsEverything) {
  revisions_on({0, 1, 2});
  ASSERT_TRUE(store_->add_events({event("old", day(0))}));
  RetentionPolicy forever{std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  EXPECT_EQ(prune(5000, forever).rows(), 0);
}

TEST_F(SqliteRetentionTest, ADryRunCountsAndKeepsEverything) {
  revisions_on({0, 1, 2});
  auto preview = store_->preview_prune({}, day(1000));
  ASSERT_TRUE(preview) << preview.error().message;
  EXPECT_EQ(preview->revisions, 2);
  EXPECT_EQ(history_numbers().size(), 3u);
  EXPECT_EQ(prune(1000).revisions, 2);
}

TEST_F(SqliteRetentionTest, ABigPruneRewritesTheFile) {
  commit_daily_groups(300);
  PruneCounts counts = prune(1000);
  EXPECT_EQ(counts.revisions, 299);
  EXPECT_TRUE(counts.vacuumed);
  EXPECT_LT(counts.bytes_after * 4, counts.bytes_before);
}

TEST_F(SqliteRetentionTest, ASmallPruneTrimsTheFileWithoutRewritingIt) {
  // A new store uses incremental vacuum: the pages freed leave the file's end.
  commit_daily_groups(300);
  PruneCounts counts = prune(450);  // horizon: day 50
  EXPECT_EQ(counts.revisions, 50);
  EXPECT_FALSE(counts.vacuumed);
  EXPECT_LT(counts.bytes_after, counts.bytes_before * 9 / 10);
}

TEST_F(SqliteRetentionTest, AStoreFromBeforeRetentionIsRewrittenIntoIncrementalVacuum) {
  commit_daily_groups(200);
  store_.reset();
  // As an older sgwatch left it: no auto-vacuum.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.file("store.db").c_str(), &raw), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(raw, "PRAGMA auto_vacuum = NONE; VACUUM", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  auto reopened = SqliteStore::open_writer(dir_.file("store.db"));
  ASSERT_TRUE(reopened) << reopened.error().message;
  store_ = std::move(*reopened);

  PruneCounts counts = prune(1000);
  EXPECT_TRUE(counts.vacuumed);
  EXPECT_LT(counts.bytes_after * 4, counts.bytes_before);
  EXPECT_EQ(history_numbers().size(), 1u);
  store_.reset();
  ASSERT_EQ(sqlite3_open(dir_.file("store.db").c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* mode = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA auto_vacuum", -1, &mode, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(mode), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(mode, 0), 2);  // incremental
  sqlite3_finalize(mode);
  sqlite3_close(raw);
}

TEST_F(SqliteRetentionTest, APolicyUnderADayIsRefused) {
  RetentionPolicy hasty;
  hasty.events = std::chrono::hours(1);
  auto counts = store_->prune(hasty, day(10));
  ASSERT_FALSE(counts);
  EXPECT_EQ(counts.error().code, ErrorCode::kInvalidInput);
}

TEST_F(SqliteRetentionTest, AReaderCannotPrune) {
  revisions_on({0});
  auto reader = SqliteStore::open_reader(dir_.file("store.db"));
  ASSERT_TRUE(reader);
  EXPECT_FALSE((*reader)->prune({}, day(1000)));
}

}  // namespace
}  // namespace sgwatch::sqlite_retention_test
