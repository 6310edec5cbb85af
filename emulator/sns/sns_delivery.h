// The emulator's SNS deliveries over HTTP: a queue and one background thread that POSTs
// each message to its endpoint as SNS does (headers x-amz-sns-*, Content-Type
// "text/plain; charset=UTF-8", User-Agent "Amazon Simple Notification Service Agent"),
// never on the thread of the request that caused it.
//
// Retries, as SNS retries an HTTP endpoint: up to 3 attempts, 50 ms then 200 ms apart,
// after a connection failure or a 5xx. A 2xx ends the delivery; a 4xx (or any other
// status) gives it up. Every attempt is recorded, for tests.
//
// Messages are delivered one at a time, in the order queued (retries included), so tests
// see them in a predictable order; SNS promises no order.
//
// Thread-safe. stop() (or the destructor) ends the thread; messages still queued are
// dropped.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sgwatch::emulator {

// One delivery attempt.
struct SnsDelivery {
  std::string subscription_arn;
  std::string endpoint;      // the URL posted to
  std::string message_type;  // "Notification", "SubscriptionConfirmation", ...
  std::string message_id;
  int status = 0;            // the HTTP status answered; 0 when no answer came
  int attempt = 1;           // 1 for the first try
};

// A message ready to go: the signed JSON envelope and what its headers need.
struct SnsOutgoing {
  std::string endpoint;
  std::string subscription_arn;
  std::string topic_arn;
  std::string message_type;
  std::string message_id;
  std::string body;
  bool subscription_header = true;  // x-amz-sns-subscription-arn (Notification only)
};

class SnsDeliverer {
 public:
  SnsDeliverer();
  ~SnsDeliverer();
  SnsDeliverer(const SnsDeliverer&) = delete;
  SnsDeliverer& operator=(const SnsDeliverer&) = delete;

  // Queues a message; returns at once. Ignored after stop().
  void enqueue(SnsOutgoing message);

  // Every attempt so far, oldest first.
  std::vector<SnsDelivery> deliveries() const;
  void clear();
  // Waits until at least `n` attempts are recorded or `timeout` passes; true if they are.
  bool wait_for(size_t n, std::chrono::milliseconds timeout) const;

  // Ends the thread, abandoning queued messages and retry waits. Idempotent.
  void stop();

 private:
  void run();
  // One attempt: the HTTP status, or 0 when the connection failed.
  static int post(const SnsOutgoing& message);

  mutable std::mutex mutex_;  // guards everything below
  mutable std::condition_variable changed_;
  std::deque<SnsOutgoing> queue_;
  std::vector<SnsDelivery> deliveries_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the rest exists
};

}  // namespace sgwatch::emulator
