#include "app/sqs_consumer.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>

#include "aws/profile_credentials.h"

namespace sgwatch::sqs_consumer_test {
namespace {

using namespace std::chrono_literals;

// An in-memory queue: receive hands out what was put in (blocking, when asked to, until
// cancelled), and every delete and visibility change is recorded.
class FakeSqs final : public SqsApi {
 public:
  void put(std::string id, std::string body, std::optional<Timestamp> sent_at = std::nullopt) {
    std::lock_guard lock(mutex_);
    SqsMessage message;
    message.message_id = id;
    message.receipt_handle = "receipt-" + id;
    message.body = std::move(body);
    message.receive_count = 1;
    message.sent_at = sent_at;
    waiting_.push_back(std::move(message));
    changed_.notify_all();
  }
  void block_when_empty() { block_ = true; }
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }
  void fail_receives(bool fail) { fail_receive_ = fail; }
  void fail_delete_of(std::string receipt) { failing_delete_ = std::move(receipt); }

  Result<std::vector<SqsMessage>> receive(const AwsCredentials&, const SqsQueue&,
                                          const SqsReceiveOptions& options) override {
    std::unique_lock lock(mutex_);
    ++receives;
    if (fail_receive_) return fail(ErrorCode::kIo, "sqs:ReceiveMessage failed: HTTP 500");
    if (block_) changed_.wait(lock, [this] { return cancelled_ || !waiting_.empty(); });
    if (cancelled_) return fail(ErrorCode::kCancelled, "cancelled");
    std::vector<SqsMessage> batch;
    while (!waiting_.empty() && batch.size() < static_cast<size_t>(options.max_messages)) {
      batch.push_back(waiting_.front());
      waiting_.pop_front();
    }
    return batch;
  }
  Result<std::vector<SqsBatchFailure>> delete_messages(const AwsCredentials&, const SqsQueue&,
                                                       const std::vector<SqsEntry>& entries) override {
    std::lock_guard lock(mutex_);
    delete_calls.push_back({});
    std::vector<SqsBatchFailure> failures;
    for (const SqsEntry& entry : entries) {
      if (entry.receipt_handle == failing_delete_) {
        failures.push_back({entry.id, "ReceiptHandleIsInvalid", "expired", true});
      } else {
        delete_calls.back().push_back(entry.receipt_handle);
      }
    }
    return failures;
  }
  Result<std::vector<SqsBatchFailure>> change_visibility(const AwsCredentials&, const SqsQueue&,
                                                         const std::vector<SqsEntry>& entries,
                                                         std::chrono::seconds visibility) override {
    std::lock_guard lock(mutex_);
    extended.push_back({});
    for (const SqsEntry& entry : entries) extended.back().push_back(entry.receipt_handle);
    last_visibility = visibility;
    return std::vector<SqsBatchFailure>{};
  }
  Result<SqsQueueAttributes> attributes(const AwsCredentials&, const SqsQueue&) override {
    return SqsQueueAttributes{};
  }

  std::vector<std::vector<std::string>> deletes() {
    std::lock_guard lock(mutex_);
    return delete_calls;
  }
  std::vector<std::vector<std::string>> extensions() {
    std::lock_guard lock(mutex_);
    return extended;
  }

  std::atomic<int> receives{0};
  std::vector<std::vector<std::string>> delete_calls;  // receipt handles, per call
  std::vector<std::vector<std::string>> extended;  // receipt handles, per call
  std::chrono::seconds last_visibility{0};

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<SqsMessage> waiting_;
  bool block_ = false;
  bool cancelled_ = false;
  bool fail_receive_ = false;
  std::string failing_delete_;
};

// Handles a body by what it says: "done", "recorded", "retry", "poison", or "slow" (done
// after a pause long enough for the visibility keeper to act).
HandledMessage by_body(std::string_view body, std::string_view) {
  if (body == "retry") return {Disposition::kRetry, "the store is busy", false};
  if (body == "poison") return {Disposition::kPoison, "not JSON", false};
  if (body == "recorded") return {Disposition::kDone, "recorded", true};
  if (body.starts_with("slow")) std::this_thread::sleep_for(120ms);
  if (body == "slow-retry") return {Disposition::kRetry, "the store is busy", false};
  return {Disposition::kDone, "done", false};
}

class SqsConsumerTest : public ::testing::Test {
 protected:
  SqsConsumer consumer(SqsConsumerOptions options = {}) {
    return SqsConsumer(sqs, sqs, credentials, queue, options, by_body, [this] { ++wakes; });
  }

  FakeSqs sqs;
  StaticProvider credentials{AwsCredentials{"AKIDEXAMPLE", "secret", "", std::nullopt}, "test"};
  SqsQueue queue{"https://sqs.eu-west-1.amazonaws.com/111122223333/sgwatch-events",
                 *Region::parse("eu-west-1")};
  std::atomic<int> wakes{0};
};

TEST_F(SqsConsumerTest, CountsEachMessageByDispositionAndShowsTheLastOnesAge) {
  const Timestamp now = Timestamp(std::chrono::seconds(1'800'000'000));
  ManualClock clock(now);
  Metrics metrics;
  SqsConsumerOptions options;
  options.metrics = &metrics;
  options.clock = &clock;
  sqs.put("1", "done", now - 9s);
  sqs.put("2", "retry", now - 8s);
  sqs.put("3", "poison");
  sqs.put("4", "recorded", now - 4s);
  SqsConsumer reader = consumer(options);
  ASSERT_TRUE(reader.poll_once());

  EXPECT_EQ(metrics.render(),
            "# HELP sgwatch_sqs_message_age_seconds How long the last message handled from the "
            "queue had waited since it was sent (SentTimestamp), when it was handled: the "
            "queue's lag.\n"
            "# TYPE sgwatch_sqs_message_age_seconds gauge\n"
            "sgwatch_sqs_message_age_seconds{queue=\"sgwatch-events\"} 4\n"
            "# HELP sgwatch_sqs_messages_total SQS messages handled, by queue and disposition: "
            "done (deleted), retry (left to come again) or poison (left for the dead-letter "
            "queue).\n"
            "# TYPE sgwatch_sqs_messages_total counter\n"
            "sgwatch_sqs_messages_total{queue=\"sgwatch-events\",disposition=\"done\"} 2\n"
            "sgwatch_sqs_messages_total{queue=\"sgwatch-events\",disposition=\"poison\"} 1\n"
            "sgwatch_sqs_messages_total{queue=\"sgwatch-events\",disposition=\"retry\"} 1\n");
}

TEST_F(SqsConsumerTest, DeletesOnlyWhatWasDoneInOneBatchAndLeavesTheRest) {
  sqs.put("1", "done");
  sqs.put("2", "retry");
  sqs.put("3", "recorded");
  sqs.put("4", "poison");
  sqs.put("5", "done");
  SqsConsumer reader = consumer();

  ASSERT_TRUE(reader.poll_once());

  const auto deletes = sqs.deletes();
  ASSERT_EQ(deletes.size(), 1u);
  EXPECT_EQ(deletes[0], (std::vector<std::string>{"receipt-1", "receipt-3", "receipt-5"}));
  EXPECT_EQ(reader.counts().received, 5u);
  EXPECT_EQ(reader.counts().deleted, 3u);
  EXPECT_EQ(reader.counts().left, 2u);
  EXPECT_EQ(wakes, 1);  // once, for the message that recorded a revision
}

TEST_F(SqsConsumerTest, TakesAtMostABatchAtATime) {
  for (int i = 0; i < 12; ++i) sqs.put(std::to_string(i), "done");
  SqsConsumer reader = consumer();
  ASSERT_TRUE(reader.poll_once());
  EXPECT_EQ(reader.counts().received, 10u);
  ASSERT_TRUE(reader.poll_once());
  EXPECT_EQ(reader.counts().received, 12u);
  EXPECT_EQ(reader.counts().deleted, 12u);
}

TEST_F(SqsConsumerTest, AnEmptyReceiveDeletesNothing) {
  SqsConsumer reader = consumer();
  ASSERT_TRUE(reader.poll_once());
  EXPECT_TRUE(sqs.deletes().empty());
  EXPECT_EQ(reader.counts().receives, 1u);
}

TEST_F(SqsConsumerTest, AFailedReceiveIsCountedAndReported) {
  sqs.fail_receives(true);
  SqsConsumer reader = consumer();
  EXPECT_FALSE(reader.poll_once());
  EXPECT_EQ(reader.counts().receive_errors, 1u);
}

TEST_F(SqsConsumerTest, AFailedDeleteIsCountedNotLost) {
  sqs.put("1", "done");
  sqs.put("2", "done");
  sqs.fail_delete_of("receipt-2");
  SqsConsumer reader = consumer();
  ASSERT_TRUE(reader.poll_once());
  EXPECT_EQ(reader.counts().deleted, 1u);
  EXPECT_EQ(reader.counts().delete_errors, 1u);
}

TEST_F(SqsConsumerTest, KeepsMessagesHiddenUntilDeletedButLetsALeftOneGo) {
  sqs.put("1", "slow-retry");
  sqs.put("2", "slow");
  sqs.put("3", "slow");
  SqsConsumerOptions options;
  options.receive.visibility = 45s;
  options.extend_every = 20ms;
  SqsConsumer reader = consumer(options);
  ASSERT_TRUE(reader.poll_once());

  const auto extended = sqs.extensions();
  ASSERT_GE(extended.size(), 3u);  // 360 ms of handling, an extension every 20 ms
  EXPECT_EQ(sqs.last_visibility, 45s);
  EXPECT_EQ(extended.front(), (std::vector<std::string>{"receipt-1", "receipt-2", "receipt-3"}));
  // The one to retry is let go once handled; the done ones stay hidden until deleted.
  EXPECT_EQ(extended.back(), (std::vector<std::string>{"receipt-2", "receipt-3"}));
  EXPECT_EQ(reader.counts().extensions, extended.size());
  EXPECT_EQ(sqs.deletes().at(0), (std::vector<std::string>{"receipt-2", "receipt-3"}));
}

TEST_F(SqsConsumerTest, StopEndsALongPollAtOnce) {
  sqs.block_when_empty();
  SqsConsumer reader = consumer();
  reader.start();
  while (sqs.receives == 0) std::this_thread::sleep_for(1ms);  // the poll is waiting
  const auto started = std::chrono::steady_clock::now();
  reader.stop();
  sqs.cancel();  // what the owner does: cancel the poll transport
  reader.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ(reader.counts().receive_errors, 0u);
}

TEST_F(SqsConsumerTest, TheLoopHandlesMessagesAsTheyArrive) {
  sqs.block_when_empty();
  SqsConsumer reader = consumer();
  reader.start();
  sqs.put("1", "recorded");
  for (int i = 0; i < 2000 && reader.counts().deleted < 1; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(reader.counts().deleted, 1u);
  reader.stop();
  sqs.cancel();
  reader.join();
}

}  // namespace
}  // namespace sgwatch::sqs_consumer_test
