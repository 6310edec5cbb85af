#include "state/retention.h"

#include <gtest/gtest.h>

#include "state/sqlite_store.h"
#include "temp_dir.h"

namespace sgwatch::retention_test {
namespace {

TEST(PruneSchedule, PrunesAtMostOnceADay) {
  testing::TempDir dir;
  auto store = SqliteStore::open_writer(dir.file("store.db"));
  ASSERT_TRUE(store) << store.error().message;
  ManualClock clock(Timestamp(std::chrono::hours(24 * 20000)));
  PruneSchedule schedule;
  RetentionPolicy policy;

  auto first = schedule.maybe_prune(**store, policy, clock);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(*first);  // the first call after start prunes
  clock.advance(std::chrono::hours(23));
  auto soon = schedule.maybe_prune(**store, policy, clock);
  ASSERT_TRUE(soon);
  EXPECT_FALSE(*soon);
  clock.advance(std::chrono::hours(1));
  auto next_day = schedule.maybe_prune(**store, policy, clock);
  ASSERT_TRUE(next_day);
  EXPECT_TRUE(*next_day);
}

TEST(PruneSchedule, AFailedPruneWaitsTooSoABrokenStoreIsNotHammered) {
  testing::TempDir dir;
  ASSERT_TRUE(SqliteStore::open_writer(dir.file("store.db")));
  auto reader = SqliteStore::open_reader(dir.file("store.db"));
  ASSERT_TRUE(reader) << reader.error().message;
  ManualClock clock(Timestamp(std::chrono::hours(24 * 20000)));
  PruneSchedule schedule;
  EXPECT_FALSE(schedule.maybe_prune(**reader, {}, clock));  // a reader may not prune
  auto again = schedule.maybe_prune(**reader, {}, clock);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

}  // namespace
}  // namespace sgwatch::retention_test
