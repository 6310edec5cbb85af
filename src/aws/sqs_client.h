// Amazon SQS, as sgwatch's queue consumer uses it: long-poll receives, batch deletes, batch
// visibility changes, and the queue's attributes (for checks and metrics). SQS's JSON 1.0
// protocol through QueryClient::call_json: POST / to the service endpoint ("sqs" resolves to
// sqs.<region>.amazonaws.com, or to AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL), the operation
// in X-Amz-Target ("AmazonSQS.ReceiveMessage"), the queue in the body's QueueUrl. Shapes are
// those of botocore's sqs service-2.json (2012-11-05).
//
// Errors name the call, the queue and, for a bad answer, the JSON path
// ("Messages[2].ReceiptHandle: missing"); AWS's own errors come worded by aws_error.h
// (a missing queue is AWS.SimpleQueueService.NonExistentQueue, not retried).
//
// Thread-safe if the QueryClient is.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.h"
#include "aws/query_client.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/ids.h"

namespace sgwatch {

struct SqsQueue {
  std::string url;  // "https://sqs.eu-west-1.amazonaws.com/123456789012/sgwatch-events"
  Region region;    // the queue's region (signing and endpoint)
  std::string name() const;  // last path segment of url: "sgwatch-events"
};

// The region in a standard queue URL's host: sqs.<region>.amazonaws.com[.cn], the legacy
// <region>.queue.amazonaws.com, or the legacy queue.amazonaws.com (us-east-1); nullopt for
// any other host (a custom endpoint, whose region must be configured).
std::optional<Region> region_of_queue_url(std::string_view url);

struct SqsMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  int receive_count = 0;                       // ApproximateReceiveCount
  std::optional<Timestamp> sent_at;            // SentTimestamp (epoch ms)
  std::optional<Timestamp> first_received_at;  // ApproximateFirstReceiveTimestamp
};

struct SqsReceiveOptions {
  int max_messages = 10;             // 1..10
  std::chrono::seconds wait{20};     // long poll, 0..20
  std::chrono::seconds visibility{60};  // 0..43200 (12 hours)
};

struct SqsEntry {  // one message of a batch call
  std::string id;  // unique within the batch (the caller picks, e.g. "0".."9")
  std::string receipt_handle;
};

struct SqsBatchFailure {
  std::string id;
  std::string code;  // "ReceiptHandleIsInvalid", ...
  std::string message;
  bool sender_fault = false;
};

struct SqsQueueAttributes {
  std::string arn;                              // QueueArn
  std::chrono::seconds visibility_timeout{30};
  std::optional<std::string> dead_letter_arn;   // RedrivePolicy.deadLetterTargetArn
  int max_receive_count = 0;                    // RedrivePolicy.maxReceiveCount (0: none)
  int64_t visible = 0;                          // ApproximateNumberOfMessages
  int64_t in_flight = 0;                        // ApproximateNumberOfMessagesNotVisible
};

// The seam the consumer uses; tests fake it. Thread-safe if the QueryClient is.
class SqsApi {
 public:
  virtual ~SqsApi() = default;
  // One ReceiveMessage; an empty list when the long poll ended with nothing.
  virtual Result<std::vector<SqsMessage>> receive(const AwsCredentials& credentials,
                                                  const SqsQueue& queue,
                                                  const SqsReceiveOptions& options) = 0;
  // Batches of at most 10 are sent as several calls; the failures of all are returned.
  virtual Result<std::vector<SqsBatchFailure>> delete_messages(
      const AwsCredentials& credentials, const SqsQueue& queue,
      const std::vector<SqsEntry>& entries) = 0;
  virtual Result<std::vector<SqsBatchFailure>> change_visibility(
      const AwsCredentials& credentials, const SqsQueue& queue,
      const std::vector<SqsEntry>& entries, std::chrono::seconds visibility) = 0;
  virtual Result<SqsQueueAttributes> attributes(const AwsCredentials& credentials,
                                                const SqsQueue& queue) = 0;
};

class SqsClient final : public SqsApi {
 public:
  explicit SqsClient(QueryClient& client);  // `client` must outlive this

  // Options out of range are an error (kInvalidInput) before anything is sent.
  Result<std::vector<SqsMessage>> receive(const AwsCredentials& credentials,
                                          const SqsQueue& queue,
                                          const SqsReceiveOptions& options) override;
  // Both batch calls: no entries sends nothing. Entries with an empty id, or an id used
  // twice within one batch of 10, are an error before anything is sent (SQS would refuse
  // the whole batch). A call that fails ends the work with its error: batches sent before it
  // were done (deleting or changing visibility twice is harmless, so the caller may simply
  // try all again). An entry the answer names neither successful nor failed is returned as
  // a failure with code "NoResult", so nothing is taken for done that SQS did not confirm.
  Result<std::vector<SqsBatchFailure>> delete_messages(
      const AwsCredentials& credentials, const SqsQueue& queue,
      const std::vector<SqsEntry>& entries) override;
  Result<std::vector<SqsBatchFailure>> change_visibility(const AwsCredentials& credentials,
                                                         const SqsQueue& queue,
                                                         const std::vector<SqsEntry>& entries,
                                                         std::chrono::seconds visibility) override;
  Result<SqsQueueAttributes> attributes(const AwsCredentials& credentials,
                                        const SqsQueue& queue) override;

 private:
  // Sends `body` as `action` for `queue`; the error names the queue.
  Result<std::string> call(const AwsCredentials& credentials, const SqsQueue& queue,
                           const char* action, std::string body);

  QueryClient& client_;
};

// --- Each request document and each answer's parser, public for tests. ---

// What a batch call answered: the ids done, and the entries that failed.
struct SqsBatchResult {
  std::vector<std::string> successful;
  std::vector<SqsBatchFailure> failed;
};

// {"QueueUrl":..,"MaxNumberOfMessages":..,"WaitTimeSeconds":..,"VisibilityTimeout":..,
//  "MessageSystemAttributeNames":[ApproximateReceiveCount, SentTimestamp,
//  ApproximateFirstReceiveTimestamp],"AttributeNames":[the same]}: the older AttributeNames
// too, for SQS-compatible servers that predate MessageSystemAttributeNames.
std::string receive_message_request(const SqsQueue& queue, const SqsReceiveOptions& options);
// No Messages member (SQS leaves it out when the poll found nothing) is an empty list.
// Errors: not JSON, not an object, a message without MessageId, ReceiptHandle or Body, an
// attribute that is not the decimal number SQS writes.
Result<std::vector<SqsMessage>> parse_receive_message_response(std::string_view body);

// {"QueueUrl":..,"Entries":[{"Id":..,"ReceiptHandle":..}, ...]}; at most 10 entries.
std::string delete_message_batch_request(const SqsQueue& queue,
                                         const std::vector<SqsEntry>& entries);
// {"Successful":[{"Id":..}],"Failed":[{"Id":..,"SenderFault":..,"Code":..,"Message":..}]};
// either list may be absent (empty).
Result<SqsBatchResult> parse_delete_message_batch_response(std::string_view body);

// {"QueueUrl":..,"Entries":[{"Id":..,"ReceiptHandle":..,"VisibilityTimeout":..}, ...]}.
std::string change_message_visibility_batch_request(const SqsQueue& queue,
                                                    const std::vector<SqsEntry>& entries,
                                                    std::chrono::seconds visibility);
// The same shape as DeleteMessageBatch's answer.
Result<SqsBatchResult> parse_change_message_visibility_batch_response(std::string_view body);

// {"QueueUrl":..,"AttributeNames":[QueueArn, VisibilityTimeout, RedrivePolicy,
//  ApproximateNumberOfMessages, ApproximateNumberOfMessagesNotVisible]}
std::string get_queue_attributes_request(const SqsQueue& queue);
// {"Attributes":{"QueueArn":..,"VisibilityTimeout":"30",...}}: every value a string, and
// RedrivePolicy JSON text whose maxReceiveCount may be a number or a string of digits.
// QueueArn is required; the others keep their defaults when absent.
Result<SqsQueueAttributes> parse_get_queue_attributes_response(std::string_view body);

}  // namespace sgwatch
