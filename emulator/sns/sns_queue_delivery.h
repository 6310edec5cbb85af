// SNS to SQS, for "sqs" subscriptions: which endpoints are queues, and the hand-over of a
// message to its queue. The hand-over is synchronous, on the publishing thread (enqueueing
// is all SQS does), and goes through a sink the emulator points at its SQS, so that SNS
// does not depend on SQS. A message whose queue does not exist, or that finds no sink, is
// dropped and counted.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>

namespace sgwatch::emulator {

// arn:aws:sqs:<region>:<account>:<name>, the one endpoint an "sqs" subscription takes.
bool is_sqs_queue_arn(const std::string& endpoint);

// Not thread-safe: SnsService calls it under its own lock, so that a publish's deliveries
// and the counts move together.
class SnsQueueDelivery {
 public:
  // Takes one message for a queue by ARN; false when there is no such queue.
  using Sink = std::function<bool(const std::string& queue_arn, const std::string& body)>;

  void set_sink(Sink sink) { sink_ = std::move(sink); }
  // Hands `body` to the queue `queue_arn` through the sink.
  void deliver(const std::string& queue_arn, const std::string& body);

  size_t delivered() const { return delivered_; }
  size_t dropped() const { return dropped_; }

 private:
  Sink sink_;
  size_t delivered_ = 0;
  size_t dropped_ = 0;
};

}  // namespace sgwatch::emulator
