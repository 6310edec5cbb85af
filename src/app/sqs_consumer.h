// One SQS queue read by one thread: long polls of up to `max_messages` messages, each
// message handled in the order received (events of one group stay in order), the batch's
// visibility extended while it is handled, and only the messages done with deleted, in one
// batch call. A message to retry or a poison one is left: it comes back after its
// visibility timeout, and a poison one, received maxReceiveCount times, is moved by the
// queue to its dead-letter queue. Deleting after handling makes delivery at-least-once;
// handling is idempotent (a group read again is unchanged, an alert's id keeps it once),
// so a message handled twice still gives one alert.
//
// Shutdown: stop() ends the loop after the message in hand; the owner cancels the
// receive transport so a long poll in progress ends at once.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "app/queue_message_handler.h"
#include "aws/credential_provider.h"
#include "aws/sqs_client.h"
#include "core/clock.h"
#include "core/metrics.h"

namespace sgwatch {

// Running totals since start, for logs and metrics.
struct SqsConsumerCounts {
  std::atomic<uint64_t> receives{0};        // ReceiveMessage calls answered
  std::atomic<uint64_t> received{0};        // messages received
  std::atomic<uint64_t> deleted{0};
  std::atomic<uint64_t> left{0};            // messages to retry or poison, not deleted
  std::atomic<uint64_t> receive_errors{0};
  std::atomic<uint64_t> delete_errors{0};   // messages whose delete failed (they come again)
  std::atomic<uint64_t> extensions{0};      // ChangeMessageVisibility batches sent
  // When the newest message handled was sent (SentTimestamp, ms since the epoch): the lag.
  std::atomic<int64_t> last_sent_ms{0};
};

struct SqsConsumerOptions {
  SqsReceiveOptions receive;
  std::chrono::milliseconds error_backoff{std::chrono::seconds(5)};  // after a failed receive
  // How often the visibility of a batch in hand is extended; 0: half the visibility timeout.
  std::chrono::milliseconds extend_every{0};
  // Where each message handled is counted by disposition (sgwatch_sqs_messages_total) and
  // its age when handled shown (sgwatch_sqs_message_age_seconds), by `clock`; null: not
  // counted. Both must outlive the consumer.
  Metrics* metrics = nullptr;
  const Clock* clock = nullptr;
};

class SqsConsumer {
 public:
  using Handle = std::function<HandledMessage(std::string_view body, std::string_view source)>;

  // `poll` makes the long polls (its transport is the one cancelled at shutdown);
  // `control` deletes and extends visibility. Everything given must outlive the consumer.
  // `on_recorded` runs after each message that recorded a revision (the outbox's wake).
  SqsConsumer(SqsApi& poll, SqsApi& control, CredentialProvider& credentials, SqsQueue queue,
              SqsConsumerOptions options, Handle handle, std::function<void()> on_recorded);
  ~SqsConsumer();  // stops and joins

  void start();  // the loop, in its own thread
  void stop();   // asks the loop to end; does not wait
  void join();

  // One receive and the handling of what it brought; false when the receive failed.
  // What the loop runs; public for tests.
  bool poll_once();

  const SqsQueue& queue() const { return queue_; }
  const SqsConsumerCounts& counts() const { return counts_; }

 private:
  void run();
  // "SQS message <id> of queue <name>"
  std::string source_of(const SqsMessage& message) const;
  // Counts one message handled, when the options say where.
  void count(const SqsMessage& message, Disposition disposition);

  SqsApi& poll_;
  SqsApi& control_;
  CredentialProvider& credentials_;
  SqsQueue queue_;
  SqsConsumerOptions options_;
  Handle handle_;
  std::function<void()> on_recorded_;
  SqsConsumerCounts counts_;
  CounterFamily* messages_counted_ = nullptr;  // null: not counted
  Gauge* message_age_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;  // with wake_: the backoff wait
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace sgwatch
