#include "app/service_notifier.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "notify_socket.h"
#include "scoped_env.h"
#include "temp_dir.h"

namespace sgwatch::service_notifier_test {
namespace {

using namespace std::chrono_literals;

class ServiceNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(socket_.ok());
    env_.set("NOTIFY_SOCKET", socket_.path());
    env_.set("WATCHDOG_USEC", std::nullopt);
    env_.set("WATCHDOG_PID", std::nullopt);
  }

  testing::TempDir dir_;
  testing::NotifySocket socket_{dir_.file("notify")};
  testing::ScopedEnv env_;
};

TEST_F(ServiceNotifierTest, SendsEachStateToSystemd) {
  ServiceNotifier notifier;
  notifier.ready("Watching every 1m");
  EXPECT_EQ(socket_.receive(5s), "READY=1\nSTATUS=Watching every 1m");
  notifier.reloading();
  EXPECT_EQ(socket_.receive(5s), "RELOADING=1\nSTATUS=Reloading the config");
  notifier.alive();  // no watchdog asked for: nothing sent
  notifier.stopping();
  EXPECT_EQ(socket_.receive(5s), "STOPPING=1\nSTATUS=Stopping");
}

TEST_F(ServiceNotifierTest, PingsAtHalfTheWatchdogIntervalSystemdAsksFor) {
  env_.set("WATCHDOG_USEC", "600000000");  // WatchdogSec=10min
  env_.set("WATCHDOG_PID", std::to_string(getpid()));
  ServiceNotifier notifier;
  EXPECT_EQ(notifier.alive_every(), 5min);
  notifier.alive();
  EXPECT_EQ(socket_.receive(5s), "WATCHDOG=1");
}

TEST_F(ServiceNotifierTest, AWatchdogMeantForAnotherProcessIsNotOurs) {
  env_.set("WATCHDOG_USEC", "600000000");
  env_.set("WATCHDOG_PID", std::to_string(getpid() + 1));
  EXPECT_EQ(ServiceNotifier().alive_every(), 0ms);
}

TEST(ServiceNotifierOutsideSystemdTest, DoesNothingWithoutANotifySocket) {
  testing::ScopedEnv env;
  env.set("NOTIFY_SOCKET", std::nullopt);
  env.set("WATCHDOG_USEC", std::nullopt);
  ServiceNotifier notifier;
  notifier.ready("Watching");
  notifier.alive();
  EXPECT_EQ(notifier.alive_every(), 0ms);
}

}  // namespace
}  // namespace sgwatch::service_notifier_test
