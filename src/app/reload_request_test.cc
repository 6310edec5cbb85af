#include "app/reload_request.h"

#include <thread>

#include <gtest/gtest.h>

namespace sgwatch::reload_request_test {
namespace {

using namespace std::chrono_literals;

TEST(ReloadRequestTest, SeveralRequestsMakeOneReload) {
  ReloadRequest reload;
  EXPECT_FALSE(reload.take());
  reload.request();
  reload.request();
  EXPECT_TRUE(reload.take());
  EXPECT_FALSE(reload.take());
}

TEST(ReloadRequestTest, AWaitEndsAtOnceForARequestMadeBeforeIt) {
  ReloadRequest reload;
  StopSignal stop;
  reload.request();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(reload.wait_for(1h, stop));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1min);
  EXPECT_TRUE(reload.take());  // waiting does not take the request
}

TEST(ReloadRequestTest, ARequestFromAnotherThreadWakesTheWait) {
  ReloadRequest reload;
  StopSignal stop;
  std::thread requester([&] { reload.request(); });
  EXPECT_TRUE(reload.wait_for(1h, stop));
  requester.join();
}

TEST(ReloadRequestTest, AStopWakesTheWaitWithoutAReload) {
  ReloadRequest reload;
  StopSignal stop;
  std::thread stopper([&] { stop.request(); });
  EXPECT_FALSE(reload.wait_for(1h, stop));
  stopper.join();
  EXPECT_FALSE(reload.take());
}

TEST(ReloadRequestTest, AStopWinsOverAReload) {
  ReloadRequest reload;
  StopSignal stop;
  reload.request();
  stop.request();
  EXPECT_FALSE(reload.wait_for(1h, stop));
}

TEST(ReloadRequestTest, AWaitWithNothingRequestedRunsOut) {
  ReloadRequest reload;
  StopSignal stop;
  EXPECT_FALSE(reload.wait_for(1ms, stop));
}

}  // namespace
}  // namespace sgwatch::reload_request_test
