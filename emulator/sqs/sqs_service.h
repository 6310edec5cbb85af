// The emulator's SQS: standard queues (sqs_queue.h) behind both of SQS's protocols
// (sqs_protocol.h), signed for the service "sqs" and counted as "sqs:<Action>".
//
// Served: CreateQueue (idempotent by name when the attributes agree, QueueAlreadyExists
// otherwise), GetQueueUrl, ListQueues (QueueNamePrefix, MaxResults/NextToken),
// GetQueueAttributes, SetQueueAttributes, SendMessage, SendMessageBatch, ReceiveMessage,
// DeleteMessage, DeleteMessageBatch, ChangeMessageVisibility,
// ChangeMessageVisibilityBatch, PurgeQueue, DeleteQueue. Message attributes, FIFO queues,
// tags and queue policies are not served.
//
// Identity: a queue is arn:aws:sqs:<region>:<account>:<name> and its URL is
// <endpoint>/<account>/<name>. The URL has no region, so an API call finds its queue by the
// URL's account and name in the region the request was signed for. A caller of another
// account than the URL's gets AccessDenied (no queue policies, no cross-account access).
//
// Receipt handles are new on every receive. DeleteMessage with an earlier handle of a
// message received again since is accepted and deletes nothing (SQS documents exactly
// this); a handle of a message already deleted is accepted too; a handle the queue never
// gave out is ReceiptHandleIsInvalid. ChangeMessageVisibility needs the latest handle of a
// message still in the queue (InvalidParameterValue otherwise, as SQS words it).
//
// ReceiveMessage with WaitTimeSeconds > 0 (or the queue's ReceiveMessageWaitTimeSeconds)
// waits on a condition variable: it returns as soon as a message is sent or becomes
// visible again, at the latest when the wait is over. stop() wakes every waiting receive at
// once and makes later ones answer at once, empty. While it waits the call holds an HTTP
// worker: the emulator gives its server 64.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "core/clock.h"
#include "emulator/caller.h"
#include "emulator/http_types.h"
#include "emulator/sqs/sqs_protocol.h"
#include "emulator/sqs/sqs_queue.h"

namespace sgwatch::emulator {

class SqsService {
 public:
  // `seed` non-zero makes message ids and receipt handles repeatable. `clock` must outlive
  // the service.
  explicit SqsService(const Clock& clock, uint64_t seed = 0);
  ~SqsService();
  SqsService(const SqsService&) = delete;
  SqsService& operator=(const SqsService&) = delete;

  // The emulator's base URL ("http://127.0.0.1:PORT"), the prefix of queue URLs. Set once
  // the server has its port, before any queue is made.
  void set_endpoint(const std::string& endpoint);

  // One verified call of `caller`, signed for `region`, in either protocol; `action` is
  // X-Amz-Target's operation or the Query "Action".
  Response handle(const Caller& caller, const std::string& region, const std::string& action,
                  const Request& request, const Params& params);

  // --- The same, from C++ (tests, benchmarks, the seed, the event forwarder, SNS). ---

  // Makes a queue (or returns the existing one of that name, when `attributes` agree) and
  // returns its URL. Attributes as CreateQueue takes them: "VisibilityTimeout",
  // "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds", "DelaySeconds",
  // "MaximumMessageSize", "RedrivePolicy" ({"deadLetterTargetArn": "arn:aws:sqs:...",
  // "maxReceiveCount": "3"}).
  tl::expected<std::string, SqsError> create_queue(
      const std::string& account, const std::string& region, const std::string& name,
      const std::map<std::string, std::string>& attributes = {});
  // Sends to a queue named by URL or ARN; returns the message id. By URL, the first queue
  // of that account and name in any region (name queues uniquely, or use the ARN).
  tl::expected<std::string, SqsError> send(const std::string& url_or_arn,
                                           const std::string& body);
  // What EventBridge and SNS do: false when there is no such queue.
  bool send_to_arn(const std::string& arn, const std::string& body);

  // The queue's URL or ARN from either; nullopt when there is no such queue.
  std::optional<std::string> url_of(const std::string& url_or_arn) const;
  std::optional<std::string> arn_of(const std::string& url_or_arn) const;
  // Messages visible, in flight and delayed now, and those moved to the dead-letter queue.
  // All zero for a queue that does not exist.
  SqsQueueCounts counts(const std::string& url_or_arn) const;
  // Every message's body, oldest first, visible or not (e.g. what a dead-letter queue holds).
  std::vector<std::string> bodies(const std::string& url_or_arn) const;
  // Waits (real time) until the queue holds at least `n` messages, visible or not.
  bool wait_for_messages(const std::string& url_or_arn, size_t n,
                         std::chrono::milliseconds timeout) const;

  // GET /_emulator/sqs: {"queues": [{"url", "arn", "visible", "in_flight", "delayed",
  // "moved_to_dead_letter"}]}.
  nlohmann::ordered_json to_json() const;
  // Deletes every queue (DELETE /_emulator/sqs).
  void clear();

  // Wakes every waiting ReceiveMessage; from now on receives answer at once. Idempotent.
  void stop();

 private:
  using Json = nlohmann::json;
  using Output = tl::expected<nlohmann::ordered_json, SqsError>;

  // Precondition for every *_locked: mutex_ held.
  SqsQueue* find_locked(const std::string& url_or_arn, const std::string& region = "") const;
  tl::expected<SqsQueue*, SqsError> queue_for_locked(const Caller& caller,
                                                     const std::string& region,
                                                     const Json& input, const std::string& action);
  std::string new_id_locked();
  std::string new_handle_locked();
  // Moves messages due for redrive from `queue` to its dead-letter queue.
  void redrive_locked(SqsQueue& queue, std::vector<SqsMessage>& dead_letters);

  Output call(const Caller& caller, const std::string& region, const std::string& action,
              const Json& input);
  Output create_queue_api(const Caller& caller, const std::string& region, const Json& input);
  Output get_queue_url_api(const Caller& caller, const std::string& region, const Json& input);
  Output list_queues_api(const Caller& caller, const std::string& region, const Json& input);
  Output get_attributes_api(SqsQueue& queue, const Json& input);
  Output set_attributes_api(SqsQueue& queue, const Json& input);
  Output send_api(SqsQueue& queue, const Json& input);
  Output send_batch_api(SqsQueue& queue, const Json& input);
  // Called with the lock held; may release it while it waits.
  Output receive_api(std::unique_lock<std::mutex>& lock, const std::string& arn,
                     const Json& input);
  Output delete_api(SqsQueue& queue, const Json& input);
  Output delete_batch_api(SqsQueue& queue, const Json& input);
  Output change_visibility_api(SqsQueue& queue, const Json& input);
  Output change_visibility_batch_api(SqsQueue& queue, const Json& input);

  const Clock& clock_;
  mutable std::mutex mutex_;  // guards everything below
  mutable std::condition_variable changed_;  // a message sent, made visible; a queue gone
  std::mt19937_64 random_;
  std::string endpoint_;
  std::map<std::string, std::unique_ptr<SqsQueue>> queues_;  // by ARN
  bool stopping_ = false;
};

}  // namespace sgwatch::emulator
