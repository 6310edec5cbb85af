#include "sources/sns_message.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/time_format.h"
#include "sources/sns_signature.h"

namespace sgwatch::sns_message_test {
namespace {

std::string genuine(const std::string& name) {
  std::ifstream in(std::string(SGWATCH_TEST_DATA_DIR) +
                   "/sns/aws-sdk-java-v2_sns-message-manager/" + name);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// The genuine notification with one member changed (or removed when `value` is absent).
std::string with(const std::string& file, const std::string& key,
                 std::optional<nlohmann::json> value) {
  nlohmann::json doc = nlohmann::json::parse(genuine(file));
  if (value) {
    doc[key] = *value;
  } else {
    doc.erase(key);
  }
  return doc.dump();
}

std::string parse_error(const std::string& body) {
  auto parsed = parse_sns_message(body, "delivery.json");
  if (parsed) return "parsed";
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidInput);
  return parsed.error().message;
}

TEST(SnsMessage, ParsesANotificationWithASubject) {
  auto message =
      parse_sns_message(genuine("test-notification-with-subject.json"), "with-subject.json");
  ASSERT_TRUE(message) << message.error().message;
  EXPECT_EQ(message->type, SnsMessageType::kNotification);
  EXPECT_EQ(message->message_id, "26858270-545e-5848-82a2-e05566af3dcf");
  EXPECT_EQ(message->topic_arn, "arn:aws:sns:us-west-2:131990247566:dongie-standard-topic");
  EXPECT_EQ(message->subject, "My message subject");
  EXPECT_EQ(message->message, "Hello! This message has a subject.");
  EXPECT_EQ(message->timestamp_text, "2026-03-06T19:53:21.424Z");
  EXPECT_EQ(message->timestamp, *parse_time("2026-03-06T19:53:21.424Z"));
  EXPECT_EQ(message->signature_version, "1");
  EXPECT_TRUE(message->signature.starts_with("jvNSgHVOF9KUOKI3bmQZ"));
  EXPECT_EQ(message->signing_cert_url,
            "https://sns.us-west-2.amazonaws.com/"
            "SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem");
  EXPECT_TRUE(message->unsubscribe_url.starts_with(
      "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="));
  EXPECT_TRUE(message->subscribe_url.empty());
  EXPECT_TRUE(message->token.empty());
}

TEST(SnsMessage, ASubjectIsOptionalAndNullMeansAbsent) {
  auto plain = parse_sns_message(genuine("test-notification-no-subject.json"), "x");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->subject, std::nullopt);
  auto null_subject = parse_sns_message(
      with("test-notification-with-subject.json", "Subject", nullptr), "x");
  ASSERT_TRUE(null_subject) << null_subject.error().message;
  EXPECT_EQ(null_subject->subject, std::nullopt);
  auto empty_subject =
      parse_sns_message(with("test-notification-with-subject.json", "Subject", ""), "x");
  ASSERT_TRUE(empty_subject);
  EXPECT_EQ(empty_subject->subject, "");
}

TEST(SnsMessage, ParsesConfirmationsWithTokenAndSubscribeUrl) {
  auto subscribe = parse_sns_message(genuine("test-subscription-confirmation.json"), "x");
  ASSERT_TRUE(subscribe) << subscribe.error().message;
  EXPECT_EQ(subscribe->type, SnsMessageType::kSubscriptionConfirmation);
  EXPECT_TRUE(subscribe->token.starts_with("2336412f37fb687f"));
  EXPECT_TRUE(subscribe->subscribe_url.starts_with(
      "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn="));
  EXPECT_TRUE(subscribe->unsubscribe_url.empty());  // a confirmation has none
  // The JSON "\n" escape is decoded: the signed text holds a real line break.
  EXPECT_NE(subscribe->message.find(".\nTo confirm the subscription"), std::string::npos);

  auto unsubscribe = parse_sns_message(genuine("test-unsubscribe-confirmation.json"), "x");
  ASSERT_TRUE(unsubscribe) << unsubscribe.error().message;
  EXPECT_EQ(unsubscribe->type, SnsMessageType::kUnsubscribeConfirmation);
  EXPECT_EQ(unsubscribe->signature_version, "2");
  EXPECT_FALSE(unsubscribe->token.empty());
}

TEST(SnsMessage, TypeNames) {
  EXPECT_STREQ(to_string(SnsMessageType::kNotification), "Notification");
  EXPECT_STREQ(to_string(SnsMessageType::kSubscriptionConfirmation), "SubscriptionConfirmation");
  EXPECT_STREQ(to_string(SnsMessageType::kUnsubscribeConfirmation), "UnsubscribeConfirmation");
}

TEST(SnsMessage, ErrorsNameTheSourceAndTheField) {
  const std::string notification = "test-notification-with-subject.json";
  EXPECT_TRUE(parse_error("{\"Type\": ").starts_with("delivery.json: malformed JSON: "));
  EXPECT_EQ(parse_error("[1, 2]"),
            "delivery.json: expected a JSON object at the top level, got array");
  EXPECT_EQ(parse_error(with(notification, "Signature", std::nullopt)),
            "delivery.json: Signature: missing");
  EXPECT_EQ(parse_error(with(notification, "SigningCertURL", nullptr)),
            "delivery.json: SigningCertURL: missing");
  EXPECT_EQ(parse_error(with(notification, "MessageId", 42)),
            "delivery.json: MessageId: expected a string, got integer");
  EXPECT_EQ(parse_error(with(notification, "Type", "Notice")),
            "delivery.json: Type: 'Notice' is not an SNS message type (Notification, "
            "SubscriptionConfirmation or UnsubscribeConfirmation)");
  EXPECT_TRUE(parse_error(with(notification, "Timestamp", "yesterday"))
                  .starts_with("delivery.json: Timestamp: "));
  EXPECT_EQ(parse_error(with(notification, "Subject", true)),
            "delivery.json: Subject: expected a string, got boolean");
  EXPECT_EQ(parse_error(with("test-subscription-confirmation.json", "Token", std::nullopt)),
            "delivery.json: Token: missing");
  EXPECT_EQ(parse_error(with("test-unsubscribe-confirmation.json", "SubscribeURL", std::nullopt)),
            "delivery.json: SubscribeURL: missing");
}

TEST(SnsMessage, ALineBreakOutsideMessageIsRefusedSoNoFieldCanBorrowAnother) {
  // Moving the Subject into the MessageId keeps the string to sign the same, so the
  // genuine signature would pass under a new MessageId and beat the replay check.
  nlohmann::json doc = nlohmann::json::parse(genuine("test-notification-with-subject.json"));
  auto original = parse_sns_message(doc.dump(), "original");
  ASSERT_TRUE(original);
  doc["MessageId"] = doc["MessageId"].get<std::string>() + "\nSubject\n" +
                     doc["Subject"].get<std::string>();
  doc.erase("Subject");
  SnsMessage spliced = *original;
  spliced.message_id = doc["MessageId"];
  spliced.subject.reset();
  ASSERT_EQ(sns_string_to_sign(spliced), sns_string_to_sign(*original));

  EXPECT_EQ(parse_error(doc.dump()), "delivery.json: MessageId holds a control character");
  EXPECT_EQ(parse_error(with("test-notification-with-subject.json", "Subject", "a\rb")),
            "delivery.json: Subject holds a control character");
  EXPECT_EQ(parse_error(with("test-subscription-confirmation.json", "Token", "t\tx")),
            "delivery.json: Token holds a control character");
}

}  // namespace
}  // namespace sgwatch::sns_message_test
