// The SNS endpoint with genuine SNS messages: what it answers, what reaches the handler,
// when it fetches SubscribeURL, and that a message delivered twice is handled once.
#include "sources/sns_endpoint.h"

#include <httplib.h>

#include <fstream>
#include <mutex>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "smtp_server.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"

namespace sgwatch::sns_endpoint_test {
namespace {

const std::string kGenuineDir =
    std::string(SGWATCH_TEST_DATA_DIR) + "/sns/aws-sdk-java-v2_sns-message-manager";

std::string read(const std::string& file) {
  std::ifstream in(kGenuineDir + "/" + file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Records what it is asked to fetch and answers `status`.
class RecordingTransport final : public HttpTransport {
 public:
  TransportResult<HttpResponse> send(const HttpRequest& request) override {
    std::lock_guard lock(mutex_);
    urls.push_back(request.url);
    return HttpResponse{status, {}, "<ConfirmSubscriptionResponse/>"};
  }
  std::mutex mutex_;
  std::vector<std::string> urls;
  int status = 200;
};

class SnsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::open_writer(dir_.file("store.db"));
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    options_.allowed_topics = {{"arn:aws:sns:us-west-2:131990247566:dongie-*"}};
    verifier_ = std::make_unique<SnsVerifier>(options_, certificates_);
    auto endpoint = SnsEndpoint::start({}, *verifier_, *store_, transport_, clock_,
                                       [this](const SnsMessage& message) -> Result<std::string> {
                                         handled_.push_back(message.message_id);
                                         if (answer_) return tl::unexpected(*answer_);
                                         return std::string("taken in");
                                       });
    ASSERT_TRUE(endpoint) << endpoint.error().message;
    endpoint_ = std::move(*endpoint);
  }

  SnsEndpoint::Answer post(const std::string& body, const std::string& type = "") {
    return endpoint_->handle(body, type);
  }

  testing::TempDir dir_;
  // The genuine messages were sent on 2026-03-06 between 19:31 and 20:03.
  ManualClock clock_{Timestamp(std::chrono::sys_days(std::chrono::year{2026} / 3 / 6)) +
                     std::chrono::hours(20) + std::chrono::minutes(10)};
  SnsCertificates certificates_{kGenuineDir, nullptr};
  SnsVerifyOptions options_;
  std::unique_ptr<SnsVerifier> verifier_;
  std::unique_ptr<SqliteStore> store_;
  RecordingTransport transport_;
  std::vector<std::string> handled_;
  std::optional<Error> answer_;
  std::unique_ptr<SnsEndpoint> endpoint_;
};

TEST_F(SnsEndpointTest, ANotificationIsHandedOnOnceAndItsRedeliveryOnlyAcknowledged) {
  const std::string body = read("test-notification-with-subject.json");
  SnsEndpoint::Answer first = post(body, "Notification");
  EXPECT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(handled_.size(), 1u);
  SnsEndpoint::Answer again = post(body, "Notification");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, "already handled");
  EXPECT_EQ(handled_.size(), 1u);
  EXPECT_TRUE(*store_->sns_message_handled(handled_.front()));
}

TEST_F(SnsEndpointTest, AFailedHandlerGetsTheMessageAgainAndARefusalIsFinal) {
  const std::string body = read("test-notification-signature-v2.json");
  answer_ = Error{ErrorCode::kIo, "the store is full"};
  EXPECT_EQ(post(body).status, 500);
  answer_.reset();
  EXPECT_EQ(post(body).status, 200);  // SNS's retry is taken in
  EXPECT_EQ(handled_.size(), 2u);

  answer_ = Error{ErrorCode::kInvalidInput, "not a Config message"};
  SnsEndpoint::Answer refused = post(read("test-notification-no-subject.json"));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.body, "not a Config message");
}

TEST_F(SnsEndpointTest, WhatFailsVerificationOrIsNoSnsMessageNeverReachesTheHandler) {
  nlohmann::json tampered = nlohmann::json::parse(read("test-notification-with-subject.json"));
  tampered["Message"] = tampered["Message"].get<std::string>() + " ";
  SnsEndpoint::Answer forged = post(tampered.dump());
  EXPECT_EQ(forged.status, 403);
  EXPECT_NE(forged.body.find("failed the signature check"), std::string::npos) << forged.body;

  EXPECT_EQ(post("{not json").status, 400);
  EXPECT_EQ(post(read("test-notification-with-subject.json"), "SubscriptionConfirmation").status,
            400);  // the header and the signed Type disagree

  clock_.advance(std::chrono::hours(2));  // a replay, past the hour allowed
  SnsEndpoint::Answer late = post(read("test-notification-no-subject.json"));
  EXPECT_EQ(late.status, 403);
  EXPECT_NE(late.body.find("failed the age check"), std::string::npos) << late.body;
  EXPECT_TRUE(handled_.empty());
}

TEST_F(SnsEndpointTest, AMissingCertificateIsWorthARetryAndItsPathStaysInTheLog) {
  testing::TempDir empty;
  SnsCertificates offline(empty.path(), nullptr);
  SnsVerifier verifier(options_, offline);
  auto endpoint = SnsEndpoint::start({}, verifier, *store_, transport_, clock_,
                                     [](const SnsMessage&) { return Result<std::string>("ok"); });
  ASSERT_TRUE(endpoint);
  SnsEndpoint::Answer answer = (*endpoint)->handle(read("test-notification-no-subject.json"), "");
  EXPECT_EQ(answer.status, 503);  // SNS delivers again; the operator may pre-seed it by then
  EXPECT_TRUE(answer.body.ends_with("failed the certificate check")) << answer.body;
  EXPECT_EQ(answer.body.find(empty.path()), std::string::npos) << answer.body;
}

TEST_F(SnsEndpointTest, ASubscriptionIsConfirmedOnlyAfterVerificationAndOnlyForAllowedTopics) {
  const std::string body = read("test-subscription-confirmation.json");
  const std::string subscribe_url = nlohmann::json::parse(body)["SubscribeURL"];

  nlohmann::json forged = nlohmann::json::parse(body);
  forged["SubscribeURL"] = "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&x=1";
  EXPECT_EQ(post(forged.dump()).status, 403);
  EXPECT_TRUE(transport_.urls.empty());

  transport_.status = 500;
  EXPECT_EQ(post(body, "SubscriptionConfirmation").status, 502);
  transport_.status = 200;
  SnsEndpoint::Answer confirmed = post(body, "SubscriptionConfirmation");
  EXPECT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(confirmed.body, "confirmed");
  ASSERT_EQ(transport_.urls.size(), 2u);
  EXPECT_EQ(transport_.urls.back(), subscribe_url);
  EXPECT_TRUE(handled_.empty());

  // Another topic: verified, but not allowed, so nothing is fetched.
  options_.allowed_topics = {{"arn:aws:sns:*:*:config-*"}};
  SnsVerifier strict(options_, certificates_);
  auto other = SnsEndpoint::start({}, strict, *store_, transport_, clock_,
                                  [](const SnsMessage&) { return Result<std::string>("no"); });
  ASSERT_TRUE(other);
  SnsEndpoint::Answer refused = (*other)->handle(body, "");
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("failed the topic check"), std::string::npos) << refused.body;
  EXPECT_EQ(transport_.urls.size(), 2u);
}

TEST_F(SnsEndpointTest, AnUnsubscribeConfirmationIsAcknowledgedAndNothingIsFetched) {
  SnsEndpoint::Answer answer = post(read("test-unsubscribe-confirmation.json"));
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.body, "unsubscribed");
  EXPECT_TRUE(transport_.urls.empty());
}

TEST_F(SnsEndpointTest, TheServerTakesPostsOnItsPathAndRefusesOversizedBodies) {
  httplib::Client client("127.0.0.1", endpoint_->port());
  auto answer = client.Post("/sns", read("test-notification-with-subject.json"),
                            "text/plain; charset=UTF-8");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(handled_.size(), 1u);
  auto elsewhere = client.Post("/other", "{}", "text/plain");
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, 404);
  auto huge = client.Post("/sns", std::string((1 << 20) + 1, 'x'), "text/plain");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
}

TEST_F(SnsEndpointTest, ServesHttpsNativelyWithACertificateAndItsKey) {
  const testing::TestCertificate& certificate = testing::test_certificate();
  ASSERT_TRUE(certificate.error.empty()) << certificate.error;
  SnsEndpointOptions options;
  options.tls_certificate_file = certificate.cert;
  options.tls_key_file = certificate.key;
  auto endpoint = SnsEndpoint::start(options, *verifier_, *store_, transport_, clock_,
                                     [](const SnsMessage&) { return Result<std::string>("ok"); });
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_EQ((*endpoint)->url(), "https://127.0.0.1:" + std::to_string((*endpoint)->port()) + "/sns");
  httplib::SSLClient client("127.0.0.1", (*endpoint)->port());
  client.set_ca_cert_path(certificate.cert.c_str());
  auto answer = client.Post("/sns", read("test-notification-no-subject.json"), "text/plain");
  ASSERT_TRUE(answer) << httplib::to_string(answer.error());
  EXPECT_EQ(answer->status, 200) << answer->body;

  options.tls_key_file = "";
  auto half = SnsEndpoint::start(options, *verifier_, *store_, transport_, clock_,
                                 [](const SnsMessage&) { return Result<std::string>("ok"); });
  ASSERT_FALSE(half);
  EXPECT_EQ(half.error().message,
            "the SNS endpoint needs both a TLS certificate and its key, or neither");
}

TEST(CheckSubscribeUrl, OnlyHttpsOnAnSnsHostOrTheTrustedTestHost) {
  EXPECT_TRUE(check_subscribe_url(
      "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=t", ""));
  EXPECT_FALSE(check_subscribe_url("http://sns.eu-west-1.amazonaws.com/?Action=x", ""));
  EXPECT_FALSE(check_subscribe_url("https://sns.eu-west-1.amazonaws.com.evil.com/?a", ""));
  EXPECT_FALSE(check_subscribe_url("https://169.254.169.254/latest/meta-data/", ""));
  EXPECT_FALSE(check_subscribe_url("http://127.0.0.1:4566/?Action=ConfirmSubscription", ""));
  const std::string trusted = "http://127.0.0.1:4566/_emulator/sns/x.pem";
  EXPECT_TRUE(check_subscribe_url("http://127.0.0.1:4566/?Action=ConfirmSubscription", trusted));
  EXPECT_FALSE(check_subscribe_url("http://127.0.0.1:4567/?Action=ConfirmSubscription", trusted));
}

}  // namespace
}  // namespace sgwatch::sns_endpoint_test
