// SNS -> SQS: queue subscriptions confirmed at once, the signed envelope or the raw message
// enqueued synchronously, dropped deliveries counted.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include "emulator/sqs/sqs_test_support.h"

namespace sgwatch::emulator::sqs_testing::sns_sqs_test {
namespace {

bool signature_verifies(const nlohmann::ordered_json& message, const std::string& pem) {
  const std::string encoded = message["Signature"];
  std::vector<unsigned char> signature(encoded.size() / 4 * 3 + 3);
  int n = EVP_DecodeBlock(signature.data(), reinterpret_cast<const unsigned char*>(encoded.data()),
                          static_cast<int>(encoded.size()));
  if (n < 0) return false;
  signature.resize(static_cast<size_t>(n) - (encoded.ends_with("==") ? 2 : encoded.ends_with("=") ? 1 : 0));
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) return false;
  EVP_PKEY* key = X509_get_pubkey(cert);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const std::string text = sns_string_to_sign(message);
  const bool ok =
      EVP_DigestVerifyInit(context, nullptr,
                           message["SignatureVersion"] == "2" ? EVP_sha256() : EVP_sha1(), nullptr,
                           key) == 1 &&
      EVP_DigestVerify(context, signature.data(), signature.size(),
                       reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1;
  EVP_MD_CTX_free(context);
  EVP_PKEY_free(key);
  X509_free(cert);
  return ok;
}

class SnsToSqsTest : public SqsTest {
 protected:
  void SetUp() override {
    SqsTest::SetUp();
    topic_ = *emulator_->sns().create_topic(kRegion, kAccount, "config-topic");
    url_ = make_queue("config-queue");
    queue_arn_ = *sqs().arn_of(url_);
  }
  XmlReply sns_call(Params params) {
    params.emplace("Version", "2010-03-31");
    const Response response = emulator_->handle(
        signed_request("sns", "/", trail_testing::form(params),
                       "application/x-www-form-urlencoded; charset=utf-8", "", {}, kRegion));
    XmlReply reply;
    reply.status = response.status;
    reply.body = response.body;
    EXPECT_TRUE(reply.doc.load_string(reply.body.c_str())) << reply.body;
    return reply;
  }
  std::string topic_;
  std::string url_;
  std::string queue_arn_;
};

TEST_F(SnsToSqsTest, EnvelopeIsSignedAsForHttpAndEnqueuedAtOnce) {
  auto arn = emulator_->sns().subscribe(topic_, queue_arn_, "sqs");
  ASSERT_TRUE(arn) << arn.error().message;
  auto listed = emulator_->sns().subscriptions(topic_);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0].confirmed);
  EXPECT_EQ(listed[0].protocol, "sqs");
  EXPECT_TRUE(sqs().bodies(url_).empty());  // no SubscriptionConfirmation for a queue

  auto id = emulator_->sns().publish(topic_, R"({"configurationItem": {}})", "changed");
  ASSERT_TRUE(id);
  auto bodies = sqs().bodies(url_);  // synchronous: already there
  ASSERT_EQ(bodies.size(), 1u);
  const auto envelope = nlohmann::ordered_json::parse(bodies[0]);
  EXPECT_EQ(envelope["Type"], "Notification");
  EXPECT_EQ(envelope["MessageId"], *id);
  EXPECT_EQ(envelope["TopicArn"], topic_);
  EXPECT_EQ(envelope["Subject"], "changed");
  EXPECT_EQ(envelope["Message"], R"({"configurationItem": {}})");
  EXPECT_EQ(envelope["SigningCertURL"], emulator_->sns().certificate_url());
  EXPECT_EQ(envelope["UnsubscribeURL"],
            emulator_->endpoint() + "/?Action=Unsubscribe&SubscriptionArn=" + *arn);
  EXPECT_TRUE(signature_verifies(envelope, emulator_->sns().certificate_pem()));
  EXPECT_EQ(emulator_->sns().queue_deliveries(), 1u);
  EXPECT_TRUE(emulator_->sns().deliveries().empty());  // no HTTP attempt
}

TEST_F(SnsToSqsTest, RawDeliveryEnqueuesTheMessageAlone) {
  auto arn = emulator_->sns().subscribe(topic_, queue_arn_, "sqs", true);
  ASSERT_TRUE(arn);
  ASSERT_TRUE(emulator_->sns().publish(topic_, "just this"));
  EXPECT_EQ(sqs().bodies(url_), std::vector<std::string>{"just this"});

  ASSERT_TRUE(emulator_->sns().set_subscription_attribute(*arn, "RawMessageDelivery", "false"));
  ASSERT_TRUE(emulator_->sns().publish(topic_, "wrapped"));
  auto bodies = sqs().bodies(url_);
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(bodies[1])["Message"], "wrapped");
  EXPECT_FALSE(emulator_->sns().set_subscription_attribute(*arn, "RawMessageDelivery", "maybe"));
}

TEST_F(SnsToSqsTest, ThroughTheQueryApiWithAttributes) {
  XmlReply subscribed = sns_call({{"Action", "Subscribe"},
                                  {"TopicArn", topic_},
                                  {"Protocol", "sqs"},
                                  {"Endpoint", queue_arn_},
                                  {"Attributes.entry.1.key", "RawMessageDelivery"},
                                  {"Attributes.entry.1.value", "true"}});
  ASSERT_EQ(subscribed.status, 200) << subscribed.body;
  const std::string arn = subscribed.text("/SubscribeResponse/SubscribeResult/SubscriptionArn");
  EXPECT_TRUE(arn.starts_with(topic_ + ":")) << arn;

  XmlReply attributes = sns_call({{"Action", "GetSubscriptionAttributes"}, {"SubscriptionArn", arn}});
  ASSERT_EQ(attributes.status, 200) << attributes.body;
  EXPECT_EQ(attributes.text("//entry[key='RawMessageDelivery']/value"), "true");
  EXPECT_EQ(attributes.text("//entry[key='Endpoint']/value"), queue_arn_);
  EXPECT_EQ(attributes.text("//entry[key='PendingConfirmation']/value"), "false");

  XmlReply set = sns_call({{"Action", "SetSubscriptionAttributes"}, {"SubscriptionArn", arn},
                           {"AttributeName", "RawMessageDelivery"}, {"AttributeValue", "false"}});
  EXPECT_EQ(set.status, 200) << set.body;
  EXPECT_FALSE(emulator_->sns().subscriptions(topic_)[0].raw_message_delivery);

  XmlReply bad = sns_call({{"Action", "Subscribe"}, {"TopicArn", topic_}, {"Protocol", "sqs"},
                           {"Endpoint", "not-an-arn"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.text("//Code"), "InvalidParameter");
}

TEST_F(SnsToSqsTest, MissingQueueDropsAndCounts) {
  ASSERT_TRUE(emulator_->sns().subscribe(topic_, "arn:aws:sqs:eu-west-1:111122223333:gone", "sqs"));
  ASSERT_TRUE(emulator_->sns().publish(topic_, "lost"));
  EXPECT_EQ(emulator_->sns().dropped_queue_deliveries(), 1u);
  EXPECT_EQ(emulator_->sns().queue_deliveries(), 0u);
}

TEST_F(SnsToSqsTest, ConfigItemsReachTheQueueThroughTheTopic) {
  ASSERT_TRUE(emulator_->sns().subscribe(topic_, queue_arn_, "sqs"));
  emulator_->config().deliver_to(kRegion, topic_);
  auto group = emulator_->ec2().create_group(kAccount, kRegion, "web", "web tier", "", {});
  ASSERT_TRUE(group);
  // The Config recorder sees calls made through the API, so change the group through it.
  const Response created = emulator_->handle(signed_request(
      "ec2", "/",
      trail_testing::form({{"Action", "AuthorizeSecurityGroupIngress"},
                           {"Version", "2016-11-15"},
                           {"GroupId", *group},
                           {"IpPermissions.1.IpProtocol", "tcp"},
                           {"IpPermissions.1.FromPort", "22"},
                           {"IpPermissions.1.ToPort", "22"},
                           {"IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"}}),
      "application/x-www-form-urlencoded; charset=utf-8", "", {}, kRegion));
  ASSERT_EQ(created.status, 200) << created.body;
  auto bodies = sqs().bodies(url_);
  ASSERT_FALSE(bodies.empty());
  const auto envelope = nlohmann::json::parse(bodies.back());
  const auto item = nlohmann::json::parse(envelope["Message"].get<std::string>());
  EXPECT_EQ(item["messageType"], "ConfigurationItemChangeNotification");
  EXPECT_EQ(item["configurationItem"]["resourceId"], *group);
}

}  // namespace
}  // namespace sgwatch::emulator::sqs_testing::sns_sqs_test
