#include "notify/outbox_settings.h"

#include <gtest/gtest.h>

namespace sgwatch::outbox_settings_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RetryDelayTest, DoublesUpToTheCapAndJitterTakesOffAtMostHalf) {
  OutboxSettings settings{seconds(1), seconds(60), std::chrono::hours(24)};
  EXPECT_EQ(retry_delay(1, settings, 0.0), seconds(1));
  EXPECT_EQ(retry_delay(2, settings, 0.0), seconds(2));
  EXPECT_EQ(retry_delay(6, settings, 0.0), seconds(32));
  EXPECT_EQ(retry_delay(7, settings, 0.0), seconds(60));
  EXPECT_EQ(retry_delay(1000, settings, 0.0), seconds(60));  // no overflow on long outages
  EXPECT_EQ(retry_delay(1, settings, 0.5), milliseconds(750));
  EXPECT_EQ(retry_delay(7, settings, 0.999), milliseconds(30030));
  EXPECT_GE(retry_delay(3, settings, 5.0), seconds(2));  // out-of-range randomness is clamped
}

}  // namespace
}  // namespace sgwatch::outbox_settings_test
