#include "emulator/sns/sns_signer.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

namespace sgwatch::emulator::sns_signer_test {
namespace {

const std::string kData = std::string(SGWATCH_TEST_DATA_DIR) + "/emulator_sns/";

std::string read_file(const std::string& name) {
  std::ifstream in(kData + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<unsigned char> base64_decode(const std::string& text) {
  std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return {};
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

X509* load_certificate(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

// What a subscriber does: verify `signature` over `text` with the certificate's key,
// SHA1withRSA for version "1", SHA256withRSA for "2".
bool verifies(const std::string& pem, const std::string& text, const std::string& signature,
              const std::string& version) {
  X509* cert = load_certificate(pem);
  if (cert == nullptr) return false;
  EVP_PKEY* key = X509_get_pubkey(cert);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const std::vector<unsigned char> bytes = base64_decode(signature);
  const bool ok =
      EVP_DigestVerifyInit(context, nullptr, version == "2" ? EVP_sha256() : EVP_sha1(),
                           nullptr, key) == 1 &&
      EVP_DigestVerify(context, bytes.data(), bytes.size(),
                       reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1;
  EVP_MD_CTX_free(context);
  EVP_PKEY_free(key);
  X509_free(cert);
  return ok;
}

TEST(SnsStringToSignTest, FollowsSnsKeyOrderPerType) {
  nlohmann::ordered_json notification = {{"Type", "Notification"},   {"MessageId", "m-1"},
                                         {"TopicArn", "arn:t"},      {"Subject", "s"},
                                         {"Message", "hello\nworld"}, {"Timestamp", "T"},
                                         {"SignatureVersion", "1"},  {"UnsubscribeURL", "u"}};
  EXPECT_EQ(sns_string_to_sign(notification),
            "Message\nhello\nworld\nMessageId\nm-1\nSubject\ns\nTimestamp\nT\nTopicArn\narn:t\n"
            "Type\nNotification\n");
  notification.erase("Subject");  // left out entirely when absent
  EXPECT_EQ(sns_string_to_sign(notification),
            "Message\nhello\nworld\nMessageId\nm-1\nTimestamp\nT\nTopicArn\narn:t\nType\n"
            "Notification\n");

  const nlohmann::ordered_json confirmation = {
      {"Type", "SubscriptionConfirmation"}, {"MessageId", "m-2"}, {"Token", "tok"},
      {"TopicArn", "arn:t"}, {"Message", "m"}, {"SubscribeURL", "http://x/"},
      {"Timestamp", "T"}};
  EXPECT_EQ(sns_string_to_sign(confirmation),
            "Message\nm\nMessageId\nm-2\nSubscribeURL\nhttp://x/\nTimestamp\nT\nToken\ntok\n"
            "TopicArn\narn:t\nType\nSubscriptionConfirmation\n");
}

// The same function over real SNS deliveries must give the strings SNS signed: each
// real signature verifies against SNS's real certificate.
TEST(SnsStringToSignTest, MatchesWhatRealSnsSigned) {
  const std::string pem = read_file("SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem");
  ASSERT_FALSE(pem.empty());
  for (const char* name : {"test-notification-with-subject.json", "test-notification-signature-v2.json",
                           "test-subscription-confirmation.json",
                           "test-unsubscribe-confirmation.json"}) {
    const auto message = nlohmann::ordered_json::parse(read_file(name));
    EXPECT_TRUE(verifies(pem, sns_string_to_sign(message), message["Signature"],
                         message["SignatureVersion"]))
        << name;
  }
}

TEST(SnsSignerTest, SignsVersionOneWithSha1AndVersionTwoWithSha256) {
  SystemClock clock;
  SnsSigner signer(clock);
  const std::string pem = signer.certificate_pem();
  ASSERT_NE(pem.find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  const std::string text = "Message\nhi\nMessageId\nm\nTimestamp\nT\nTopicArn\na\nType\nNotification\n";

  const std::string v1 = signer.sign(text, "1");
  const std::string v2 = signer.sign(text, "2");
  EXPECT_EQ(base64_decode(v1).size(), 256u);  // RSA 2048
  EXPECT_TRUE(verifies(pem, text, v1, "1"));
  EXPECT_TRUE(verifies(pem, text, v2, "2"));
  EXPECT_FALSE(verifies(pem, text, v1, "2"));
  EXPECT_FALSE(verifies(pem, text, v2, "1"));
  EXPECT_FALSE(verifies(pem, text + "x", v1, "1"));
  // The key is made once: the certificate does not change.
  EXPECT_EQ(signer.certificate_pem(), pem);
}

TEST(SnsSignerTest, CertificateNamesSnsAndFollowsTheClock) {
  // 2030-01-02T03:04:05Z
  ManualClock clock(Timestamp(std::chrono::milliseconds(1893553445000)));
  SnsSigner signer(clock);
  X509* cert = load_certificate(signer.certificate_pem());
  ASSERT_NE(cert, nullptr);
  char name[256];
  X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof name);
  EXPECT_STREQ(name, "/CN=sns.amazonaws.com");
  // Valid from a day before the clock's now to a year after.
  time_t before = 1893553445 - 24 * 3600 - 1;
  time_t after = 1893553445 - 24 * 3600 + 1;
  EXPECT_GT(X509_cmp_time(X509_get0_notBefore(cert), &before), 0);
  EXPECT_LT(X509_cmp_time(X509_get0_notBefore(cert), &after), 0);
  time_t year = 1893553445 + 365 * 24 * 3600 - 1;
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(cert), &year), 0);
  X509_free(cert);
}

}  // namespace
}  // namespace sgwatch::emulator::sns_signer_test
