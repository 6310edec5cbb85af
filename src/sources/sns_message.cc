#include "sources/sns_message.h"

#include <utility>
#include <vector>

#include <simdjson.h>

#include "core/json_element.h"
#include "core/time_format.h"

namespace sgwatch {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::element;
using simdjson::dom::object;

Result<std::optional<std::string>> optional_string(object obj, std::string_view key) {
  element value;
  if (obj.at_key(key).get(value) != SUCCESS || value.is_null()) {
    return std::optional<std::string>();
  }
  std::string_view text;
  if (value.get_string().get(text) != SUCCESS) {
    return wrong_json_type(std::string(key), "a string", value);
  }
  return std::optional<std::string>(std::string(text));
}

Result<std::string> required_string(object obj, std::string_view key) {
  auto text = optional_string(obj, key);
  if (!text) return tl::unexpected(text.error());
  if (!*text) return invalid(std::string(key) + ": missing");
  return std::move(**text);
}

Result<SnsMessageType> parse_type(const std::string& text) {
  for (SnsMessageType type :
       {SnsMessageType::kNotification, SnsMessageType::kSubscriptionConfirmation,
        SnsMessageType::kUnsubscribeConfirmation}) {
    if (text == to_string(type)) return type;
  }
  return invalid("Type: '" + text +
                 "' is not an SNS message type (Notification, SubscriptionConfirmation or "
                 "UnsubscribeConfirmation)");
}

Result<SnsMessage> parse_object(object obj) {
  SnsMessage message;
  auto type_text = required_string(obj, "Type");
  if (!type_text) return tl::unexpected(type_text.error());
  auto type = parse_type(*type_text);
  if (!type) return tl::unexpected(type.error());
  message.type = *type;
  const bool confirmation = message.type != SnsMessageType::kNotification;

  struct Required {
    const char* key;
    std::string* out;
  };
  std::vector<Required> required = {
      {"MessageId", &message.message_id},
      {"TopicArn", &message.topic_arn},
      {"Message", &message.message},
      {"Timestamp", &message.timestamp_text},
      {"SignatureVersion", &message.signature_version},
      {"Signature", &message.signature},
      {"SigningCertURL", &message.signing_cert_url},
  };
  if (confirmation) {
    required.push_back({"SubscribeURL", &message.subscribe_url});
    required.push_back({"Token", &message.token});
  }
  for (const Required& field : required) {
    auto text = required_string(obj, field.key);
    if (!text) return tl::unexpected(text.error());
    *field.out = std::move(*text);
  }

  auto unsubscribe = optional_string(obj, "UnsubscribeURL");
  if (!unsubscribe) return tl::unexpected(unsubscribe.error());
  message.unsubscribe_url = unsubscribe->value_or("");
  // Only a notification's Subject is signed; a confirmation carries none, and one that
  // appeared there would be unsigned text, so it is not read.
  if (!confirmation) {
    auto subject = optional_string(obj, "Subject");
    if (!subject) return tl::unexpected(subject.error());
    message.subject = std::move(*subject);
  }

  // The string to sign joins fields with line breaks, so a line break inside one could
  // move text from one field to another (a Subject into the MessageId) and keep the
  // signature valid. Only Message may hold them; SNS allows them nowhere else.
  const std::pair<const char*, const std::string*> single_line[] = {
      {"MessageId", &message.message_id},       {"TopicArn", &message.topic_arn},
      {"Timestamp", &message.timestamp_text},   {"SignatureVersion", &message.signature_version},
      {"SigningCertURL", &message.signing_cert_url}, {"SubscribeURL", &message.subscribe_url},
      {"Token", &message.token},                {"UnsubscribeURL", &message.unsubscribe_url},
      {"Subject", message.subject ? &*message.subject : nullptr}};
  for (const auto& [key, value] : single_line) {
    if (value == nullptr) continue;
    for (unsigned char c : *value) {
      if (c < 0x20 || c == 0x7f) {
        return invalid(std::string(key) + " holds a control character");
      }
    }
  }

  auto timestamp = parse_time(message.timestamp_text);
  if (!timestamp) return tl::unexpected(timestamp.error().within("Timestamp"));
  message.timestamp = *timestamp;
  return message;
}

}  // namespace

const char* to_string(SnsMessageType type) {
  switch (type) {
    case SnsMessageType::kNotification:
      return "Notification";
    case SnsMessageType::kSubscriptionConfirmation:
      return "SubscriptionConfirmation";
    case SnsMessageType::kUnsubscribeConfirmation:
      return "UnsubscribeConfirmation";
  }
  return "?";
}

Result<SnsMessage> parse_sns_message(std::string_view body, std::string_view source) {
  const std::string where(source);
  simdjson::dom::parser parser;
  const simdjson::padded_string text(body);
  element root;
  if (auto error = parser.parse(text).get(root); error) {
    return tl::unexpected(
        Error{ErrorCode::kInvalidInput,
              std::string("malformed JSON: ") + simdjson::error_message(error)}
            .within(where));
  }
  object obj;
  if (root.get_object().get(obj) != SUCCESS) {
    return tl::unexpected(Error{ErrorCode::kInvalidInput,
                                std::string("expected a JSON object at the top level, got ") +
                                    json_type_name(root)}
                              .within(where));
  }
  auto message = parse_object(obj);
  if (!message) return tl::unexpected(message.error().within(where));
  return message;
}

}  // namespace sgwatch
