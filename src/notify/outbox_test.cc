// The outbox's threads: woken by new alerts, and stopped promptly even while a destination
// holds a delivery open.
#include "notify/outbox.h"

#include <thread>

#include <gtest/gtest.h>

#include "builders.h"
#include "notify/sinks/webhook_sink.h"
#include "state/locked_store.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"
#include "webhook_receiver.h"

namespace sgwatch::outbox_test {
namespace {

using namespace std::chrono_literals;

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::open_writer(dir_.file("store.db"));
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    locked_ = std::make_unique<LockedStore>(*store_);
    // A timeout far longer than the test: only cancelling can end a held delivery in time.
    auto sink = make_webhook_sink({receiver_.url(), "", 60s}, clock_, true);
    ASSERT_TRUE(sink) << sink.error().message;
    std::vector<OutboxDestination> destinations;
    destinations.push_back({"hook", std::move(*sink)});
    outbox_ = std::make_unique<Outbox>(*locked_, std::move(destinations), OutboxSettings{},
                                       clock_);
  }

  Alert alert(int64_t revision) {
    Alert alert{.destination = "hook",
                .scope = scope_,
                .group = testing::gid("sg-0123456789abcdef0"),
                .revisions = {revision},
                .body = "{\"revision\": " + std::to_string(revision) + "}",
                .created_at = clock_.now(),
                .deliver_after = clock_.now()};
    alert.id = alert_id("hook", alert.kind, alert.scope, alert.group, alert.revisions, {});
    return alert;
  }

  AlertState state_of(const Alert& queued) {
    OutboxQuery query;
    query.id = queued.id;
    auto rows = locked_->outbox(query);
    EXPECT_TRUE(rows && rows->size() == 1);
    return rows && rows->size() == 1 ? rows->front().state : AlertState::kFailed;
  }

  SystemClock clock_;
  testing::TempDir dir_;
  testing::WebhookReceiver receiver_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<LockedStore> locked_;
  std::unique_ptr<Outbox> outbox_;
  Scope scope_{testing::account("123456789012"), testing::region("eu-west-1")};
};

TEST_F(OutboxTest, AWokenWorkerDeliversWhatWasQueued) {
  outbox_->start();
  const Alert first = alert(1);
  ASSERT_TRUE(locked_->queue_alerts({first}));
  outbox_->wake();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (state_of(first) != AlertState::kDelivered && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(state_of(first), AlertState::kDelivered);
  ASSERT_EQ(receiver_.count(), 1u);
  EXPECT_EQ(receiver_.requests()[0].header("Idempotency-Key"), first.id);
}

TEST_F(OutboxTest, StoppingCancelsADeliveryTheDestinationHoldsOpen) {
  receiver_.hang();
  outbox_->start();
  const Alert held = alert(2);
  ASSERT_TRUE(locked_->queue_alerts({held}));
  outbox_->wake();
  ASSERT_TRUE(receiver_.wait_for_count(1, 10s));
  const auto asked = std::chrono::steady_clock::now();
  outbox_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 5s);
  // Not delivered, so still owed: the next start sends it again.
  EXPECT_EQ(state_of(held), AlertState::kPending);
}

}  // namespace
}  // namespace sgwatch::outbox_test
