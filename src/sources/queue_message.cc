#include "sources/queue_message.h"

#include <curl/curl.h>

#include <algorithm>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/json_element.h"
#include "core/json_fields.h"
#include "core/time_format.h"
#include "trail/record_parser.h"

namespace sgwatch {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::string_view kCloudTrailDetailType = "AWS API Call via CloudTrail";

// A value from the message, short enough for a log line whatever the sender put there.
std::string clipped(std::string_view text, size_t max = 64) {
  if (text.size() <= max) return std::string(text);
  return fmt::format("{}...", text.substr(0, max));
}

// The string member `key`, or "" when it is absent or not a string: for recognising shapes
// and for summaries, where a wrong type is not (yet) an error.
std::string_view string_member(object obj, std::string_view key) {
  std::string_view text;
  if (obj.at_key(key).get_string().get(text) != simdjson::SUCCESS) return {};
  return text;
}

bool has_member(object obj, std::string_view key) {
  element value;
  return obj.at_key(key).get(value) == simdjson::SUCCESS;
}

// "unknown: an object with keys a, b, c, d, e and 3 more": the body's shape, not its content.
std::string unknown_object(object obj) {
  constexpr size_t kShown = 5;
  std::vector<std::string> keys;
  size_t count = 0;
  for (auto field : obj) {
    if (count++ < kShown) keys.push_back(clipped(field.key, 40));
  }
  if (count == 0) return "unknown: an empty object";
  std::string text = fmt::format("unknown: an object with key{} {}", count == 1 ? "" : "s",
                                 fmt::join(keys, ", "));
  if (count > kShown) text += fmt::format(" and {} more", count - kShown);
  return text;
}

// S3 event notifications write keys form-encoded: a space as '+', others as %XX.
std::string decoded_key(std::string_view key) {
  std::string plus_decoded(key);
  std::replace(plus_decoded.begin(), plus_decoded.end(), '+', ' ');
  int length = 0;
  char* decoded = curl_easy_unescape(nullptr, plus_decoded.data(),
                                     static_cast<int>(plus_decoded.size()), &length);
  if (!decoded) return plus_decoded;
  std::string out(decoded, static_cast<size_t>(length));
  curl_free(decoded);
  return out;
}

std::string files_summary(const std::vector<LogFileObject>& files, std::string_view what) {
  std::string bucket = files.empty() ? "" : files.front().bucket;
  const bool one_bucket = std::all_of(files.begin(), files.end(),
                                      [&](const LogFileObject& f) { return f.bucket == bucket; });
  if (one_bucket) {
    return fmt::format("{} {} in bucket {}", files.size(), what, clipped(bucket));
  }
  return fmt::format("{} {} in several buckets", files.size(), what);
}

// parse_record names the record by its index in a container ("record 0 (eventID ...)"); an
// event's record is its detail.
Error as_detail_error(Error error) {
  constexpr std::string_view kLabel = "record 0";
  if (std::string_view(error.message).starts_with(kLabel)) {
    error.message.replace(0, kLabel.size(), "detail");
  } else {
    error = error.within("detail");
  }
  return error;
}

Result<QueueMessage> cloudtrail_event(object obj) {
  const JsonFields fields(obj, "");
  auto event_id = fields.required_string("id");
  if (!event_id) return tl::unexpected(event_id.error());
  auto account = fields.required_id<AccountId>("account");
  if (!account) return tl::unexpected(account.error());
  auto region = fields.required_id<Region>("region");
  if (!region) return tl::unexpected(region.error());
  // EventBridge writes "time" as ISO 8601 text, nothing else.
  auto time_text = fields.required_string("time");
  if (!time_text) return tl::unexpected(time_text.error());
  auto time = parse_time(*time_text);
  if (!time) return tl::unexpected(time.error().within("time"));
  auto detail = fields.member("detail");
  if (!detail) return invalid("detail: missing");
  if (!detail->is_object()) return wrong_json_type("detail", "an object", *detail);
  auto call = parse_record(*detail, 0, RecordDetail::kFull);
  if (!call) return tl::unexpected(as_detail_error(call.error()));

  QueueMessage message;
  message.kind = QueueMessageKind::kCloudTrailEvent;
  const Actor& actor = call->actor;
  const std::string who = !actor.arn.empty()          ? actor.arn
                          : !actor.invoked_by.empty() ? actor.invoked_by
                          : !actor.type.empty()       ? actor.type
                                                      : "an unnamed caller";
  message.summary = fmt::format("EventBridge {} by {} (event {})", clipped(call->event_name),
                                clipped(who, 200), clipped(*event_id));
  message.event = CloudTrailEventMessage{std::move(*event_id), *account, *region, *time,
                                         simdjson::to_string(*detail), std::move(*call)};
  return message;
}

// An EventBridge "Object Created" event from aws.s3: detail.bucket.name, detail.object.key.
Result<QueueMessage> s3_object_created(object obj) {
  auto detail = JsonFields(obj, "").required_object("detail");
  if (!detail) return tl::unexpected(detail.error());
  const JsonFields detail_fields(*detail, "detail");
  auto bucket = detail_fields.required_object("bucket");
  if (!bucket) return tl::unexpected(bucket.error());
  auto name = JsonFields(*bucket, detail_fields.path("bucket")).required_string("name");
  if (!name) return tl::unexpected(name.error());
  auto object_fields = detail_fields.required_object("object");
  if (!object_fields) return tl::unexpected(object_fields.error());
  auto key = JsonFields(*object_fields, detail_fields.path("object")).required_string("key");
  if (!key) return tl::unexpected(key.error());

  QueueMessage message;
  message.kind = QueueMessageKind::kLogFileNotification;
  message.log_files.push_back(LogFileObject{std::move(*name), std::move(*key)});
  message.summary = files_summary(message.log_files, "new S3 object(s) (EventBridge)");
  return message;
}

Result<QueueMessage> eventbridge(object obj) {
  const JsonFields fields(obj, "");
  auto detail_type = fields.required_string("detail-type");
  if (!detail_type) return tl::unexpected(detail_type.error());
  auto event_source = fields.required_string("source");
  if (!event_source) return tl::unexpected(event_source.error());
  // Only AWS services may use an aws.* source; anyone may send the same detail-type.
  const bool from_aws = event_source->starts_with("aws.");
  if (*detail_type == kCloudTrailDetailType && from_aws) return cloudtrail_event(obj);
  if (*detail_type == "Object Created" && *event_source == "aws.s3") return s3_object_created(obj);
  QueueMessage message;
  message.summary = fmt::format("unknown: an EventBridge event '{}' from {}",
                                clipped(*detail_type), clipped(*event_source));
  return message;
}

Result<QueueMessage> sns_envelope(std::string_view body, std::string_view source) {
  auto parsed = parse_sns_message(body, source);
  if (!parsed) return tl::unexpected(parsed.error());
  QueueMessage message;
  message.kind = QueueMessageKind::kSnsEnvelope;
  message.summary = fmt::format("SNS {} {} of topic {}", to_string(parsed->type),
                                clipped(parsed->message_id), clipped(parsed->topic_arn, 200));
  message.sns = std::move(*parsed);
  return message;
}

QueueMessage config_notification(object obj, std::string_view body) {
  QueueMessage message;
  message.kind = QueueMessageKind::kConfigNotification;
  message.summary = fmt::format("AWS Config {}", clipped(string_member(obj, "messageType")));
  // Which resource, when the notification is about one: for the log only.
  for (std::string_view container : {"configurationItem", "configurationItemSummary"}) {
    object item;
    if (obj.at_key(container).get_object().get(item) != simdjson::SUCCESS) continue;
    std::string_view type = string_member(item, "resourceType");
    std::string_view id = string_member(item, "resourceId");
    if (!type.empty() && !id.empty()) {
      message.summary += fmt::format(" for {} {}", clipped(type), clipped(id));
    }
    break;
  }
  message.config_message = std::string(body);
  return message;
}

// S3 event notifications: the records of created objects. A notification of other events
// only (deletes, restores) is of no kind sgwatch reads.
Result<QueueMessage> s3_notification(object obj) {
  QueueMessage message;
  std::string other_event;
  Status read = JsonFields(obj, "").for_each_object(
      "Records", [&](object record, const std::string& path) -> Status {
        const JsonFields fields(record, path);
        if (string_member(record, "eventSource") != "aws:s3") return {};
        auto event_name = fields.required_string("eventName");
        if (!event_name) return tl::unexpected(event_name.error());
        if (!event_name->starts_with("ObjectCreated:")) {
          if (other_event.empty()) other_event = *event_name;
          return {};
        }
        auto s3 = fields.required_object("s3");
        if (!s3) return tl::unexpected(s3.error());
        const JsonFields s3_fields(*s3, fields.path("s3"));
        auto bucket = s3_fields.required_object("bucket");
        if (!bucket) return tl::unexpected(bucket.error());
        auto name = JsonFields(*bucket, s3_fields.path("bucket")).required_string("name");
        if (!name) return tl::unexpected(name.error());
        auto s3_object = s3_fields.required_object("object");
        if (!s3_object) return tl::unexpected(s3_object.error());
        auto key = JsonFields(*s3_object, s3_fields.path("object")).required_string("key");
        if (!key) return tl::unexpected(key.error());
        message.log_files.push_back(LogFileObject{std::move(*name), decoded_key(*key)});
        return {};
      });
  if (!read) return tl::unexpected(read.error());
  if (message.log_files.empty()) {
    message.summary = fmt::format("unknown: an S3 event notification of {}",
                                  other_event.empty() ? "no event" : clipped(other_event));
    return message;
  }
  message.kind = QueueMessageKind::kLogFileNotification;
  message.summary = files_summary(message.log_files, "new S3 object(s)");
  return message;
}

// CloudTrail's own note on its SNS topic: {"s3Bucket":"b","s3ObjectKey":["AWSLogs/..."]}.
Result<QueueMessage> cloudtrail_note(object obj) {
  const JsonFields fields(obj, "");
  std::string bucket(string_member(obj, "s3Bucket"));
  QueueMessage message;
  message.kind = QueueMessageKind::kLogFileNotification;
  auto keys = fields.member("s3ObjectKey");
  if (!keys) return invalid("s3ObjectKey: missing");
  if (!keys->is_array()) return wrong_json_type("s3ObjectKey", "an array", *keys);
  Status read = fields.for_each_element("s3ObjectKey", [&](element item, const std::string& path)
                                                            -> Status {
    std::string_view key;
    if (item.get_string().get(key) != simdjson::SUCCESS) {
      return wrong_json_type(path, "a string", item);
    }
    message.log_files.push_back(LogFileObject{bucket, std::string(key)});
    return {};
  });
  if (!read) return tl::unexpected(read.error());
  message.summary = fmt::format("{} CloudTrail log file(s) in bucket {}", message.log_files.size(),
                                clipped(bucket));
  return message;
}

bool is_sns_type(std::string_view type) {
  return type == "Notification" || type == "SubscriptionConfirmation" ||
         type == "UnsubscribeConfirmation";
}

bool is_s3_notification(object obj) {
  simdjson::dom::array records;
  if (obj.at_key("Records").get_array().get(records) != simdjson::SUCCESS) return false;
  for (element first : records) {
    object record;
    return first.get_object().get(record) == simdjson::SUCCESS &&
           string_member(record, "eventSource") == "aws:s3";
  }
  return false;
}

Result<QueueMessage> classify_object(object obj, std::string_view body,
                                     std::string_view source) {
  if (has_member(obj, "detail-type") && has_member(obj, "source") && has_member(obj, "detail")) {
    return eventbridge(obj);
  }
  if (is_sns_type(string_member(obj, "Type")) && has_member(obj, "TopicArn") &&
      (has_member(obj, "Signature") || has_member(obj, "SignatureVersion"))) {
    return sns_envelope(body, source);
  }
  if (!string_member(obj, "messageType").empty()) return config_notification(obj, body);
  if (is_s3_notification(obj)) return s3_notification(obj);
  if (string_member(obj, "Event") == "s3:TestEvent") {
    QueueMessage message;
    message.kind = QueueMessageKind::kLogFileNotification;
    message.summary =
        fmt::format("S3 test event for bucket {}", clipped(string_member(obj, "Bucket")));
    return message;
  }
  if (!string_member(obj, "s3Bucket").empty() && has_member(obj, "s3ObjectKey")) {
    return cloudtrail_note(obj);
  }
  QueueMessage message;
  message.summary = unknown_object(obj);
  return message;
}

}  // namespace

const char* to_string(QueueMessageKind kind) {
  switch (kind) {
    case QueueMessageKind::kCloudTrailEvent: return "cloudtrail-event";
    case QueueMessageKind::kSnsEnvelope: return "sns-envelope";
    case QueueMessageKind::kConfigNotification: return "config-notification";
    case QueueMessageKind::kLogFileNotification: return "log-file-notification";
    case QueueMessageKind::kUnknown: return "unknown";
  }
  return "unknown";
}

Result<QueueMessage> classify_queue_message(std::string_view body, std::string_view source) {
  const std::string where(source);
  simdjson::dom::parser parser;
  element root;
  if (auto error = parser.parse(body.data(), body.size()).get(root); error) {
    return invalid(fmt::format("{}: the message is not JSON: {}", where,
                               simdjson::error_message(error)));
  }
  object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return tl::unexpected(wrong_json_type("the message", "an object", root).value().within(where));
  }
  auto message = classify_object(obj, body, source);
  if (!message) {
    // parse_sns_message names the source itself.
    if (message.error().message.starts_with(where + ": ")) return message;
    return tl::unexpected(message.error().within(where));
  }
  return message;
}

}  // namespace sgwatch
