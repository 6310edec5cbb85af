// The outbox's delivery worker against a real store and a sink that answers as told:
// order per group, retries and their timing, give-ups, coalescing.
#include "notify/destination_worker.h"

#include <deque>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "builders.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"

namespace sgwatch::destination_worker_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Answers each delivery with the next scripted outcome (Ok when the script is empty) and
// keeps what it was given.
class ScriptedSink final : public Sink {
 public:
  explicit ScriptedSink(ManualClock& clock) : clock_(clock) {}
  DeliveryOutcome deliver(const Alert& alert) override {
    clock_.advance(takes);  // a slow destination
    received.push_back(alert);
    if (script.empty()) return DeliveryOutcome::ok();
    DeliveryOutcome next = script.front();
    script.pop_front();
    return next;
  }
  std::string describe() const override { return "scripted"; }

  std::deque<DeliveryOutcome> script;
  std::vector<Alert> received;
  milliseconds takes{0};

 private:
  ManualClock& clock_;
};

class DestinationWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::open_writer(dir_.file("store.db"));
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    // No jitter: the wait is the whole doubling delay.
    worker_ = std::make_unique<DestinationWorker>("hook", sink_, *store_, settings_,
                                                  [] { return 0.0; });
  }

  // A change row of `group` for revision `revision`, observed `at`, window `window`.
  Alert change(const std::string& group, int64_t revision, Timestamp at,
               milliseconds window = milliseconds(0)) {
    Alert alert{.destination = "hook",
                .kind = AlertKind::kChange,
                .scope = scope_,
                .group = testing::gid(group),
                .revisions = {revision}};
    alert.id = alert_id(alert.destination, alert.kind, alert.scope, alert.group,
                        alert.revisions, {});
    alert.body = nlohmann::json{{"revision", revision}, {"group_name", "web"}}.dump();
    alert.severity = Severity::kLow;
    alert.created_at = at;
    alert.deliver_after = at + window;
    return alert;
  }

  void queue(const std::vector<Alert>& alerts) { ASSERT_TRUE(store_->queue_alerts(alerts)); }

  DeliveryPass pass(bool ignore_windows = false) {
    auto done = worker_->deliver_due(clock_, [] { return false; }, ignore_windows);
    EXPECT_TRUE(done) << done.error().message;
    return done ? *done : DeliveryPass{};
  }

  OutboxEntry row(const std::string& id) {
    OutboxQuery query;
    query.id = id;
    auto rows = store_->outbox(query);
    EXPECT_TRUE(rows && rows->size() == 1);
    if (!rows || rows->empty()) return OutboxEntry{.alert = {.scope = scope_}};
    return rows->front();
  }

  std::vector<int64_t> received_revisions() const {
    std::vector<int64_t> out;
    for (const Alert& alert : sink_.received) {
      out.insert(out.end(), alert.revisions.begin(), alert.revisions.end());
    }
    return out;
  }

  static constexpr const char* kA = "sg-0aaaaaaaaaaaaaaa1";
  static constexpr const char* kB = "sg-0bbbbbbbbbbbbbbb2";
  testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  Scope scope_{testing::account("123456789012"), testing::region("eu-west-1")};
  Timestamp t0_ = Timestamp(std::chrono::hours(24 * 20000));
  ManualClock clock_{t0_};
  ScriptedSink sink_{clock_};
  OutboxSettings settings_{seconds(1), seconds(60), std::chrono::hours(1)};
  std::unique_ptr<DestinationWorker> worker_;
};

TEST_F(DestinationWorkerTest, DeliversEveryPendingRowOnceInQueueingOrder) {
  queue({change(kA, 1, t0_), change(kB, 2, t0_), change(kA, 3, t0_)});
  DeliveryPass first = pass();
  EXPECT_EQ(first.delivered, 3u);
  EXPECT_FALSE(first.next_due);
  EXPECT_EQ(received_revisions(), (std::vector<int64_t>{1, 3, 2}));  // group A, then B
  EXPECT_EQ(row(change(kA, 1, t0_).id).state, AlertState::kDelivered);
  EXPECT_EQ(row(change(kA, 1, t0_).id).delivered_at, t0_);

  // Queueing the same alert again (recomputed after a crash) changes nothing.
  queue({change(kA, 1, t0_)});
  EXPECT_EQ(pass().delivered, 0u);
  EXPECT_EQ(sink_.received.size(), 3u);
}

TEST_F(DestinationWorkerTest, TheSinkSeesTheAlertIdAndTheDocument) {
  queue({change(kA, 7, t0_)});
  pass();
  ASSERT_EQ(sink_.received.size(), 1u);
  const Alert& sent = sink_.received.front();
  EXPECT_EQ(sent.id, change(kA, 7, t0_).id);
  auto document = nlohmann::json::parse(sent.body);
  EXPECT_EQ(document["schema"], "sgwatch.alert.v1");
  EXPECT_EQ(document["id"], sent.id);
  EXPECT_EQ(document["kind"], "change");
  EXPECT_EQ(document["group_id"], kA);
  EXPECT_EQ(document["group_name"], "web");
  EXPECT_EQ(document["severity"], "low");
  ASSERT_EQ(document["items"].size(), 1u);
  EXPECT_EQ(document["items"][0]["revision"], 7);
}

TEST_F(DestinationWorkerTest, ARetryHoldsItsGroupBackWithDoublingWaitsAndOtherGroupsGoOn) {
  queue({change(kA, 1, t0_), change(kA, 2, t0_), change(kB, 3, t0_)});
  sink_.script = {DeliveryOutcome::retry("HTTP 500"), DeliveryOutcome::ok(),
                  DeliveryOutcome::retry("HTTP 503")};
  DeliveryPass first = pass();
  EXPECT_EQ(first.retried, 1u);
  EXPECT_EQ(first.delivered, 1u);  // B's row; A's second row waits behind its first
  EXPECT_EQ(received_revisions(), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(first.next_due, t0_ + seconds(1));
  OutboxEntry held = row(change(kA, 1, t0_).id);
  EXPECT_EQ(held.state, AlertState::kPending);
  EXPECT_EQ(held.attempts, 1);
  EXPECT_EQ(held.last_error, "HTTP 500");

  clock_.advance(milliseconds(999));
  EXPECT_EQ(pass().retried + pass().delivered, 0u);  // not due yet
  clock_.advance(milliseconds(1));
  DeliveryPass second = pass();
  EXPECT_EQ(second.retried, 1u);
  EXPECT_EQ(second.next_due, clock_.now() + seconds(2));
  clock_.advance(seconds(2));
  DeliveryPass third = pass();
  EXPECT_EQ(third.delivered, 2u);
  EXPECT_EQ(received_revisions(), (std::vector<int64_t>{1, 3, 1, 1, 2}));
  EXPECT_EQ(row(change(kA, 1, t0_).id).attempts, 3);
  EXPECT_EQ(row(change(kA, 2, t0_).id).attempts, 1);
}

TEST_F(DestinationWorkerTest, RetryAfterIsHonouredInsteadOfTheBackoff) {
  queue({change(kA, 1, t0_)});
  sink_.script = {DeliveryOutcome::retry("HTTP 429", seconds(42))};
  EXPECT_EQ(pass().next_due, t0_ + seconds(42));
  clock_.advance(seconds(41));
  EXPECT_EQ(pass().delivered, 0u);
  clock_.advance(seconds(1));
  EXPECT_EQ(pass().delivered, 1u);
}

TEST_F(DestinationWorkerTest, TheWaitRunsFromTheAnswerNotFromTheStartOfTheSend) {
  queue({change(kA, 1, t0_)});
  sink_.takes = seconds(10);  // a destination that times out after 10 s
  sink_.script = {DeliveryOutcome::retry("timed out")};
  DeliveryPass first = pass();
  EXPECT_EQ(first.next_due, t0_ + seconds(10) + seconds(1));
  EXPECT_EQ(row(change(kA, 1, t0_).id).next_attempt_at, t0_ + seconds(11));
  sink_.takes = milliseconds(0);
  clock_.set(t0_ + seconds(11));
  EXPECT_EQ(pass().delivered, 1u);
  EXPECT_EQ(row(change(kA, 1, t0_).id).delivered_at, t0_ + seconds(11));
}

TEST_F(DestinationWorkerTest, APassCountsWhatIsStillOwed) {
  queue({change(kA, 1, t0_), change(kA, 2, t0_), change(kB, 3, t0_, seconds(10))});
  sink_.script = {DeliveryOutcome::retry("HTTP 500")};
  DeliveryPass done = pass();
  EXPECT_EQ(done.retried, 1u);
  EXPECT_EQ(done.waiting, 3u);  // A's two behind the retry, B's in its window
  clock_.set(t0_ + seconds(10));
  DeliveryPass later = pass();
  EXPECT_EQ(later.delivered, 3u);
  EXPECT_EQ(later.waiting, 0u);
}

TEST_F(DestinationWorkerTest, ARetryAfterOfZeroStillWaitsASecond) {
  queue({change(kA, 1, t0_)});
  sink_.script = {DeliveryOutcome::retry("HTTP 429", seconds(0))};
  EXPECT_EQ(pass().next_due, t0_ + seconds(1));
}

TEST_F(DestinationWorkerTest, AFatalOutcomeFailsTheRowWithItsReasonAndTheGroupGoesOn) {
  queue({change(kA, 1, t0_), change(kA, 2, t0_)});
  sink_.script = {DeliveryOutcome::fatal("HTTP 404 from webhook https://hooks.example.com/…")};
  DeliveryPass done = pass();
  EXPECT_EQ(done.failed, 1u);
  EXPECT_EQ(done.delivered, 1u);
  OutboxEntry failed = row(change(kA, 1, t0_).id);
  EXPECT_EQ(failed.state, AlertState::kFailed);
  EXPECT_EQ(failed.last_error, "HTTP 404 from webhook https://hooks.example.com/…");
  EXPECT_EQ(pass().delivered + pass().failed, 0u);  // a failed row is not tried again
}

TEST_F(DestinationWorkerTest, ARowStillFailingAfterMaxAgeIsGivenUp) {
  queue({change(kA, 1, t0_)});
  sink_.script = {DeliveryOutcome::retry("connection refused")};
  pass();
  clock_.advance(settings_.max_age);
  sink_.script = {DeliveryOutcome::retry("connection refused")};
  DeliveryPass late = pass();
  EXPECT_EQ(late.failed, 1u);
  EXPECT_FALSE(late.next_due);
  OutboxEntry given_up = row(change(kA, 1, t0_).id);
  EXPECT_EQ(given_up.state, AlertState::kFailed);
  EXPECT_EQ(given_up.last_error, "gave up after 2 attempts over 1h: connection refused");
}

TEST_F(DestinationWorkerTest, ChangesOfAGroupWithinTheWindowGoOutAsOneAlert) {
  const milliseconds window = seconds(10);
  queue({change(kA, 1, t0_, window), change(kB, 2, t0_ + seconds(3), window),
         change(kA, 3, t0_ + seconds(3), window), change(kA, 4, t0_ + seconds(12), window)});
  EXPECT_EQ(pass().next_due, t0_ + seconds(10));  // nothing before the window closes
  EXPECT_TRUE(sink_.received.empty());

  clock_.set(t0_ + seconds(10));
  EXPECT_EQ(pass().delivered, 1u);  // A's first two; B's window is still open
  ASSERT_EQ(sink_.received.size(), 1u);
  const Alert& coalesced = sink_.received.front();
  EXPECT_EQ(coalesced.revisions, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(coalesced.id, alert_id("hook", AlertKind::kChange, scope_, testing::gid(kA), {1, 3}, {}));
  EXPECT_EQ(nlohmann::json::parse(coalesced.body)["items"].size(), 2u);
  EXPECT_EQ(row(change(kA, 3, t0_).id).state, AlertState::kDelivered);

  clock_.set(t0_ + seconds(22));
  EXPECT_EQ(pass().delivered, 2u);
  EXPECT_EQ(received_revisions(), (std::vector<int64_t>{1, 3, 2, 4}));  // B queued first
}

TEST_F(DestinationWorkerTest, AOneShotRunDoesNotWaitForOpenWindowsButHonoursRetries) {
  queue({change(kA, 1, t0_, seconds(10))});
  EXPECT_EQ(pass(true).delivered, 1u);
  queue({change(kB, 2, t0_)});
  sink_.script = {DeliveryOutcome::retry("HTTP 500")};
  EXPECT_EQ(pass(true).retried, 1u);
  EXPECT_EQ(pass(true).retried, 0u);  // its retry is not due yet
}

TEST_F(DestinationWorkerTest, AStopRequestLeavesTheRestPending) {
  queue({change(kA, 1, t0_), change(kB, 2, t0_)});
  int asked = 0;
  auto done = worker_->deliver_due(clock_, [&] { return ++asked > 1; });
  ASSERT_TRUE(done);
  EXPECT_EQ(done->delivered, 1u);
  EXPECT_EQ(row(change(kB, 2, t0_).id).state, AlertState::kPending);
}

}  // namespace
}  // namespace sgwatch::destination_worker_test
