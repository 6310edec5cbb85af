// The JSON envelope SNS POSTs to an HTTP(S) subscriber (and puts on an SQS queue when raw
// delivery is off): a notification or a subscription/unsubscription confirmation.
// Parsing only checks the shape; whether the message is genuine is sns_verifier.h's job, so
// nothing here may be acted on before it passes SnsVerifier::verify.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"

namespace sgwatch {

enum class SnsMessageType { kNotification, kSubscriptionConfirmation, kUnsubscribeConfirmation };

// "Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation": the Type values SNS
// sends, which are also the text that is signed.
const char* to_string(SnsMessageType type);

struct SnsMessage {
  SnsMessageType type = SnsMessageType::kNotification;
  std::string message_id;
  std::string topic_arn;
  std::optional<std::string> subject;  // notifications only, and only when published with one
  std::string message;         // decoded JSON string value (may itself be JSON text)
  std::string timestamp_text;  // exactly as sent: it is part of the string to sign
  Timestamp timestamp;         // parsed from timestamp_text
  std::string signature_version;  // as sent, e.g. "1"
  std::string signature;          // base64 as sent (line breaks kept)
  std::string signing_cert_url;
  std::string unsubscribe_url;  // may be empty for confirmations; not signed
  std::string subscribe_url;    // confirmations only
  std::string token;            // confirmations only
};

// Parses a delivery body. Errors start with "`source`: " and name the field: malformed
// JSON, not an object, a missing or non-string required field, an unknown Type, a bad
// Timestamp. A member that is null counts as missing. Required: Type, MessageId, TopicArn,
// Message, Timestamp, SignatureVersion, Signature, SigningCertURL, and for confirmations
// SubscribeURL and Token. Members SNS does not send are ignored.
Result<SnsMessage> parse_sns_message(std::string_view body, std::string_view source);

}  // namespace sgwatch
