// What one message taken from an SQS queue is, told by its shape, whatever fed the queue:
//   - an EventBridge event "AWS API Call via CloudTrail" (an EventBridge rule's target);
//   - an SNS envelope (an SNS subscription without raw delivery), to be verified before its
//     Message is classified in turn;
//   - AWS Config's own JSON (raw SNS delivery of a Config topic);
//   - a notice of new CloudTrail log files: S3 event notifications of ObjectCreated:*, S3's
//     s3:TestEvent, CloudTrail's own SNS note {"s3Bucket":..,"s3ObjectKey":[..]}, or an
//     EventBridge "Object Created" event from aws.s3;
//   - any other JSON object: of no kind sgwatch knows, logged and dropped.
//
// Recognition goes by members, in the order above:
//   EventBridge: an object with "detail-type", "source" and "detail";
//   SNS:         "Type" one of Notification, SubscriptionConfirmation, UnsubscribeConfirmation,
//                with "TopicArn" and "Signature" or "SignatureVersion";
//   Config:      a string "messageType";
//   log files:   "Records" whose first element has eventSource "aws:s3"; "Event" equal to
//                "s3:TestEvent"; a string "s3Bucket" with an "s3ObjectKey".
//
// Nothing here is trusted: an SNS envelope's signature is SnsVerifier's job, and an event is
// only a hint of which groups to read again.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/ids.h"
#include "sources/sns_message.h"
#include "trail/api_call.h"

namespace sgwatch {

enum class QueueMessageKind {
  kCloudTrailEvent,     // EventBridge "AWS API Call via CloudTrail"
  kSnsEnvelope,         // an SNS envelope (non-raw delivery): verify it, then classify its Message
  kConfigNotification,  // AWS Config's own JSON (raw SNS delivery, or an envelope's Message)
  kLogFileNotification, // new CloudTrail log files (see above)
  kUnknown,             // JSON, but of no kind sgwatch knows (including EventBridge events of
                        // other detail-types)
};

// "cloudtrail-event", "sns-envelope", "config-notification", "log-file-notification",
// "unknown".
const char* to_string(QueueMessageKind kind);

struct CloudTrailEventMessage {
  std::string event_id;  // EventBridge envelope "id"
  AccountId account;     // envelope "account"
  Region region;         // envelope "region"
  Timestamp time;        // envelope "time"
  // The detail object as JSON text: one CloudTrail record, as LookupEvents' CloudTrailEvent
  // holds it (attribution/stored_calls.h security_group_event takes this). Minified: the
  // same members and values as sent, not the same bytes.
  std::string record;
  ApiCall call;  // parse_record(detail), RecordDetail::kFull
};

struct LogFileObject {
  std::string bucket;
  // The object key. S3 event notifications URL-encode it ("a b" as "a+b"): decoded here.
  // CloudTrail's note and EventBridge events are taken as sent.
  std::string key;
};

struct QueueMessage {
  QueueMessageKind kind = QueueMessageKind::kUnknown;
  // A few words for the log, never the whole body: "EventBridge AuthorizeSecurityGroupIngress
  // by <arn> (event <id>)", "3 CloudTrail log file(s) in bucket b", "unknown: an object with
  // keys a, b, c".
  std::string summary;
  std::optional<CloudTrailEventMessage> event;  // kCloudTrailEvent
  std::optional<SnsMessage> sns;                // kSnsEnvelope (parse_sns_message)
  std::string config_message;                   // kConfigNotification: the Config JSON text,
                                                // for ConfigIntake::take
  std::vector<LogFileObject> log_files;         // kLogFileNotification (empty for a test event)
};

// `source` names the message in errors ("SQS message <id> of queue <name>"); every error
// starts with it. An error (kInvalidInput) means the message is poison: not JSON, not an
// object, or of a kind recognised by its shape but malformed: an EventBridge CloudTrail event
// whose id, account (a 12-digit string; a number is malformed), region, time or detail is
// missing or wrong, or whose detail parse_record rejects; an SNS envelope parse_sns_message
// rejects; an S3 notification of a created object without its bucket or key; a CloudTrail
// log-file note whose keys are not strings. The message names the JSON path, e.g.
// "SQS message 1 of queue q: account: expected a string, got integer".
//
// The body is parsed once (an SNS envelope a second time, by parse_sns_message); a
// Config notification's text is copied into config_message.
Result<QueueMessage> classify_queue_message(std::string_view body, std::string_view source);

}  // namespace sgwatch
