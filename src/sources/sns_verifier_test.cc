#include "sources/sns_verifier.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/time_format.h"
#include "sources/sns_signature.h"
#include "temp_dir.h"

namespace sgwatch::sns_verifier_test {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const std::string kGenuineDir =
    std::string(SGWATCH_TEST_DATA_DIR) + "/sns/aws-sdk-java-v2_sns-message-manager";
const std::string kSyntheticDir =
    std::string(SGWATCH_TEST_DATA_DIR) + "/sns/bobf_action_mailbox_amazon_ingress";
const std::string kSyntheticCertName =
    "SimpleNotificationService-a86cb10b4e1f29c941702d737128f7b6.pem";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// A message file parsed after `edit` changed its JSON.
SnsMessage load(const std::string& path,
                const std::function<void(nlohmann::json&)>& edit = nullptr) {
  nlohmann::json doc = nlohmann::json::parse(read(path));
  if (edit) edit(doc);
  auto message = parse_sns_message(doc.dump(), path);
  EXPECT_TRUE(message) << message.error().message;
  return message.value_or(SnsMessage{});
}

SnsMessage genuine(const std::string& file,
                   const std::function<void(nlohmann::json&)>& edit = nullptr) {
  return load(kGenuineDir + "/" + file, edit);
}

auto set(const std::string& key, const std::string& value) {
  return [key, value](nlohmann::json& doc) { doc[key] = value; };
}

const std::string kWithSubject = "test-notification-with-subject.json";
const std::string kId = "26858270-545e-5848-82a2-e05566af3dcf";
const std::string kTopic = "arn:aws:sns:us-west-2:131990247566:dongie-standard-topic";

class SnsVerifierTest : public ::testing::Test {
 protected:
  // The genuine certificate directory is the cache: its file is named as the URL says.
  SnsCertificates aws_certificates_{kGenuineDir, nullptr};

  // Verifies at 10 minutes after the message's own Timestamp, unless told otherwise.
  Result<SnsVerified> verify(const SnsMessage& message, SnsVerifyOptions options = {},
                             std::optional<Timestamp> now = std::nullopt) {
    SnsVerifier verifier(std::move(options), aws_certificates_);
    return verifier.verify(message, now.value_or(message.timestamp + minutes(10)));
  }
  // The error message, or "verified".
  std::string outcome(const SnsMessage& message, SnsVerifyOptions options = {},
                      std::optional<Timestamp> now = std::nullopt) {
    auto verified = verify(message, std::move(options), now);
    return verified ? "verified" : verified.error().message;
  }
  std::string rejection(const std::string& check, const std::string& why) {
    return "SNS message " + kId + " from " + kTopic + " failed the " + check + " check: " + why;
  }
};

TEST_F(SnsVerifierTest, GenuineMessagesVerify) {
  const std::map<std::string, std::string> algorithms = {
      {"test-notification-with-subject.json", "SHA1withRSA"},
      {"test-notification-no-subject.json", "SHA1withRSA"},
      {"test-notification-signature-v2.json", "SHA256withRSA"},
      {"test-subscription-confirmation.json", "SHA1withRSA"},
      {"test-unsubscribe-confirmation.json", "SHA256withRSA"},
  };
  for (const auto& [file, algorithm] : algorithms) {
    auto verified = verify(genuine(file));
    ASSERT_TRUE(verified) << file << ": " << verified.error().message;
    EXPECT_EQ(verified->signature_algorithm, algorithm) << file;
    EXPECT_EQ(verified->certificate_file,
              "SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem");
  }
}

TEST_F(SnsVerifierTest, TamperedMessagesAreRejectedByTheRightCheck) {
  const std::string mismatch =
      rejection("signature", "the SHA1withRSA signature does not match the signed fields");
  EXPECT_EQ(outcome(genuine(kWithSubject, [](nlohmann::json& doc) {
              std::string text = doc["Message"];
              text[0] = 'J';
              doc["Message"] = text;
            })),
            mismatch);
  EXPECT_EQ(outcome(genuine(kWithSubject, set("Timestamp", "2026-03-06T19:53:22.424Z"))),
            mismatch);
  EXPECT_EQ(outcome(genuine(kWithSubject, set("Subject", "Another subject"))), mismatch);
  EXPECT_EQ(outcome(genuine(kWithSubject, set("TopicArn", kTopic + "-2"))),
            "SNS message " + kId + " from " + kTopic +
                "-2 failed the signature check: the SHA1withRSA signature does not match the "
                "signed fields");

  const std::string name = "/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem";
  const std::vector<std::pair<std::string, std::string>> urls = {
      {"http://sns.us-west-2.amazonaws.com" + name, "is not https"},
      {"https://sns.x.amazonaws.com.evil.com" + name, "is not on an SNS host"},
      {"https://s3.amazonaws.com/some-bucket" + name, "is not on an SNS host"},
      {"https://sns.us-west-2.amazonaws.com/SimpleNotificationService.cer",
       "does not name a .pem file"},
  };
  for (const auto& [url, why] : urls) {
    EXPECT_EQ(outcome(genuine(kWithSubject, set("SigningCertURL", url))),
              rejection("certificate URL", "SigningCertURL '" + url + "' " + why +
                                               (why == "is not on an SNS host"
                                                    ? " (sns.<region>.amazonaws.com[.cn])"
                                                    : "")));
  }

  EXPECT_EQ(outcome(genuine(kWithSubject, set("SignatureVersion", "3"))),
            rejection("signature version", "SignatureVersion '3' is not supported (only 1 and 2)"));
  EXPECT_EQ(outcome(genuine(kWithSubject, set("SignatureVersion", "2"))),
            rejection("signature", "the SHA256withRSA signature does not match the signed fields"));
  SnsMessage v2_as_v1 = genuine("test-notification-signature-v2.json", set("SignatureVersion", "1"));
  auto swapped = verify(v2_as_v1);
  ASSERT_FALSE(swapped);
  EXPECT_NE(swapped.error().message.find(
                "failed the signature check: the SHA1withRSA signature does not match"),
            std::string::npos);
  EXPECT_EQ(outcome(genuine(kWithSubject, set("Signature", ""))),
            rejection("signature", "the Signature is empty"));
}

TEST_F(SnsVerifierTest, AMissingSignatureFieldIsAParseError) {
  nlohmann::json doc = nlohmann::json::parse(read(kGenuineDir + "/" + kWithSubject));
  doc.erase("Signature");
  auto parsed = parse_sns_message(doc.dump(), "body");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "body: Signature: missing");
}

TEST_F(SnsVerifierTest, TopicAllowList) {
  SnsVerifyOptions options;
  options.allowed_topics = std::vector<std::string>{"arn:aws:sns:eu-*:*:*", "*:dongie-*"};
  EXPECT_EQ(outcome(genuine(kWithSubject), options), "verified");
  options.allowed_topics = std::vector<std::string>{"arn:aws:sns:eu-*:*:*"};
  EXPECT_EQ(outcome(genuine(kWithSubject), options),
            rejection("topic", "the topic is not one of the allowed topics"));
  options.allowed_topics = std::vector<std::string>{};  // configured, but empty: nothing
  EXPECT_FALSE(verify(genuine(kWithSubject), options));
}

TEST_F(SnsVerifierTest, AgeAndFutureSkew) {
  const SnsMessage message = genuine(kWithSubject);  // 2026-03-06T19:53:21.424Z
  SnsVerifyOptions options;
  EXPECT_TRUE(verify(message, options, message.timestamp + hours(1)));
  EXPECT_EQ(outcome(message, options, *parse_time("2026-03-06T20:53:21.425Z")),
            rejection("age", "it was sent at 2026-03-06T19:53:21.424Z, 1h1ms before "
                             "2026-03-06T20:53:21.425Z, more than the 1h allowed"));
  options.max_age = hours(2);
  EXPECT_TRUE(verify(message, options, message.timestamp + hours(2)));

  EXPECT_TRUE(verify(message, options, message.timestamp - minutes(5)));
  EXPECT_EQ(outcome(message, options, *parse_time("2026-03-06T19:43:21.424Z")),
            rejection("age", "it claims to be sent at 2026-03-06T19:53:21.424Z, 10m after "
                             "2026-03-06T19:43:21.424Z, more than the 5m of clock skew allowed"));
}

TEST_F(SnsVerifierTest, ACertificateMissingFromTheOfflineCache) {
  testing::TempDir empty;
  SnsCertificates offline(empty.path(), nullptr);
  SnsVerifier verifier({}, offline);
  const SnsMessage message = genuine(kWithSubject);
  auto verified = verifier.verify(message, message.timestamp);
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(verified.error().message.starts_with(
      rejection("certificate", "the certificate 'SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem' "
                               "is not in the cache directory")))
      << verified.error().message;
}

TEST_F(SnsVerifierTest, TheCertificateMustBeValidNow) {
  SnsVerifyOptions options;
  options.max_age = hours(24 * 365);
  EXPECT_EQ(outcome(genuine(kWithSubject), options, *parse_time("2026-10-15T00:00:00Z")),
            rejection("certificate validity",
                      "the certificate is valid from 2025-11-10T00:00:00Z to "
                      "2026-10-14T23:59:59Z, not at 2026-10-15T00:00:00Z"));
  EXPECT_TRUE(verify(genuine(kWithSubject), options, *parse_time("2026-10-14T23:00:00Z")));
}

class SnsVerifierSyntheticTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::copy_file(kSyntheticDir + "/certificate.pem",
                               dir_.file(kSyntheticCertName));
  }
  testing::TempDir dir_;
  SnsCertificates certificates_{dir_.path(), nullptr};
  // Signed in 2020 by a key whose certificate was re-issued for 2024-05-15..2025-05-15.
  const Timestamp now_ = *parse_time("2024-06-01T00:00:00Z");
  SnsVerifyOptions options() {
    SnsVerifyOptions options;
    options.max_age = hours(24 * 2000);
    return options;
  }
};

TEST_F(SnsVerifierSyntheticTest, SignaturesWithLineBreaksMatchButTheCertificateWasNotValidAtSigning) {
  const std::string pem = read(kSyntheticDir + "/certificate.pem");
  SnsVerifier verifier(options(), certificates_);
  for (const char* file : {"inbound_email.json", "inbound_email_s3.json", "valid_signature.json",
                           "recognized_topic_subscription_request.json",
                           "unrecognized_topic_subscription_request.json"}) {
    const SnsMessage message = load(kSyntheticDir + "/" + file);
    EXPECT_TRUE(check_sns_signature(message, pem)) << file;
    // Valid now, but not when the message says it was signed: refused.
    auto verified = verifier.verify(message, now_);
    ASSERT_FALSE(verified) << file;
    EXPECT_NE(verified.error().message.find(
                  "failed the certificate validity check: the certificate is valid from "
                  "2024-05-15T14:06:54Z to 2025-05-15T14:06:54Z, not at 2020-"),
              std::string::npos)
        << verified.error().message;
  }
  auto invalid = check_sns_signature(load(kSyntheticDir + "/invalid_signature.json"), pem);
  ASSERT_FALSE(invalid);
  EXPECT_NE(invalid.error().message.find("the SHA1withRSA signature does not match"),
            std::string::npos)
      << invalid.error().message;
}

TEST_F(SnsVerifierTest, TheTestOnlyUrlIsTrustedOnlyWhenConfigured) {
  testing::TempDir dir;
  const std::string name = "SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem";
  // The test server serves the certificate; it is never looked for in, or written to, the
  // cache directory.
  struct Server final : HttpTransport {
    TransportResult<HttpResponse> send(const HttpRequest& request) override {
      urls.push_back(request.url);
      return HttpResponse{200, {}, read(kGenuineDir + "/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem")};
    }
    std::vector<std::string> urls;
  } server;
  SnsCertificates certificates(dir.path(), &server);
  const std::string trusted = "http://127.0.0.1:4566/sns/" + name;
  // The URL is not signed, so the message still verifies with the certificate behind it.
  SnsMessage message = genuine(kWithSubject, set("SigningCertURL", trusted));
  const Timestamp now = message.timestamp + minutes(1);

  auto untrusted = SnsVerifier({}, certificates).verify(message, now);
  ASSERT_FALSE(untrusted);
  EXPECT_NE(untrusted.error().message.find("failed the certificate URL check: SigningCertURL '" +
                                           trusted + "' is not https"),
            std::string::npos)
      << untrusted.error().message;

  SnsVerifyOptions configured;
  configured.test_only_trusted_cert_url = trusted;
  auto verified = SnsVerifier(configured, certificates).verify(message, now);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->certificate_file, name);

  EXPECT_EQ(server.urls, std::vector<std::string>{trusted});
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));

  // Only that exact URL: another loopback port is still refused, and not fetched.
  message.signing_cert_url = "http://127.0.0.1:4567/sns/" + name;
  EXPECT_FALSE(SnsVerifier(configured, certificates).verify(message, now));
  EXPECT_EQ(server.urls.size(), 1u);
}

EnvLookup env_with(std::optional<std::string> value) {
  return [value](const std::string& name) -> std::optional<std::string> {
    if (name == kTestOnlyTrustSnsCertUrlVariable) return value;
    return std::nullopt;
  };
}

TEST(SnsTestOnlyTrust, UnsetMeansNone) {
  auto url = test_only_trusted_cert_url(env_with(std::nullopt));
  ASSERT_TRUE(url);
  EXPECT_EQ(*url, "");
  EXPECT_EQ(test_only_trusted_cert_url(env_with("")).value_or("x"), "");
}

TEST(SnsTestOnlyTrust, AcceptsLoopbackPemUrls) {
  for (const char* value : {"http://127.0.0.1:4566/SimpleNotificationService-test.pem",
                            "https://localhost/a/b.pem", "http://[::1]:8080/cert.pem"}) {
    auto url = test_only_trusted_cert_url(env_with(value));
    ASSERT_TRUE(url) << value << ": " << url.error().message;
    EXPECT_EQ(*url, value);
  }
}

TEST(SnsTestOnlyTrust, RefusesAnythingElse) {
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"http://sns.us-east-1.amazonaws.com/x.pem", "is not on a loopback host"},
      {"https://example.com/x.pem", "is not on a loopback host"},
      {"http://127.0.0.1.example.com/x.pem", "is not on a loopback host"},
      {"http://127.0.0.1:4566/cert.txt", "does not name a .pem file"},
      {"http://127.0.0.1:4566/x.pem?a=b", "has user information, a query or a fragment"},
      {"ftp://127.0.0.1/x.pem", "is not an http or https URL"},
      {"garbage", "is not a valid absolute URL"},
  };
  for (const auto& [value, why] : refused) {
    auto url = test_only_trusted_cert_url(env_with(value));
    ASSERT_FALSE(url) << value;
    EXPECT_TRUE(url.error().message.starts_with("SGWATCH_TEST_ONLY_TRUST_SNS_CERT_URL"))
        << url.error().message;
    EXPECT_NE(url.error().message.find(why), std::string::npos) << url.error().message;
  }
}

}  // namespace
}  // namespace sgwatch::sns_verifier_test
