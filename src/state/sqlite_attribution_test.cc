// The store's attribution part: changes recorded by commit() after a baseline, their state
// and reporting, and the CloudTrail events kept for them.
#include <gtest/gtest.h>

#include "builders.h"
#include "store_fixture.h"

namespace sgwatch::sqlite_attribution_test {
namespace {

using std::chrono::minutes;
using testing::gid;
using testing::group;
using testing::ingress;

class SqliteAttributionTest : public testing::StoreTest {
 protected:
  StoredEvent event(const std::string& id, int minute, bool failed = false) {
    return StoredEvent{id, scope_, t0_ + minutes(minute), "AuthorizeSecurityGroupIngress",
                       failed, {gid(kGroup)}, "{\"eventID\": \"" + id + "\"}"};
  }
};

TEST_F(SqliteAttributionTest, TheBaselineIsNoChangeAndLaterRevisionsAre) {
  ASSERT_TRUE(commit(0, {group(kGroup, {ingress("tcp", 22, 22, "10.0.0.0/8")})}));
  auto none = store_->changes({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());

  ASSERT_TRUE(commit(1, {group(kGroup, {ingress("tcp", 3389, 3389, "0.0.0.0/0")})}));
  auto changes = store_->changes({});
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), 1u);
  const ChangeEntry& change = changes->front();
  EXPECT_EQ(change.group, gid(kGroup));
  EXPECT_EQ(change.scope, scope_);
  EXPECT_EQ(change.since, t0_);
  EXPECT_EQ(change.observed_at, t0_ + minutes(1));
  EXPECT_EQ(change.state, AttributionState::kPending);
  EXPECT_FALSE(change.reported);
  auto revision = store_->revision(change.revision);
  ASSERT_TRUE(revision && *revision);
  EXPECT_EQ((*revision)->observed_at, t0_ + minutes(1));
  auto before = store_->previous_revision(**revision);
  ASSERT_TRUE(before && *before);
  EXPECT_EQ((*before)->observed_at, t0_);
  auto first = store_->previous_revision(**before);
  ASSERT_TRUE(first);
  EXPECT_FALSE(*first);
}

TEST_F(SqliteAttributionTest, WithoutAttributionAChangeHasNoState) {
  ASSERT_TRUE(commit(0, {group(kGroup, {})}, false));
  ASSERT_TRUE(commit(1, {group(kGroup, {ingress("tcp", 22, 22, "10.0.0.0/8")})}, false));
  auto changes = store_->changes({});
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_FALSE(changes->front().state);

  // Unreported until reported, with no state to report.
  ChangeQuery unreported;
  unreported.unreported_only = true;
  EXPECT_EQ(store_->changes(unreported)->size(), 1u);
  ChangeEntry entry = changes->front();
  entry.reported = true;
  ASSERT_TRUE(store_->update_changes({entry}));
  EXPECT_TRUE(store_->changes(unreported)->empty());
  EXPECT_TRUE(store_->changes({})->front().reported);
}

TEST_F(SqliteAttributionTest, AChangeIsUnreportedAgainWhenItsStateMovesOn) {
  ASSERT_TRUE(commit(0, {group(kGroup, {})}));
  ASSERT_TRUE(commit(1, {group(kGroup, {ingress("tcp", 22, 22, "10.0.0.0/8")})}));
  ChangeQuery unreported;
  unreported.unreported_only = true;
  ChangeEntry entry = store_->changes(unreported)->front();
  entry.reported = true;
  entry.reported_state = AttributionState::kPending;
  entry.lookups = 1;
  ASSERT_TRUE(store_->update_changes({entry}));
  EXPECT_TRUE(store_->changes(unreported)->empty());

  entry.state = AttributionState::kAttributed;
  entry.event_ids = {"e-1", "e-2"};
  ASSERT_TRUE(store_->update_changes({entry}));
  auto again = store_->changes(unreported);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->front().state, AttributionState::kAttributed);
  EXPECT_EQ(again->front().reported_state, AttributionState::kPending);
  EXPECT_EQ(again->front().event_ids, (std::vector<std::string>{"e-1", "e-2"}));
  EXPECT_EQ(again->front().lookups, 1);
}

TEST_F(SqliteAttributionTest, QueriesNarrowByTimeGroupAndState) {
  const char* other = "sg-0123456789abcdef1";
  ASSERT_TRUE(commit(0, {group(kGroup, {}), group(other, {})}));
  ASSERT_TRUE(commit(1, {group(kGroup, {ingress("tcp", 22, 22, "10.0.0.0/8")})}));
  ASSERT_TRUE(commit(2, {group(other, {ingress("tcp", 80, 80, "10.0.0.0/8")})}));
  ChangeQuery by_group;
  by_group.group = gid(other);
  EXPECT_EQ(store_->changes(by_group)->size(), 1u);
  ChangeQuery by_time;
  by_time.since = t0_ + minutes(2);
  ASSERT_EQ(store_->changes(by_time)->size(), 1u);
  EXPECT_EQ(store_->changes(by_time)->front().group, gid(other));
  by_time.since.reset();
  by_time.until = t0_ + minutes(1);
  EXPECT_EQ(store_->changes(by_time)->size(), 1u);
  ChangeQuery by_state;
  by_state.state = AttributionState::kAttributed;
  EXPECT_TRUE(store_->changes(by_state)->empty());
  ChangeQuery by_account;
  by_account.account = testing::account("210987654321");
  EXPECT_TRUE(store_->changes(by_account)->empty());
  ChangeQuery all;
  auto listed = store_->changes(all);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_LT((*listed)[0].observed_at, (*listed)[1].observed_at);
}

TEST_F(SqliteAttributionTest, EventsAreKeptOnceByEventId) {
  auto added = store_->add_events({event("e-1", 1), event("e-2", 2, true)});
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(*added, (std::vector<std::string>{"e-1", "e-2"}));
  // An overlapping window serves e-2 again: only e-3 is new.
  added = store_->add_events({event("e-2", 2, true), event("e-3", 3)});
  ASSERT_TRUE(added);
  EXPECT_EQ(*added, (std::vector<std::string>{"e-3"}));

  auto window = store_->events(scope_, t0_ + minutes(2), t0_ + minutes(3));
  ASSERT_TRUE(window);
  ASSERT_EQ(window->size(), 2u);
  EXPECT_EQ((*window)[0].event_id, "e-2");
  EXPECT_TRUE((*window)[0].failed);
  EXPECT_EQ((*window)[0].groups, (std::vector<GroupId>{gid(kGroup)}));
  EXPECT_EQ((*window)[1].record, "{\"eventID\": \"e-3\"}");
  Scope elsewhere{scope_.account, testing::region("us-east-1")};
  EXPECT_TRUE(store_->events(elsewhere, t0_, t0_ + minutes(9))->empty());

  auto by_id = store_->events_by_id({"e-3", "missing", "e-1"});
  ASSERT_TRUE(by_id);
  ASSERT_EQ(by_id->size(), 2u);
  EXPECT_EQ((*by_id)[0].event_id, "e-3");
  EXPECT_EQ((*by_id)[1].event_id, "e-1");
}

TEST_F(SqliteAttributionTest, UpdatingAChangeThatDoesNotExistIsAnError) {
  ChangeEntry ghost{42, scope_, gid(kGroup), t0_, t0_, AttributionState::kPending, {}, 0,
                    false, std::nullopt};
  auto updated = store_->update_changes({ghost});
  ASSERT_FALSE(updated);
  EXPECT_NE(updated.error().message.find("revision 42"), std::string::npos);
}

TEST_F(SqliteAttributionTest, AReaderCannotWrite) {
  auto reader = SqliteStore::open_reader(dir_.file("store.db"));
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_FALSE((*reader)->add_events({event("e-1", 1)}));
  EXPECT_FALSE((*reader)->update_changes({}));
}

}  // namespace
}  // namespace sgwatch::sqlite_attribution_test
