// The store's outbox part: alerts queued with the changes they report, atomically; ids that
// are queued once; deliveries recorded; rows read back as written.
#include <gtest/gtest.h>

#include "builders.h"
#include "store_fixture.h"

namespace sgwatch::sqlite_outbox_test {
namespace {

using std::chrono::minutes;
using testing::gid;
using testing::group;
using testing::ingress;

class SqliteOutboxTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    // A baseline and one change.
    for (int minute : {0, 1}) {
      ASSERT_TRUE(commit(minute, {group(kGroup, {ingress("tcp", 22 + minute, 22 + minute, "10.0.0.0/8")})}));
    }
    auto changes = store_->changes({});
    ASSERT_TRUE(changes && changes->size() == 1);
    change_ = changes->front();
  }

  Alert alert(const std::string& destination) {
    Alert alert{.destination = destination,
                .kind = AlertKind::kChange,
                .scope = scope_,
                .group = gid(kGroup),
                .revisions = {change_->revision},
                .events = {"state:pending"},
                .severity = Severity::kHigh,
                .recipients = {"team-a@example.com", "lead-a@example.com"},
                .body = R"({"revision": 2})",
                .created_at = t0_ + minutes(1),
                .deliver_after = t0_ + minutes(1) + std::chrono::seconds(10)};
    alert.id = alert_id(destination, alert.kind, scope_, alert.group, alert.revisions, alert.events);
    return alert;
  }

  std::vector<OutboxEntry> all() {
    auto rows = store_->outbox({});
    EXPECT_TRUE(rows) << rows.error().message;
    return rows.value_or(std::vector<OutboxEntry>{});
  }

  std::optional<ChangeEntry> change_;  // the one change, read back in SetUp
};

TEST_F(SqliteOutboxTest, AReportedChangeAndItsAlertsAreWrittenTogether) {
  ChangeEntry reported = *change_;
  reported.reported = true;
  reported.reported_state = AttributionState::kPending;
  ASSERT_TRUE(store_->report_changes({reported}, {alert("security"), alert("owners")}));

  ChangeQuery unreported;
  unreported.unreported_only = true;
  EXPECT_TRUE(store_->changes(unreported)->empty());
  auto rows = all();
  ASSERT_EQ(rows.size(), 2u);
  const OutboxEntry& row = rows[0];
  const Alert expected = alert("security");
  EXPECT_EQ(row.alert.id, expected.id);
  EXPECT_EQ(row.alert.destination, "security");
  EXPECT_EQ(row.alert.kind, AlertKind::kChange);
  EXPECT_EQ(row.alert.scope, scope_);
  EXPECT_EQ(row.alert.group, gid(kGroup));
  EXPECT_EQ(row.alert.revisions, expected.revisions);
  EXPECT_EQ(row.alert.events, expected.events);
  EXPECT_EQ(row.alert.severity, Severity::kHigh);
  EXPECT_EQ(row.alert.recipients, expected.recipients);
  EXPECT_EQ(row.alert.body, expected.body);
  EXPECT_EQ(row.alert.created_at, expected.created_at);
  EXPECT_EQ(row.alert.deliver_after, expected.deliver_after);
  EXPECT_EQ(row.state, AlertState::kPending);
  EXPECT_EQ(row.attempts, 0);
  EXPECT_EQ(row.next_attempt_at, expected.deliver_after);  // the first try, once the window closes
  EXPECT_FALSE(row.delivered_at);
}

TEST_F(SqliteOutboxTest, WhenMarkingAChangeFailsNothingOfTheReportIsWritten) {
  ChangeEntry reported = *change_;
  reported.reported = true;
  ChangeEntry missing = *change_;
  missing.revision = 999;  // no such change: the update fails after the first one succeeded
  missing.reported = true;
  EXPECT_FALSE(store_->report_changes({reported, missing}, {alert("security")}));
  EXPECT_TRUE(all().empty());
  ChangeQuery unreported;
  unreported.unreported_only = true;
  EXPECT_EQ(store_->changes(unreported)->size(), 1u);  // the first mark was rolled back
}

TEST_F(SqliteOutboxTest, AnAlertIsQueuedOnceWhateverItsLaterCopiesSay) {
  ASSERT_TRUE(store_->queue_alerts({alert("security")}));
  Alert recomputed = alert("security");
  recomputed.body = R"({"revision": 2, "recomputed": true})";
  ASSERT_TRUE(store_->queue_alerts({recomputed}));
  auto rows = all();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].alert.body, R"({"revision": 2})");
}

TEST_F(SqliteOutboxTest, DeliveriesAreRecordedAndSelectable) {
  ASSERT_TRUE(store_->queue_alerts({alert("security"), alert("owners")}));
  const Timestamp sent = t0_ + minutes(2);
  ASSERT_TRUE(store_->record_deliveries(
      {{alert("security").id, AlertState::kDelivered, 1, sent, "", sent},
       {alert("owners").id, AlertState::kFailed, 3, sent, "HTTP 404 from webhook", std::nullopt}}));

  OutboxQuery owed;
  owed.states = {AlertState::kPending, AlertState::kFailed};
  auto failed = store_->outbox(owed);
  ASSERT_TRUE(failed);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ(failed->front().alert.destination, "owners");
  EXPECT_EQ(failed->front().attempts, 3);
  EXPECT_EQ(failed->front().last_error, "HTTP 404 from webhook");

  OutboxQuery security;
  security.destination = "security";
  auto delivered = store_->outbox(security);
  ASSERT_TRUE(delivered && delivered->size() == 1);
  EXPECT_EQ(delivered->front().state, AlertState::kDelivered);
  EXPECT_EQ(delivered->front().delivered_at, sent);

  auto unknown = store_->record_deliveries({{"a-unknown", AlertState::kDelivered, 1, sent, "", sent}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteOutboxTest, TheBacklogCountsPendingAlertsPerDestinationAsTheGenericOneDoes) {
  Alert older = alert("owners");
  older.events = {"state:attributed"};
  older.created_at = t0_ + std::chrono::seconds(30);
  older.id = alert_id("owners", older.kind, scope_, older.group, older.revisions, older.events);
  ASSERT_TRUE(store_->queue_alerts({alert("security"), alert("owners"), older}));
  const Timestamp sent = t0_ + minutes(2);
  ASSERT_TRUE(store_->record_deliveries(
      {{alert("security").id, AlertState::kDelivered, 1, sent, "", sent}}));

  auto backlog = store_->outbox_backlog();
  ASSERT_TRUE(backlog) << backlog.error().message;
  ASSERT_EQ(backlog->size(), 1u);  // the security alert was delivered
  EXPECT_EQ(backlog->front().destination, "owners");
  EXPECT_EQ(backlog->front().pending, 2u);
  EXPECT_EQ(backlog->front().oldest_created_at, t0_ + std::chrono::seconds(30));

  auto generic = store_->Store::outbox_backlog();  // reads the rows whole
  ASSERT_TRUE(generic);
  ASSERT_EQ(generic->size(), 1u);
  EXPECT_EQ(generic->front().pending, backlog->front().pending);
  EXPECT_EQ(generic->front().oldest_created_at, backlog->front().oldest_created_at);
}

TEST_F(SqliteOutboxTest, ACyclesAlertsAreWrittenWithItOrNotAtAll) {
  Alert summary{.destination = "security",
                .kind = AlertKind::kBaseline,
                .scope = Scope{testing::account("210987654321"), scope_.region},
                .body = R"({"groups": 1})"};
  summary.id = alert_id("security", summary.kind, summary.scope, std::nullopt, {}, {});
  Group g = group(kGroup, {});
  CycleWrite baseline{summary.scope, t0_, false, 1, {}, {}, false, {summary}};
  baseline.changed.emplace_back(g.id, g);
  ASSERT_TRUE(store_->commit(baseline));
  ASSERT_EQ(all().size(), 1u);
  EXPECT_EQ(all()[0].alert.kind, AlertKind::kBaseline);

  // A cycle the store refuses (older than the last one) queues nothing either.
  Alert late = summary;
  late.id = "a-late";
  CycleWrite refused{summary.scope, t0_ - minutes(1), false, 1, {}, {}, false, {late}};
  EXPECT_FALSE(store_->commit(refused));
  EXPECT_EQ(all().size(), 1u);
}

}  // namespace
}  // namespace sgwatch::sqlite_outbox_test
