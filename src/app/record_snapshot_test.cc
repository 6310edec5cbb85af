#include "app/record_snapshot.h"

#include <gtest/gtest.h>

#include "builders.h"
#include "state/sqlite_store.h"
#include "state/store_wrapper.h"
#include "temp_dir.h"

namespace sgwatch::record_snapshot_test {
namespace {

using std::chrono::minutes;
using testing::group;
using testing::ingress;

// Forwards to a real store; commit() can be made to fail, as a full disk would.
class FailingCommitStore : public StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;
  bool fail_commit = false;

  Status commit(const CycleWrite& cycle) override {
    if (fail_commit) return fail(ErrorCode::kIo, "disk full");
    return StoreWrapper::commit(cycle);
  }
};

class RecordSnapshotTest : public ::testing::Test {
 protected:
  Snapshot snapshot(std::vector<Group> groups, int minute, bool partial = false) {
    return Snapshot{scope_, t0_ + minutes(minute), std::move(groups), partial, {}};
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteStore> sqlite_ = SqliteStore::open_writer(dir_.file("s.db")).value();
  FailingCommitStore store_{*sqlite_};
  Scope scope_{testing::account("123456789012"), testing::region("eu-west-1")};
  Timestamp t0_ = Timestamp(minutes(29000000));
  Group web_ = group("sg-0a1b2c3d4e5f60001", {ingress("tcp", 443, 443, "0.0.0.0/0")});
  Group db_ = group("sg-0a1b2c3d4e5f60002", {ingress("tcp", 5432, 5432, "10.0.0.0/8")});
};

TEST_F(RecordSnapshotTest, BaselineThenChangesThenDeletion) {
  auto first = record_snapshot(store_, snapshot({web_, db_}, 0));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->baseline);
  EXPECT_EQ(first->diffs.size(), 2u);

  Group opened = web_;
  opened.rules.push_back(ingress("tcp", 3389, 3389, "0.0.0.0/0"));
  canonicalize(opened);
  auto second = record_snapshot(store_, snapshot({opened}, 5));
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->baseline);
  ASSERT_EQ(second->diffs.size(), 2u);
  EXPECT_EQ(second->diffs[0].change, GroupChange::kModified);
  EXPECT_EQ(second->diffs[0].added.size(), 1u);
  EXPECT_EQ(second->diffs[1].change, GroupChange::kDeleted);
  EXPECT_EQ(second->diffs[1].group, db_.id);
  EXPECT_EQ(second->diffs[1].name, db_.name);  // known from the store, not the snapshot

  auto current = sqlite_->current_groups(scope_);
  ASSERT_TRUE(current);
  ASSERT_EQ(current->size(), 1u);
  EXPECT_TRUE(same_content(*(*current)[0].content, opened));
}

TEST_F(RecordSnapshotTest, AFailedCommitLosesNothing) {
  ASSERT_TRUE(record_snapshot(store_, snapshot({web_}, 0)));
  Group opened = web_;
  opened.rules.push_back(ingress("tcp", 3389, 3389, "0.0.0.0/0"));
  canonicalize(opened);

  store_.fail_commit = true;
  auto failed = record_snapshot(store_, snapshot({opened}, 5));
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("disk full"), std::string::npos);

  // The change was not recorded, so the next cycle still reports it.
  store_.fail_commit = false;
  auto retried = record_snapshot(store_, snapshot({opened}, 6));
  ASSERT_TRUE(retried);
  ASSERT_EQ(retried->diffs.size(), 1u);
  EXPECT_EQ(retried->diffs[0].added[0].summary(), "ingress tcp/3389 from 0.0.0.0/0");
}

TEST_F(RecordSnapshotTest, PartialSnapshotsDeleteNothing) {
  ASSERT_TRUE(record_snapshot(store_, snapshot({web_, db_}, 0)));
  auto partial = record_snapshot(store_, snapshot({web_}, 1, /*partial=*/true));
  ASSERT_TRUE(partial);
  EXPECT_TRUE(partial->diffs.empty());
  EXPECT_EQ(sqlite_->current_groups(scope_)->size(), 2u);
}

TEST_F(RecordSnapshotTest, RuleIdsAreLearnedWithoutANewRevision) {
  ASSERT_TRUE(record_snapshot(store_, snapshot({web_}, 0)));
  Snapshot with_ids = snapshot({web_}, 1);
  Rule known = web_.rules[0];
  known.id = RuleId::parse("sgr-0123456789abcdef0").value();
  with_ids.known_rule_ids[web_.id] = {known};
  auto result = record_snapshot(store_, with_ids);
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->diffs.empty());
  EXPECT_EQ(result->rule_ids_learned, 1u);
  EXPECT_EQ(sqlite_->history(web_.id)->size(), 1u);
  auto ids = sqlite_->rule_ids(scope_, web_.id);
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->at(known.key_string()).str(), "sgr-0123456789abcdef0");
}

TEST_F(RecordSnapshotTest, RefusesToGoBackInTime) {
  ASSERT_TRUE(record_snapshot(store_, snapshot({web_}, 10)));
  auto older = record_snapshot(store_, snapshot({}, 5));
  ASSERT_FALSE(older);
  EXPECT_NE(older.error().message.find("older than the one already stored"), std::string::npos);
  EXPECT_EQ(sqlite_->current_groups(scope_)->size(), 1u);
}

}  // namespace
}  // namespace sgwatch::record_snapshot_test
