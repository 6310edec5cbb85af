// The store's event-intake part: SNS message ids handled, and the newest Config item state
// per group, kept across reopening and never moved back.
#include <gtest/gtest.h>

#include "builders.h"
#include "store_fixture.h"

namespace sgwatch::sqlite_intake_test {
namespace {

using std::chrono::hours;
using testing::gid;

class SqliteIntakeTest : public testing::StoreTest {};

TEST_F(SqliteIntakeTest, AMessageIdIsHandledOnceRememberedAndForgottenAfterItsMemory) {
  auto before = store_->sns_message_handled("m-1");
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_FALSE(*before);
  ASSERT_TRUE(store_->remember_sns_message("m-1", "arn:aws:sns:us-east-1:123456789012:t", t0_));
  // Remembering it again (a crash between handling and acknowledging) is harmless.
  ASSERT_TRUE(store_->remember_sns_message("m-1", "arn:aws:sns:us-east-1:123456789012:t", t0_));
  EXPECT_TRUE(*store_->sns_message_handled("m-1"));
  EXPECT_FALSE(*store_->sns_message_handled("m-2"));

  // A later message prunes ids older than the memory.
  ASSERT_TRUE(store_->remember_sns_message("m-2", "arn:aws:sns:us-east-1:123456789012:t",
                                           t0_ + kSnsMessageMemory + hours(1)));
  EXPECT_FALSE(*store_->sns_message_handled("m-1"));
  EXPECT_TRUE(*store_->sns_message_handled("m-2"));
}

TEST_F(SqliteIntakeTest, TheConfigStateOfAGroupOnlyGrowsAndSurvivesReopening) {
  auto none = store_->config_state(gid(kGroup));
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(none->has_value());

  ASSERT_TRUE(store_->remember_config_state(gid(kGroup), 1484002215156, t0_));
  ASSERT_TRUE(store_->remember_config_state(gid(kGroup), 1484002215100, t0_));  // older: kept out
  EXPECT_EQ(store_->config_state(gid(kGroup))->value(), 1484002215156);
  ASSERT_TRUE(store_->remember_config_state(gid(kGroup), 1484002215999, t0_ + hours(1)));
  EXPECT_EQ(store_->config_state(gid(kGroup))->value(), 1484002215999);
  EXPECT_FALSE(store_->config_state(gid("sg-0aaaaaaaaaaaaaaa1"))->has_value());

  store_.reset();
  auto reader = SqliteStore::open_reader(dir_.file("store.db"));
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ((*reader)->config_state(gid(kGroup))->value(), 1484002215999);
  EXPECT_TRUE(*(*reader)->sns_message_handled("m-0") == false);
  EXPECT_FALSE((*reader)->remember_config_state(gid(kGroup), 1, t0_));  // a reader may not write
}

}  // namespace
}  // namespace sgwatch::sqlite_intake_test
