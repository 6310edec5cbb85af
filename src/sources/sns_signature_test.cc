#include "sources/sns_signature.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/time_format.h"

namespace sgwatch::sns_signature_test {
namespace {

const std::string kGenuineDir =
    std::string(SGWATCH_TEST_DATA_DIR) + "/sns/aws-sdk-java-v2_sns-message-manager/";
const std::string kSyntheticDir =
    std::string(SGWATCH_TEST_DATA_DIR) + "/sns/bobf_action_mailbox_amazon_ingress/";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string aws_certificate() {
  return read(kGenuineDir + "SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem");
}
std::string synthetic_certificate() { return read(kSyntheticDir + "certificate.pem"); }

SnsMessage load(const std::string& path) {
  auto message = parse_sns_message(read(path), path);
  EXPECT_TRUE(message) << message.error().message;
  return message.value_or(SnsMessage{});
}

std::string signature_error(const SnsMessage& message, const std::string& pem) {
  Status checked = check_sns_signature(message, pem);
  return checked ? "verified" : checked.error().message;
}

const std::vector<std::string> kGenuine = {
    "test-notification-with-subject.json", "test-notification-no-subject.json",
    "test-notification-signature-v2.json", "test-subscription-confirmation.json",
    "test-unsubscribe-confirmation.json"};

TEST(SnsSignature, StringToSignForANotification) {
  SnsMessage message;
  message.type = SnsMessageType::kNotification;
  message.message = "line one\nline two";
  message.message_id = "id-1";
  message.subject = "Hi";
  message.timestamp_text = "2026-03-06T19:53:21.424Z";
  message.topic_arn = "arn:aws:sns:us-west-2:111122223333:t";
  message.token = "ignored";
  message.subscribe_url = "ignored";
  EXPECT_EQ(sns_string_to_sign(message),
            "Message\nline one\nline two\nMessageId\nid-1\nSubject\nHi\n"
            "Timestamp\n2026-03-06T19:53:21.424Z\nTopicArn\narn:aws:sns:us-west-2:111122223333:t\n"
            "Type\nNotification\n");
  message.subject.reset();
  EXPECT_EQ(sns_string_to_sign(message),
            "Message\nline one\nline two\nMessageId\nid-1\n"
            "Timestamp\n2026-03-06T19:53:21.424Z\nTopicArn\narn:aws:sns:us-west-2:111122223333:t\n"
            "Type\nNotification\n");
}

TEST(SnsSignature, StringToSignForAConfirmation) {
  SnsMessage message;
  message.type = SnsMessageType::kUnsubscribeConfirmation;
  message.message = "m";
  message.message_id = "id";
  message.subject = "not signed for confirmations";
  message.subscribe_url = "https://sub";
  message.timestamp_text = "t";
  message.token = "tok";
  message.topic_arn = "arn";
  EXPECT_EQ(sns_string_to_sign(message),
            "Message\nm\nMessageId\nid\nSubscribeURL\nhttps://sub\nTimestamp\nt\nToken\ntok\n"
            "TopicArn\narn\nType\nUnsubscribeConfirmation\n");
}

TEST(SnsSignature, AlgorithmPerVersion) {
  EXPECT_EQ(sns_signature_algorithm("1").value_or(""), "SHA1withRSA");
  EXPECT_EQ(sns_signature_algorithm("2").value_or(""), "SHA256withRSA");
  for (const char* version : {"3", "", "01", "2 "}) {
    auto algorithm = sns_signature_algorithm(version);
    ASSERT_FALSE(algorithm) << version;
    EXPECT_EQ(algorithm.error().message,
              "SignatureVersion '" + std::string(version) + "' is not supported (only 1 and 2)");
  }
}

TEST(SnsSignature, CertUrlRuleAcceptsSnsHosts) {
  for (const char* url : {
           "https://sns.us-west-2.amazonaws.com/"
           "SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem",
           "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem",
           "https://sns.us-gov-west-1.amazonaws.com:443/x/y.pem",
       }) {
    Status checked = check_signing_cert_url(url);
    EXPECT_TRUE(checked) << url << ": " << checked.error().message;
  }
}

TEST(SnsSignature, CertUrlRuleRefusesEverythingElse) {
  const std::string path = "/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem";
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"http://sns.us-west-2.amazonaws.com" + path, "is not https"},
      {"https://sns.x.amazonaws.com.evil.com" + path, "is not on an SNS host"},
      {"https://sns.us-west-2.amazonaws.com.evil.com" + path, "is not on an SNS host"},
      {"https://s3.amazonaws.com/bucket" + path, "is not on an SNS host"},
      {"https://evil.com/sns.us-west-2.amazonaws.com" + path, "is not on an SNS host"},
      {"https://sns.ab.amazonaws.com" + path, "is not on an SNS host"},
      {"https://sns.us.west.amazonaws.com" + path, "is not on an SNS host"},
      {"https://sns.us-west-2.amazonaws.com/SimpleNotificationService.crt",
       "does not name a .pem file"},
      {"https://sns.us-west-2.amazonaws.com/", "does not name a .pem file"},
      {"https://user@sns.us-west-2.amazonaws.com" + path, "carries user information"},
      {"https://sns.us-west-2.amazonaws.com:8443" + path, "names port 8443, not 443"},
      {"https://sns.us-west-2.amazonaws.com" + path + "?x=1", "has a query or a fragment"},
      {"https://sns.us-west-2.amazonaws.com" + path + "#frag", "has a query or a fragment"},
      {"not a url", "is not a valid absolute URL"},
      {"", "is not a valid absolute URL"},
  };
  for (const auto& [url, why] : refused) {
    Status checked = check_signing_cert_url(url);
    ASSERT_FALSE(checked) << url;
    EXPECT_NE(checked.error().message.find(why), std::string::npos)
        << url << ": " << checked.error().message;
    EXPECT_TRUE(checked.error().message.starts_with("SigningCertURL")) << checked.error().message;
  }
}

TEST(SnsSignature, CertUrlFileName) {
  auto url = parse_sns_cert_url("https://sns.eu-west-1.amazonaws.com/a/b/Cert-1.pem");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->file_name(), "Cert-1.pem");
  EXPECT_EQ(url->host, "sns.eu-west-1.amazonaws.com");
  EXPECT_FALSE(url->port);
}

TEST(SnsSignature, GenuineAwsMessagesVerify) {
  for (const std::string& file : kGenuine) {
    EXPECT_EQ(signature_error(load(kGenuineDir + file), aws_certificate()), "verified") << file;
  }
}

TEST(SnsSignature, SyntheticMessagesWithLineBrokenBase64Verify) {
  for (const char* file : {"inbound_email.json", "inbound_email_s3.json", "valid_signature.json",
                           "recognized_topic_subscription_request.json",
                           "unrecognized_topic_subscription_request.json"}) {
    SnsMessage message = load(kSyntheticDir + file);
    EXPECT_NE(message.signature.find('\n'), std::string::npos) << file;
    EXPECT_EQ(signature_error(message, synthetic_certificate()), "verified") << file;
  }
  EXPECT_EQ(signature_error(load(kSyntheticDir + "invalid_signature.json"),
                            synthetic_certificate()),
            "the SHA1withRSA signature does not match the signed fields");
}

TEST(SnsSignature, AnyChangeToASignedFieldBreaksTheSignature) {
  const std::string mismatch = "the SHA1withRSA signature does not match the signed fields";
  SnsMessage message = load(kGenuineDir + "test-notification-with-subject.json");
  SnsMessage changed = message;
  changed.message[0] ^= 1;
  EXPECT_EQ(signature_error(changed, aws_certificate()), mismatch);
  changed = message;
  changed.timestamp_text = "2026-03-06T19:53:21.425Z";
  EXPECT_EQ(signature_error(changed, aws_certificate()), mismatch);
  changed = message;
  changed.topic_arn = "arn:aws:sns:us-west-2:131990247566:other-topic";
  EXPECT_EQ(signature_error(changed, aws_certificate()), mismatch);
  changed = message;
  changed.subject.reset();
  EXPECT_EQ(signature_error(changed, aws_certificate()), mismatch);
  // The signing certificate's key, not any key, must have signed it.
  EXPECT_EQ(signature_error(message, synthetic_certificate()), mismatch);
}

TEST(SnsSignature, TheVersionPicksTheDigest) {
  SnsMessage v1 = load(kGenuineDir + "test-notification-no-subject.json");
  v1.signature_version = "2";
  EXPECT_EQ(signature_error(v1, aws_certificate()),
            "the SHA256withRSA signature does not match the signed fields");
  SnsMessage v2 = load(kGenuineDir + "test-notification-signature-v2.json");
  v2.signature_version = "1";
  EXPECT_EQ(signature_error(v2, aws_certificate()),
            "the SHA1withRSA signature does not match the signed fields");
  v2.signature_version = "3";
  EXPECT_EQ(signature_error(v2, aws_certificate()),
            "SignatureVersion '3' is not supported (only 1 and 2)");
}

TEST(SnsSignature, UnreadableSignaturesAndCertificates) {
  SnsMessage message = load(kGenuineDir + "test-notification-no-subject.json");
  SnsMessage changed = message;
  changed.signature = "";
  EXPECT_EQ(signature_error(changed, aws_certificate()), "the Signature is empty");
  changed.signature = " \n ";
  EXPECT_EQ(signature_error(changed, aws_certificate()), "the Signature is empty");
  changed.signature = "not*base64!";
  EXPECT_EQ(signature_error(changed, aws_certificate()), "the Signature is not valid base64");
  changed.signature = "AAAA";  // valid base64, far too short for RSA-2048
  EXPECT_EQ(signature_error(changed, aws_certificate()),
            "the SHA1withRSA signature does not match the signed fields");
  EXPECT_TRUE(signature_error(message, "hello").starts_with("the certificate is not PEM text"));
}

TEST(SnsSignature, CertificateValidityWindow) {
  auto validity = certificate_validity(aws_certificate());
  ASSERT_TRUE(validity) << validity.error().message;
  EXPECT_EQ(format_utc(validity->not_before), "2025-11-10T00:00:00Z");
  EXPECT_EQ(format_utc(validity->not_after), "2026-10-14T23:59:59Z");

  EXPECT_TRUE(check_certificate_validity(aws_certificate(), *parse_time("2026-03-06T20:00:00Z")));
  EXPECT_TRUE(check_certificate_validity(aws_certificate(), validity->not_before));
  EXPECT_TRUE(check_certificate_validity(aws_certificate(), validity->not_after));
  Status late = check_certificate_validity(aws_certificate(),
                                           validity->not_after + std::chrono::milliseconds(1));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().message,
            "the certificate is valid from 2025-11-10T00:00:00Z to 2026-10-14T23:59:59Z, not at "
            "2026-10-14T23:59:59.001Z");
  EXPECT_FALSE(check_certificate_validity(aws_certificate(), *parse_time("2025-11-09")));
}

TEST(SnsSignature, ACertificateFileHoldsExactlyOneCertificate) {
  EXPECT_TRUE(certificate_validity("\n" + synthetic_certificate() + "\n\n"));
  auto two = certificate_validity(aws_certificate() + synthetic_certificate());
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().message, "the certificate file holds more than one PEM block");
  auto prefixed = certificate_validity("junk\n" + aws_certificate());
  ASSERT_FALSE(prefixed);
  EXPECT_TRUE(prefixed.error().message.starts_with("the certificate is not PEM text"));
  std::string broken = aws_certificate();
  broken[100] = '!';
  auto unreadable = certificate_validity(broken);
  ASSERT_FALSE(unreadable);
  EXPECT_TRUE(unreadable.error().message.starts_with("the certificate cannot be read"))
      << unreadable.error().message;
}

}  // namespace
}  // namespace sgwatch::sns_signature_test
