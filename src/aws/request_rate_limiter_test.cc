#include "aws/request_rate_limiter.h"

#include <chrono>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"

namespace sgwatch::request_rate_limiter_test {
namespace {

using std::chrono::milliseconds;

class RequestRateLimiterTest : public ::testing::Test {
 protected:
  milliseconds total_slept() const {
    return std::accumulate(slept_.begin(), slept_.end(), milliseconds::zero());
  }

  ManualClock clock_{Timestamp(std::chrono::hours(24 * 20000))};
  std::vector<milliseconds> slept_;
  RequestRateLimiter limiter_{clock_, [this](milliseconds d) {
                                slept_.push_back(d);
                                clock_.advance(d);
                                return true;
                              }};
};

TEST_F(RequestRateLimiterTest, TwoGoAtOnceThenOnePairPerSecond) {
  const Timestamp start = clock_.now();
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter_.acquire("111122223333/eu-west-1"));
  // Sent at 0, 0, 1, 1, 2 s: two waits of a second each.
  EXPECT_GE(total_slept(), milliseconds(1500));
  EXPECT_EQ(slept_, (std::vector<milliseconds>{milliseconds(1000), milliseconds(1000)}));
  EXPECT_EQ(clock_.now() - start, milliseconds(2000));
}

TEST_F(RequestRateLimiterTest, KeysAreIndependent) {
  EXPECT_TRUE(limiter_.acquire("111122223333/eu-west-1"));
  EXPECT_TRUE(limiter_.acquire("111122223333/eu-west-1"));
  EXPECT_TRUE(limiter_.acquire("111122223333/us-east-1"));
  EXPECT_TRUE(limiter_.acquire("111122223333/us-east-1"));
  EXPECT_TRUE(limiter_.acquire("444455556666/eu-west-1"));
  EXPECT_TRUE(slept_.empty());
  EXPECT_TRUE(limiter_.acquire("111122223333/eu-west-1"));
  EXPECT_EQ(slept_, std::vector<milliseconds>{milliseconds(1000)});
}

TEST_F(RequestRateLimiterTest, WaitsOnlyForWhatIsLeftOfTheSecond) {
  EXPECT_TRUE(limiter_.acquire("k"));
  clock_.advance(milliseconds(300));
  EXPECT_TRUE(limiter_.acquire("k"));
  clock_.advance(milliseconds(400));
  EXPECT_TRUE(limiter_.acquire("k"));  // the first send is 700 ms old: 300 ms to go
  EXPECT_EQ(slept_, std::vector<milliseconds>{milliseconds(300)});
  clock_.advance(milliseconds(5000));
  EXPECT_TRUE(limiter_.acquire("k"));
  EXPECT_TRUE(limiter_.acquire("k"));
  EXPECT_EQ(slept_.size(), 1u);  // after a quiet spell, a full allowance again
}

TEST_F(RequestRateLimiterTest, HonoursItsLimit) {
  RequestRateLimiter five{clock_, [this](milliseconds d) {
                            slept_.push_back(d);
                            clock_.advance(d);
                            return true;
                          },
                          5};
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(five.acquire("k"));
  EXPECT_EQ(slept_, std::vector<milliseconds>{milliseconds(1000)});
}

TEST_F(RequestRateLimiterTest, AWaitCutShortSendsNothing) {
  bool stopping = false;
  RequestRateLimiter stoppable{clock_, [&](milliseconds d) {
                                 slept_.push_back(d);
                                 return !stopping;
                               }};
  EXPECT_TRUE(stoppable.acquire("k"));
  EXPECT_TRUE(stoppable.acquire("k"));
  stopping = true;
  EXPECT_FALSE(stoppable.acquire("k"));
  EXPECT_EQ(slept_.size(), 1u) << "one wait, then it gave up instead of spinning";
}

}  // namespace
}  // namespace sgwatch::request_rate_limiter_test
