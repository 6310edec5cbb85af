#include "aws/retry_policy.h"

#include <gtest/gtest.h>

namespace sgwatch::retry_policy_test {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, BacksOffWithJitterWithinAGrowingCeiling) {
  RetryPolicy policy(10, 7);
  for (int attempt = 1; attempt < 10; ++attempt) {
    auto delay = policy.next_delay(attempt, RetryReason::kThrottling);
    ASSERT_TRUE(delay);
    milliseconds ceiling = std::min(RetryPolicy::kMaxBackoff, milliseconds(1000LL << (attempt - 1)));
    EXPECT_GE(delay->count(), 0);
    EXPECT_LE(*delay, ceiling) << "attempt " << attempt;
  }
  EXPECT_FALSE(policy.next_delay(10, RetryReason::kThrottling));  // attempts used up
}

TEST(RetryPolicy, JitterSpreadsTheDelays) {
  RetryPolicy policy(100, 3);
  milliseconds low = milliseconds::max(), high = milliseconds::zero();
  for (int i = 0; i < 50; ++i) {
    auto delay = policy.next_delay(5, RetryReason::kTransient).value();
    low = std::min(low, delay);
    high = std::max(high, delay);
    policy.on_success(true);
  }
  EXPECT_LT(low, milliseconds(4000));
  EXPECT_GT(high, milliseconds(12000));
}

TEST(RetryPolicy, TheQuotaStopsRetryStormsAndRefills) {
  RetryPolicy policy(3, 1);
  int retries = 0;
  while (policy.next_delay(1, RetryReason::kTimeout)) ++retries;
  EXPECT_EQ(retries, RetryPolicy::kInitialQuota / RetryPolicy::kTimeoutRetryCost);
  EXPECT_EQ(policy.quota(), 0);
  EXPECT_FALSE(policy.next_delay(1, RetryReason::kThrottling));
  policy.on_success(true, RetryReason::kThrottling);
  EXPECT_EQ(policy.quota(), RetryPolicy::kRetryCost);
  EXPECT_TRUE(policy.next_delay(1, RetryReason::kThrottling));
  for (int i = 0; i < 1000; ++i) policy.on_success(false);
  EXPECT_EQ(policy.quota(), RetryPolicy::kInitialQuota);
}

TEST(RetryPolicy, HonoursRetryAfterUpToTheCap) {
  RetryPolicy policy(3, 1);
  EXPECT_EQ(policy.next_delay(1, RetryReason::kThrottling, milliseconds(5000)), milliseconds(5000));
  EXPECT_EQ(policy.next_delay(1, RetryReason::kThrottling, milliseconds(60000)),
            RetryPolicy::kMaxBackoff);
  RetryPolicy once(1, 1);
  EXPECT_FALSE(once.next_delay(1, RetryReason::kTransient));  // a single attempt never retries
}

}  // namespace
}  // namespace sgwatch::retry_policy_test
