#include "emulator/sns/sns_service.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <httplib.h>

#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "webhook_receiver.h"

namespace sgwatch::emulator::sns_service_test {
namespace {

using std::chrono::seconds;
using testing::ReceivedRequest;
using testing::WebhookReceiver;

constexpr char kAccount[] = "111122223333";
constexpr char kRegion[] = "eu-west-1";

std::vector<unsigned char> base64_decode(const std::string& text) {
  std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return {};
  size_t padding = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

// Verifies a delivered envelope as a subscriber would, with the PEM it fetched.
bool signature_verifies(const nlohmann::ordered_json& message, const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) return false;
  EVP_PKEY* key = X509_get_pubkey(cert);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const std::string text = sns_string_to_sign(message);
  const auto signature = base64_decode(message["Signature"]);
  const bool ok = EVP_DigestVerifyInit(context, nullptr,
                                       message["SignatureVersion"] == "2" ? EVP_sha256()
                                                                          : EVP_sha1(),
                                       nullptr, key) == 1 &&
                  EVP_DigestVerify(context, signature.data(), signature.size(),
                                   reinterpret_cast<const unsigned char*>(text.data()),
                                   text.size()) == 1;
  EVP_MD_CTX_free(context);
  EVP_PKEY_free(key);
  X509_free(cert);
  return ok;
}

std::vector<std::string> keys_of(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys;
}

nlohmann::ordered_json real_message(const std::string& name) {
  std::ifstream in(std::string(SGWATCH_TEST_DATA_DIR) + "/emulator_sns/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::ordered_json::parse(text.str());
}

// A loopback port that nothing listens on: bound, never listened on, then closed.
int unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// An endpoint that answers 500 to its first `failures` requests, then 200.
class FlakyEndpoint {
 public:
  explicit FlakyEndpoint(int failures) : failures_(failures) {
    server_.Post(".*", [this](const httplib::Request&, httplib::Response& res) {
      res.status = ++seen_ <= failures_ ? 500 : 200;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FlakyEndpoint() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/sns"; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  int failures_;
  std::atomic<int> seen_{0};
};

class SnsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = Emulator::start(EmulatorOptions{}, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    auto topic = sns().create_topic(kRegion, kAccount, "alerts");
    ASSERT_TRUE(topic);
    topic_ = *topic;
  }
  SnsService& sns() { return emulator_->sns(); }

  // GETs a URL the emulator handed out (SubscribeURL, UnsubscribeURL, SigningCertURL).
  httplib::Result fetch(const std::string& url) {
    httplib::Client client("127.0.0.1", emulator_->port());
    const std::string prefix = emulator_->endpoint();
    EXPECT_TRUE(url.starts_with(prefix)) << url;
    return client.Get(url.substr(prefix.size()));
  }

  // Subscribes the receiver and confirms through the SubscribeURL it got.
  std::string subscribe_confirmed(WebhookReceiver& receiver, const std::string& path = "/sns") {
    const size_t before = receiver.count();
    auto arn = sns().subscribe(topic_, receiver.url(path));
    EXPECT_TRUE(arn);
    EXPECT_TRUE(receiver.wait_for_count(before + 1, seconds(5)));
    auto confirmation = nlohmann::ordered_json::parse(receiver.bodies().back());
    auto answer = fetch(confirmation["SubscribeURL"]);
    EXPECT_TRUE(answer && answer->status == 200);
    return arn ? *arn : "";
  }

  SystemClock clock_;
  std::unique_ptr<Emulator> emulator_;
  std::string topic_;
};

TEST_F(SnsServiceTest, TopicsAreIdempotentByName) {
  EXPECT_EQ(topic_, "arn:aws:sns:eu-west-1:111122223333:alerts");
  EXPECT_EQ(*sns().create_topic(kRegion, kAccount, "alerts"), topic_);
  EXPECT_FALSE(sns().create_topic(kRegion, kAccount, "bad name!"));
  auto missing = sns().publish(topic_ + "-missing", "x");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "NotFound");
  EXPECT_FALSE(sns().set_topic_attribute(topic_, "SignatureVersion", "3"));
}

TEST_F(SnsServiceTest, ConfirmationIsSignedAndSubscribeUrlConfirmsWithoutSignature) {
  WebhookReceiver receiver;
  auto arn = sns().subscribe(topic_, receiver.url("/sns"));
  ASSERT_TRUE(arn);
  EXPECT_TRUE(arn->starts_with(topic_ + ":"));
  ASSERT_TRUE(receiver.wait_for_count(1, seconds(5)));
  const ReceivedRequest request = receiver.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/sns");
  EXPECT_EQ(request.header("x-amz-sns-message-type"), "SubscriptionConfirmation");
  EXPECT_EQ(request.header("x-amz-sns-topic-arn"), topic_);
  EXPECT_EQ(request.header("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(request.header("User-Agent"), "Amazon Simple Notification Service Agent");

  const auto message = nlohmann::ordered_json::parse(request.body);
  EXPECT_EQ(keys_of(message), keys_of(real_message("test-subscription-confirmation.json")));
  EXPECT_EQ(request.header("x-amz-sns-message-id"), message["MessageId"]);
  EXPECT_EQ(message["SignatureVersion"], "1");
  EXPECT_EQ(message["SigningCertURL"], sns().certificate_url());
  EXPECT_EQ(sns().certificate_url(),
            emulator_->endpoint() + "/_emulator/sns/SimpleNotificationService-emulator.pem");
  const std::string timestamp = message["Timestamp"];
  EXPECT_EQ(timestamp.size(), 24u) << timestamp;  // 2026-03-06T19:31:32.895Z
  const std::string subscribe_url = message["SubscribeURL"];
  EXPECT_EQ(subscribe_url, emulator_->endpoint() + "/?Action=ConfirmSubscription&TopicArn=" +
                               topic_ + "&Token=" + message["Token"].get<std::string>());

  auto pem = fetch(message["SigningCertURL"]);
  ASSERT_TRUE(pem);
  EXPECT_EQ(pem->body, sns().certificate_pem());
  EXPECT_TRUE(signature_verifies(message, pem->body));

  EXPECT_FALSE(sns().subscriptions(topic_)[0].confirmed);
  auto confirmed = fetch(subscribe_url);
  ASSERT_TRUE(confirmed);
  EXPECT_EQ(confirmed->status, 200) << confirmed->body;
  EXPECT_NE(confirmed->body.find("<ConfirmSubscriptionResponse"), std::string::npos);
  EXPECT_NE(confirmed->body.find("<SubscriptionArn>" + *arn + "</SubscriptionArn>"),
            std::string::npos)
      << confirmed->body;
  EXPECT_TRUE(sns().subscriptions(topic_)[0].confirmed);

  // A wrong token confirms nothing.
  auto wrong = fetch(emulator_->endpoint() + "/?Action=ConfirmSubscription&TopicArn=" + topic_ +
                     "&Token=nope");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 400);
  EXPECT_NE(wrong->body.find("<Code>InvalidParameter</Code>"), std::string::npos);
}

TEST_F(SnsServiceTest, NotificationsGoOnlyToConfirmedSubscriptions) {
  WebhookReceiver confirmed_receiver;
  WebhookReceiver pending_receiver;
  const std::string arn = subscribe_confirmed(confirmed_receiver);
  ASSERT_TRUE(sns().subscribe(topic_, pending_receiver.url("/pending")));
  ASSERT_TRUE(pending_receiver.wait_for_count(1, seconds(5)));
  ASSERT_TRUE(sns().set_topic_attribute(topic_, "SignatureVersion", "2"));

  auto id = sns().publish(topic_, "{\"a\": 1}", "sg changed");
  ASSERT_TRUE(id);
  ASSERT_TRUE(confirmed_receiver.wait_for_count(2, seconds(5)));
  const ReceivedRequest request = confirmed_receiver.requests()[1];
  EXPECT_EQ(request.header("x-amz-sns-message-type"), "Notification");
  EXPECT_EQ(request.header("x-amz-sns-subscription-arn"), arn);
  const auto message = nlohmann::ordered_json::parse(request.body);
  EXPECT_EQ(keys_of(message), keys_of(real_message("test-notification-with-subject.json")));
  EXPECT_EQ(message["MessageId"], *id);
  EXPECT_EQ(message["Message"], "{\"a\": 1}");
  EXPECT_EQ(message["Subject"], "sg changed");
  EXPECT_EQ(message["SignatureVersion"], "2");
  EXPECT_EQ(message["UnsubscribeURL"],
            emulator_->endpoint() + "/?Action=Unsubscribe&SubscriptionArn=" + arn);
  EXPECT_TRUE(signature_verifies(message, sns().certificate_pem()));

  // Without a Subject the key is absent, not empty.
  ASSERT_TRUE(sns().publish(topic_, "plain"));
  ASSERT_TRUE(confirmed_receiver.wait_for_count(3, seconds(5)));
  const auto plain = nlohmann::ordered_json::parse(confirmed_receiver.bodies()[2]);
  EXPECT_FALSE(plain.contains("Subject"));
  EXPECT_TRUE(signature_verifies(plain, sns().certificate_pem()));

  // The pending endpoint got its confirmation and nothing else.
  ASSERT_TRUE(sns().wait_for_deliveries(4, seconds(5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(sns().deliveries().size(), 4u);
  EXPECT_EQ(pending_receiver.count(), 1u);
}

TEST_F(SnsServiceTest, RetriesAfterServerErrorsUntilAccepted) {
  FlakyEndpoint endpoint(2);
  auto arn = sns().subscribe(topic_, endpoint.url());
  ASSERT_TRUE(arn);
  ASSERT_TRUE(sns().wait_for_deliveries(3, seconds(5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // no fourth attempt comes
  const auto deliveries = sns().deliveries();
  ASSERT_EQ(deliveries.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(deliveries[i].attempt, i + 1);
    EXPECT_EQ(deliveries[i].message_id, deliveries[0].message_id);  // a retry keeps its id
    EXPECT_EQ(deliveries[i].message_type, "SubscriptionConfirmation");
    EXPECT_EQ(deliveries[i].subscription_arn, *arn);
    EXPECT_EQ(deliveries[i].endpoint, endpoint.url());
  }
  EXPECT_EQ(deliveries[0].status, 500);
  EXPECT_EQ(deliveries[1].status, 500);
  EXPECT_EQ(deliveries[2].status, 200);

  // The admin endpoint lists the same attempts.
  httplib::Client admin("127.0.0.1", emulator_->port());
  auto listed = admin.Get("/_emulator/sns/deliveries");
  ASSERT_TRUE(listed);
  auto json = nlohmann::json::parse(listed->body);
  ASSERT_EQ(json["deliveries"].size(), 3u);
  EXPECT_EQ(json["deliveries"][2]["status"], 200);
  EXPECT_EQ(json["deliveries"][2]["attempt"], 3);
  ASSERT_TRUE(admin.Delete("/_emulator/sns/deliveries"));
  EXPECT_TRUE(sns().deliveries().empty());
}

TEST_F(SnsServiceTest, GivesUpOnClientErrorsAndAfterThreeFailedConnections) {
  WebhookReceiver receiver;
  receiver.answer_status(403);
  ASSERT_TRUE(sns().subscribe(topic_, receiver.url("/sns")));
  // A port nothing listens on: the connection is refused each time.
  const int closed_port = unused_port();
  ASSERT_TRUE(sns().subscribe(topic_, "http://127.0.0.1:" + std::to_string(closed_port) + "/"));
  ASSERT_TRUE(sns().wait_for_deliveries(4, seconds(5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto deliveries = sns().deliveries();
  ASSERT_EQ(deliveries.size(), 4u);
  EXPECT_EQ(deliveries[0].status, 403);
  EXPECT_EQ(deliveries[0].attempt, 1);
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(deliveries[i].status, 0);
    EXPECT_EQ(deliveries[i].attempt, i);
  }
}

TEST_F(SnsServiceTest, UnsubscribeConfirmsAndStopsNotifications) {
  WebhookReceiver receiver;
  const std::string arn = subscribe_confirmed(receiver);
  ASSERT_TRUE(sns().publish(topic_, "one"));
  ASSERT_TRUE(receiver.wait_for_count(2, seconds(5)));
  const auto notification = nlohmann::ordered_json::parse(receiver.bodies()[1]);

  // The UnsubscribeURL works unsigned, as SNS's does.
  auto answer = fetch(notification["UnsubscribeURL"]);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200) << answer->body;
  EXPECT_NE(answer->body.find("<UnsubscribeResponse"), std::string::npos);
  ASSERT_TRUE(receiver.wait_for_count(3, seconds(5)));
  const ReceivedRequest goodbye = receiver.requests()[2];
  EXPECT_EQ(goodbye.header("x-amz-sns-message-type"), "UnsubscribeConfirmation");
  const auto message = nlohmann::ordered_json::parse(goodbye.body);
  EXPECT_EQ(keys_of(message), keys_of(real_message("test-unsubscribe-confirmation.json")));
  EXPECT_NE(message["Message"].get<std::string>().find(arn), std::string::npos);
  EXPECT_TRUE(signature_verifies(message, sns().certificate_pem()));
  EXPECT_TRUE(sns().subscriptions(topic_).empty());

  ASSERT_TRUE(sns().publish(topic_, "two"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(receiver.count(), 3u);
  auto again = sns().unsubscribe(arn);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "NotFound");
}

TEST_F(SnsServiceTest, UnsignedRequestsMayOnlyConfirmOrUnsubscribe) {
  Request request;
  request.method = "GET";
  request.path = "/";
  request.query = "Action=Publish&TopicArn=" + topic_ + "&Message=x";
  const Response response = emulator_->handle(request);
  EXPECT_EQ(response.status, 403);
  EXPECT_NE(response.body.find("<Code>MissingAuthenticationToken</Code>"), std::string::npos);
  EXPECT_NE(response.body.find("http://sns.amazonaws.com/doc/2010-03-31/"), std::string::npos);
}

}  // namespace
}  // namespace sgwatch::emulator::sns_service_test
