#include "aws/sqs_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <limits>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "core/json_element.h"
#include "core/json_fields.h"

namespace sgwatch {
namespace {

constexpr size_t kMaxBatch = 10;  // SQS's limit for every batch call

// The attributes asked of each message: enough for the consumer's logs and lag metric.
constexpr const char* kMessageAttributes[] = {"ApproximateReceiveCount", "SentTimestamp",
                                              "ApproximateFirstReceiveTimestamp"};
constexpr const char* kQueueAttributes[] = {"QueueArn", "VisibilityTimeout", "RedrivePolicy",
                                            "ApproximateNumberOfMessages",
                                            "ApproximateNumberOfMessagesNotVisible"};

// Ordered, so that a request reads as botocore's shape lists it and tests can compare text.
using Document = nlohmann::ordered_json;

Document queue_document(const SqsQueue& queue) { return Document{{"QueueUrl", queue.url}}; }

// The host of an http(s) URL, lower-cased, without port.
std::optional<std::string> host_of(std::string_view url) {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (url.substr(0, scheme.size()) == scheme) {
      url.remove_prefix(scheme.size());
      std::string host(url.substr(0, url.find_first_of("/:?#")));
      std::transform(host.begin(), host.end(), host.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return host;
    }
  }
  return std::nullopt;
}

Result<simdjson::dom::object> parse_object(simdjson::dom::parser& parser, std::string_view body) {
  simdjson::dom::element root;
  if (auto error = parser.parse(simdjson::padded_string(body)).get(root); error) {
    return invalid(fmt::format("the response is not JSON: {}", simdjson::error_message(error)));
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return wrong_json_type("the response", "an object", root);
  }
  return object;
}

// SQS writes every attribute value as a string of decimal digits.
Result<int64_t> decimal(std::string_view text, const std::string& path) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
    return invalid(fmt::format("{}: '{}' is not a decimal number", path, text));
  }
  return value;
}

// The string member `key` of the attribute map read as a number; nullopt when absent.
Result<std::optional<int64_t>> decimal_attribute(const JsonFields& attributes,
                                                 std::string_view key) {
  auto text = attributes.optional_string(key);
  if (!text) return tl::unexpected(text.error());
  if (!*text) return std::optional<int64_t>();
  auto value = decimal(**text, attributes.path(key));
  if (!value) return tl::unexpected(value.error());
  return std::optional<int64_t>(*value);
}

Result<int> bounded_int(int64_t value, const std::string& path) {
  if (value > std::numeric_limits<int>::max()) {
    return invalid(fmt::format("{}: {} is out of range", path, value));
  }
  return static_cast<int>(value);
}

Result<SqsMessage> read_message(const JsonFields& fields) {
  SqsMessage message;
  for (auto [key, out] : {std::pair<const char*, std::string*>{"MessageId", &message.message_id},
                          {"ReceiptHandle", &message.receipt_handle},
                          {"Body", &message.body}}) {
    auto text = fields.required_string(key);
    if (!text) return tl::unexpected(text.error());
    *out = std::move(*text);
  }
  auto attributes_object = fields.member("Attributes");
  if (!attributes_object) return message;
  simdjson::dom::object object;
  if (attributes_object->get_object().get(object) != simdjson::SUCCESS) {
    return wrong_json_type(fields.path("Attributes"), "an object", *attributes_object);
  }
  const JsonFields attributes(object, fields.path("Attributes"));
  auto count = decimal_attribute(attributes, "ApproximateReceiveCount");
  if (!count) return tl::unexpected(count.error());
  if (*count) {
    auto bounded = bounded_int(**count, attributes.path("ApproximateReceiveCount"));
    if (!bounded) return tl::unexpected(bounded.error());
    message.receive_count = *bounded;
  }
  for (auto [key, out] : {std::pair<const char*, std::optional<Timestamp>*>{
                              "SentTimestamp", &message.sent_at},
                          {"ApproximateFirstReceiveTimestamp", &message.first_received_at}}) {
    auto ms = decimal_attribute(attributes, key);
    if (!ms) return tl::unexpected(ms.error());
    if (*ms) *out = Timestamp(std::chrono::milliseconds(**ms));
  }
  return message;
}

Result<SqsBatchResult> parse_batch_response(std::string_view body) {
  simdjson::dom::parser parser;
  auto object = parse_object(parser, body);
  if (!object) return tl::unexpected(object.error());
  const JsonFields fields(*object, "");
  SqsBatchResult result;
  Status successful = fields.for_each_object(
      "Successful", [&](simdjson::dom::object entry, const std::string& path) -> Status {
        auto id = JsonFields(entry, path).required_string("Id");
        if (!id) return tl::unexpected(id.error());
        result.successful.push_back(std::move(*id));
        return {};
      });
  if (!successful) return tl::unexpected(successful.error());
  Status failed = fields.for_each_object(
      "Failed", [&](simdjson::dom::object entry, const std::string& path) -> Status {
        const JsonFields failure(entry, path);
        SqsBatchFailure out;
        auto id = failure.required_string("Id");
        if (!id) return tl::unexpected(id.error());
        auto code = failure.required_string("Code");
        if (!code) return tl::unexpected(code.error());
        auto message = failure.string_or_empty("Message");
        if (!message) return tl::unexpected(message.error());
        auto sender_fault = failure.required_bool("SenderFault");
        if (!sender_fault) return tl::unexpected(sender_fault.error());
        result.failed.push_back(
            SqsBatchFailure{std::move(*id), std::move(*code), std::move(*message), *sender_fault});
        return {};
      });
  if (!failed) return tl::unexpected(failed.error());
  return result;
}

// Ids SQS accepts: 1 to 80 of A-Z a-z 0-9 - _. Checked here, since SQS refuses a whole batch
// for one bad or repeated id.
Status check_batch_ids(const std::vector<SqsEntry>& batch) {
  std::set<std::string_view> seen;
  for (const SqsEntry& entry : batch) {
    const bool valid_id =
        !entry.id.empty() && entry.id.size() <= 80 &&
        std::all_of(entry.id.begin(), entry.id.end(), [](unsigned char c) {
          return std::isalnum(c) || c == '-' || c == '_';
        });
    if (!valid_id) {
      return invalid(fmt::format(
          "batch entry id '{}' is not 1 to 80 letters, digits, hyphens or underscores",
          entry.id));
    }
    if (!seen.insert(entry.id).second) {
      return invalid(fmt::format("batch entry id '{}' is used twice in one batch", entry.id));
    }
  }
  return {};
}

}  // namespace

std::string SqsQueue::name() const {
  std::string_view path(url);
  path = path.substr(0, path.find_first_of("?#"));
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return std::string(path.substr(path.rfind('/') + 1));
}

std::optional<Region> region_of_queue_url(std::string_view url) {
  auto host = host_of(url);
  if (!host) return std::nullopt;
  std::string_view name(*host);
  std::string_view region;
  if (name == "queue.amazonaws.com") {
    region = "us-east-1";  // the oldest endpoint, before regions were in the host
  } else if (name.starts_with("sqs.") &&
             (name.ends_with(".amazonaws.com") || name.ends_with(".amazonaws.com.cn"))) {
    name.remove_prefix(4);
    region = name.substr(0, name.find('.'));
  } else if (name.ends_with(".queue.amazonaws.com")) {
    region = name.substr(0, name.find('.'));
  } else {
    return std::nullopt;
  }
  auto parsed = Region::parse(region);
  if (!parsed) return std::nullopt;
  return *parsed;
}

// --- Requests and answers ---

std::string receive_message_request(const SqsQueue& queue, const SqsReceiveOptions& options) {
  Document names = Document::array();
  for (const char* name : kMessageAttributes) names.push_back(name);
  Document request = queue_document(queue);
  request["MaxNumberOfMessages"] = options.max_messages;
  request["WaitTimeSeconds"] = options.wait.count();
  request["VisibilityTimeout"] = options.visibility.count();
  request["MessageSystemAttributeNames"] = names;
  request["AttributeNames"] = names;
  return request.dump();
}

Result<std::vector<SqsMessage>> parse_receive_message_response(std::string_view body) {
  simdjson::dom::parser parser;
  auto object = parse_object(parser, body);
  if (!object) return tl::unexpected(object.error());
  std::vector<SqsMessage> messages;
  Status read = JsonFields(*object, "").for_each_object(
      "Messages", [&](simdjson::dom::object item, const std::string& path) -> Status {
        auto message = read_message(JsonFields(item, path));
        if (!message) return tl::unexpected(message.error());
        messages.push_back(std::move(*message));
        return {};
      });
  if (!read) return tl::unexpected(read.error());
  return messages;
}

std::string delete_message_batch_request(const SqsQueue& queue,
                                         const std::vector<SqsEntry>& entries) {
  Document list = Document::array();
  for (const SqsEntry& entry : entries) {
    list.push_back(Document{{"Id", entry.id}, {"ReceiptHandle", entry.receipt_handle}});
  }
  Document request = queue_document(queue);
  request["Entries"] = std::move(list);
  return request.dump();
}

Result<SqsBatchResult> parse_delete_message_batch_response(std::string_view body) {
  return parse_batch_response(body);
}

std::string change_message_visibility_batch_request(const SqsQueue& queue,
                                                    const std::vector<SqsEntry>& entries,
                                                    std::chrono::seconds visibility) {
  Document list = Document::array();
  for (const SqsEntry& entry : entries) {
    list.push_back(Document{{"Id", entry.id},
                            {"ReceiptHandle", entry.receipt_handle},
                            {"VisibilityTimeout", visibility.count()}});
  }
  Document request = queue_document(queue);
  request["Entries"] = std::move(list);
  return request.dump();
}

Result<SqsBatchResult> parse_change_message_visibility_batch_response(std::string_view body) {
  return parse_batch_response(body);
}

std::string get_queue_attributes_request(const SqsQueue& queue) {
  Document names = Document::array();
  for (const char* name : kQueueAttributes) names.push_back(name);
  Document request = queue_document(queue);
  request["AttributeNames"] = std::move(names);
  return request.dump();
}

Result<SqsQueueAttributes> parse_get_queue_attributes_response(std::string_view body) {
  simdjson::dom::parser parser;
  auto object = parse_object(parser, body);
  if (!object) return tl::unexpected(object.error());
  auto map = JsonFields(*object, "").required_object("Attributes");
  if (!map) return tl::unexpected(map.error());
  const JsonFields attributes(*map, "Attributes");

  SqsQueueAttributes out;
  auto arn = attributes.required_string("QueueArn");
  if (!arn) return tl::unexpected(arn.error());
  out.arn = std::move(*arn);
  auto visibility = decimal_attribute(attributes, "VisibilityTimeout");
  if (!visibility) return tl::unexpected(visibility.error());
  if (*visibility) out.visibility_timeout = std::chrono::seconds(**visibility);
  for (auto [key, count] : {std::pair<const char*, int64_t*>{"ApproximateNumberOfMessages",
                                                            &out.visible},
                            {"ApproximateNumberOfMessagesNotVisible", &out.in_flight}}) {
    auto value = decimal_attribute(attributes, key);
    if (!value) return tl::unexpected(value.error());
    if (*value) *count = **value;
  }

  auto redrive_text = attributes.optional_string("RedrivePolicy");
  if (!redrive_text) return tl::unexpected(redrive_text.error());
  if (!*redrive_text || (*redrive_text)->empty()) return out;
  // The policy is JSON inside the string; its own paths hang off the attribute's.
  const std::string redrive_path = attributes.path("RedrivePolicy");
  simdjson::dom::parser redrive_parser;
  simdjson::dom::element redrive_root;
  if (auto error = redrive_parser.parse(**redrive_text).get(redrive_root); error) {
    return invalid(fmt::format("{}: the string is not JSON: {}", redrive_path,
                               simdjson::error_message(error)));
  }
  simdjson::dom::object redrive_object;
  if (redrive_root.get_object().get(redrive_object) != simdjson::SUCCESS) {
    return wrong_json_type(redrive_path, "an object", redrive_root);
  }
  const JsonFields redrive(redrive_object, redrive_path);
  auto target = redrive.required_string("deadLetterTargetArn");
  if (!target) return tl::unexpected(target.error());
  out.dead_letter_arn = std::move(*target);
  // SQS has written maxReceiveCount both as a number and as a string of digits.
  auto count_text = redrive.decimal_text("maxReceiveCount");
  if (!count_text) return tl::unexpected(count_text.error());
  if (count_text->empty()) return invalid(redrive.path("maxReceiveCount") + ": missing");
  auto count = decimal(*count_text, redrive.path("maxReceiveCount"));
  if (!count) return tl::unexpected(count.error());
  auto bounded = bounded_int(*count, redrive.path("maxReceiveCount"));
  if (!bounded) return tl::unexpected(bounded.error());
  out.max_receive_count = *bounded;
  return out;
}

// --- The client ---

SqsClient::SqsClient(QueryClient& client) : client_(client) {}

Result<std::string> SqsClient::call(const AwsCredentials& credentials, const SqsQueue& queue,
                                    const char* action, std::string body) {
  auto answer = client_.call_json(JsonCall{"sqs", queue.region.str(),
                                           fmt::format("AmazonSQS.{}", action), action,
                                           std::move(body), JsonVersion::k1_0},
                                  &credentials);
  // The QueryClient's message names the call and the region; the queue is added here.
  if (!answer) return tl::unexpected(answer.error().within(fmt::format("queue {}", queue.name())));
  return answer;
}

Result<std::vector<SqsMessage>> SqsClient::receive(const AwsCredentials& credentials,
                                                   const SqsQueue& queue,
                                                   const SqsReceiveOptions& options) {
  const std::string where = fmt::format("sqs:ReceiveMessage of queue {}", queue.name());
  if (options.max_messages < 1 || options.max_messages > 10) {
    return invalid(fmt::format("{}: max_messages {} is not 1 to 10", where, options.max_messages));
  }
  if (options.wait.count() < 0 || options.wait.count() > 20) {
    return invalid(fmt::format("{}: a wait of {} s is not 0 to 20 s", where, options.wait.count()));
  }
  if (options.visibility.count() < 0 || options.visibility.count() > 43200) {
    return invalid(fmt::format("{}: a visibility timeout of {} s is not 0 to 43200 s", where,
                               options.visibility.count()));
  }
  auto body = call(credentials, queue, "ReceiveMessage", receive_message_request(queue, options));
  if (!body) return tl::unexpected(body.error());
  auto messages = parse_receive_message_response(*body);
  if (!messages) return tl::unexpected(messages.error().within(where));
  return messages;
}

namespace {

// Sends `entries` in batches of 10 through `send_batch` and gathers every failure.
template <typename SendBatch>
Result<std::vector<SqsBatchFailure>> in_batches(const std::vector<SqsEntry>& entries,
                                                const std::string& where, SendBatch send_batch) {
  std::vector<std::vector<SqsEntry>> batches;
  for (size_t start = 0; start < entries.size(); start += kMaxBatch) {
    const size_t end = std::min(entries.size(), start + kMaxBatch);
    batches.emplace_back(entries.begin() + static_cast<std::ptrdiff_t>(start),
                         entries.begin() + static_cast<std::ptrdiff_t>(end));
    if (Status ids = check_batch_ids(batches.back()); !ids) {
      return tl::unexpected(ids.error().within(where));
    }
  }
  std::vector<SqsBatchFailure> failures;
  for (const std::vector<SqsEntry>& batch : batches) {
    Result<SqsBatchResult> result = send_batch(batch);
    if (!result) return tl::unexpected(result.error());
    std::set<std::string> answered(result->successful.begin(), result->successful.end());
    for (SqsBatchFailure& failure : result->failed) {
      answered.insert(failure.id);
      failures.push_back(std::move(failure));
    }
    for (const SqsEntry& entry : batch) {
      if (!answered.contains(entry.id)) {
        failures.push_back(SqsBatchFailure{
            entry.id, "NoResult", "the answer named this entry neither successful nor failed",
            false});
      }
    }
  }
  return failures;
}

}  // namespace

Result<std::vector<SqsBatchFailure>> SqsClient::delete_messages(
    const AwsCredentials& credentials, const SqsQueue& queue,
    const std::vector<SqsEntry>& entries) {
  const std::string where = fmt::format("sqs:DeleteMessageBatch of queue {}", queue.name());
  return in_batches(entries, where, [&](const std::vector<SqsEntry>& batch)
                                        -> Result<SqsBatchResult> {
    auto body = call(credentials, queue, "DeleteMessageBatch",
                     delete_message_batch_request(queue, batch));
    if (!body) return tl::unexpected(body.error());
    auto result = parse_delete_message_batch_response(*body);
    if (!result) return tl::unexpected(result.error().within(where));
    return result;
  });
}

Result<std::vector<SqsBatchFailure>> SqsClient::change_visibility(
    const AwsCredentials& credentials, const SqsQueue& queue,
    const std::vector<SqsEntry>& entries, std::chrono::seconds visibility) {
  const std::string where =
      fmt::format("sqs:ChangeMessageVisibilityBatch of queue {}", queue.name());
  if (visibility.count() < 0 || visibility.count() > 43200) {
    return invalid(fmt::format("{}: a visibility timeout of {} s is not 0 to 43200 s", where,
                               visibility.count()));
  }
  return in_batches(entries, where, [&](const std::vector<SqsEntry>& batch)
                                        -> Result<SqsBatchResult> {
    auto body = call(credentials, queue, "ChangeMessageVisibilityBatch",
                     change_message_visibility_batch_request(queue, batch, visibility));
    if (!body) return tl::unexpected(body.error());
    auto result = parse_change_message_visibility_batch_response(*body);
    if (!result) return tl::unexpected(result.error().within(where));
    return result;
  });
}

Result<SqsQueueAttributes> SqsClient::attributes(const AwsCredentials& credentials,
                                                 const SqsQueue& queue) {
  auto body = call(credentials, queue, "GetQueueAttributes", get_queue_attributes_request(queue));
  if (!body) return tl::unexpected(body.error());
  auto attributes = parse_get_queue_attributes_response(*body);
  if (!attributes) {
    return tl::unexpected(
        attributes.error().within(fmt::format("sqs:GetQueueAttributes of queue {}", queue.name())));
  }
  return attributes;
}

}  // namespace sgwatch
