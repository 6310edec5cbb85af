#include "notify/sinks/webhook_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "builders.h"

#include "aws/curl_transport.h"
#include "webhook_receiver.h"

namespace sgwatch::webhook_sink_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Kind = DeliveryOutcome::Kind;

// 2026-03-01T12:00:00.250Z: the fraction checks that the timestamp is whole seconds.
const Timestamp kNow = Timestamp(milliseconds(1772366400250));
constexpr const char* kNowSeconds = "1772366400";

Alert make_alert(std::string id, std::string body) {
  return testing::sink_alert(std::move(id), std::move(body), "ops-hook", kNow);
}

// Written here, apart from the code under test, so that a receiver's view of the signature
// is checked rather than the sink's own arithmetic.
std::string expected_signature(const std::string& secret, const std::string& timestamp,
                               const std::string& body) {
  const std::string message = timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &size);
  std::string out = "v1=";
  char byte[3];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", mac[i]);
    out += byte;
  }
  return out;
}

// "Sun, 06 Nov 1994 08:49:37 GMT" for `t`.
std::string imf_fixdate(Timestamp t) {
  std::time_t seconds_since_epoch =
      std::chrono::floor<seconds>(t.time_since_epoch()).count();
  std::tm parts{};
  gmtime_r(&seconds_since_epoch, &parts);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
  return text;
}

// A loopback port nothing listens on: bound, then closed.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

CurlTransportOptions loopback_options(milliseconds total_timeout = milliseconds(3000)) {
  CurlTransportOptions options;
  options.allow_only_loopback = true;
  options.connect_timeout = milliseconds(500);
  options.total_timeout = total_timeout;
  return options;
}

class WebhookSinkTest : public ::testing::Test {
 protected:
  WebhookSink sink_for(std::string url, std::string secret = "") {
    return WebhookSink(transport_, WebhookOptions{std::move(url), std::move(secret)}, clock_);
  }

  ManualClock clock_{kNow};
  testing::WebhookReceiver receiver_;
  CurlTransport transport_{loopback_options()};
};

TEST_F(WebhookSinkTest, PostsTheBodyVerbatimWithItsHeaders) {
  WebhookSink sink = sink_for(receiver_.url("/hook"));
  const std::string body = R"({"kind":"change","group":"sg-0123","note":"caf\u00e9 ☕"})";
  DeliveryOutcome outcome = sink.deliver(make_alert("a-0011223344556677", body));
  EXPECT_EQ(outcome.kind, Kind::kOk) << outcome.reason;

  auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const testing::ReceivedRequest& request = requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/hook");
  EXPECT_EQ(request.body, body);
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_EQ(request.header("User-Agent"), "sgwatch");
  EXPECT_EQ(request.header("Idempotency-Key"), "a-0011223344556677");
  EXPECT_EQ(request.header("X-Sgwatch-Alert-Id"), "a-0011223344556677");
  EXPECT_EQ(request.header("X-Sgwatch-Timestamp"), kNowSeconds);
  EXPECT_EQ(request.header("X-Sgwatch-Signature"), "");  // no secret, no signature
}

TEST_F(WebhookSinkTest, SignatureVerifiesWithTheSecretOnly) {
  const std::string body = R"({"kind":"attempt","id":"a-42"})";
  WebhookSink sink = sink_for(receiver_.url(), "whsec-first");
  ASSERT_EQ(sink.deliver(make_alert("a-42", body)).kind, Kind::kOk);
  clock_.advance(seconds(1));
  WebhookSink other = sink_for(receiver_.url(), "whsec-second");
  ASSERT_EQ(other.deliver(make_alert("a-42", body)).kind, Kind::kOk);

  auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& request : requests) {
    EXPECT_EQ(request.header("X-Sgwatch-Signature").rfind("v1=", 0), 0u);
  }
  const auto& first = requests[0];
  EXPECT_EQ(first.header("X-Sgwatch-Signature"),
            expected_signature("whsec-first", first.header("X-Sgwatch-Timestamp"), first.body));
  EXPECT_NE(first.header("X-Sgwatch-Signature"),
            expected_signature("whsec-second", first.header("X-Sgwatch-Timestamp"), first.body));
  const auto& second = requests[1];
  EXPECT_EQ(second.header("X-Sgwatch-Timestamp"), "1772366401");
  EXPECT_EQ(second.header("X-Sgwatch-Signature"),
            expected_signature("whsec-second", second.header("X-Sgwatch-Timestamp"), second.body));
  EXPECT_NE(second.header("X-Sgwatch-Signature"), first.header("X-Sgwatch-Signature"));
  // The public helper agrees with the receiver's arithmetic.
  EXPECT_EQ(webhook_signature("whsec-first", first.header("X-Sgwatch-Timestamp"), first.body),
            first.header("X-Sgwatch-Signature"));
}

TEST_F(WebhookSinkTest, ServerErrorIsRetryWithoutAWait) {
  receiver_.answer_status(500);
  DeliveryOutcome outcome = sink_for(receiver_.url()).deliver(make_alert("a-1", "{}"));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_FALSE(outcome.retry_after.has_value());
  EXPECT_NE(outcome.reason.find("HTTP 500"), std::string::npos) << outcome.reason;
  EXPECT_NE(outcome.reason.find("webhook http://127.0.0.1:"), std::string::npos)
      << outcome.reason;
}

TEST_F(WebhookSinkTest, RetryableStatuses) {
  for (int status : {408, 425, 429, 502, 503, 504, 599}) {
    receiver_.answer_status(status);
    DeliveryOutcome outcome = sink_for(receiver_.url()).deliver(make_alert("a-1", "{}"));
    EXPECT_EQ(outcome.kind, Kind::kRetry) << status;
    EXPECT_NE(outcome.reason.find("HTTP " + std::to_string(status)), std::string::npos)
        << outcome.reason;
  }
}

TEST_F(WebhookSinkTest, TooManyRequestsHonoursRetryAfterSeconds) {
  receiver_.answer_retry_after("7");
  DeliveryOutcome outcome = sink_for(receiver_.url()).deliver(make_alert("a-1", "{}"));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  ASSERT_TRUE(outcome.retry_after.has_value());
  EXPECT_EQ(*outcome.retry_after, seconds(7));
  EXPECT_NE(outcome.reason.find("HTTP 429"), std::string::npos) << outcome.reason;
  EXPECT_NE(outcome.reason.find("retry after 7 s"), std::string::npos) << outcome.reason;
}

TEST_F(WebhookSinkTest, RetryAfterAsAnHttpDateIsRelativeToTheClock) {
  // 90 s after the clock's whole second: 89.75 s from now.
  receiver_.answer_retry_after(imf_fixdate(kNow + seconds(90)), 503);
  DeliveryOutcome outcome = sink_for(receiver_.url()).deliver(make_alert("a-1", "{}"));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  ASSERT_TRUE(outcome.retry_after.has_value());
  EXPECT_EQ(*outcome.retry_after, milliseconds(89750));

  receiver_.answer_retry_after(imf_fixdate(kNow - seconds(3600)), 429);
  outcome = sink_for(receiver_.url()).deliver(make_alert("a-1", "{}"));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  ASSERT_TRUE(outcome.retry_after.has_value());
  EXPECT_EQ(*outcome.retry_after, milliseconds(0));
}

TEST_F(WebhookSinkTest, UnreadableRetryAfterIsRetryWithoutAWait) {
  receiver_.answer_retry_after("soon, probably");
  DeliveryOutcome outcome = sink_for(receiver_.url()).deliver(make_alert("a-1", "{}"));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_FALSE(outcome.retry_after.has_value());
}

TEST_F(WebhookSinkTest, ClientErrorIsFatalNamingTheStatus) {
  for (int status : {400, 401, 403, 404, 410, 413, 422}) {
    receiver_.answer_status(status);
    DeliveryOutcome outcome = sink_for(receiver_.url()).deliver(make_alert("a-1", "{}"));
    EXPECT_EQ(outcome.kind, Kind::kFatal) << status;
    EXPECT_NE(outcome.reason.find("HTTP " + std::to_string(status)), std::string::npos)
        << outcome.reason;
  }
}

TEST_F(WebhookSinkTest, RedirectIsFatalAndNotFollowed) {
  receiver_.answer_status(301);
  DeliveryOutcome outcome = sink_for(receiver_.url()).deliver(make_alert("a-1", "{}"));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("HTTP 301"), std::string::npos) << outcome.reason;
  EXPECT_NE(outcome.reason.find("redirects are not followed"), std::string::npos)
      << outcome.reason;
  EXPECT_EQ(receiver_.count(), 1u);  // the Location was not visited
}

TEST_F(WebhookSinkTest, HangingReceiverTimesOutAsRetry) {
  receiver_.hang();
  CurlTransport quick(loopback_options(milliseconds(300)));
  WebhookSink sink(quick, WebhookOptions{receiver_.url(), ""}, clock_);
  const auto started = std::chrono::steady_clock::now();
  DeliveryOutcome outcome = sink.deliver(make_alert("a-1", "{}"));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.reason.find("timed out"), std::string::npos) << outcome.reason;
  EXPECT_LT(took, seconds(3));
  EXPECT_EQ(receiver_.count(), 1u);  // it arrived; it was the answer that never came
}

// The receiver behaviours end-to-end outbox tests lean on: a held request is answered as
// soon as the behaviour changes, and stopping lets it go at once.
TEST_F(WebhookSinkTest, HeldRequestIsAnsweredWhenTheReceiverRecovers) {
  receiver_.hang();
  WebhookSink sink = sink_for(receiver_.url());
  auto outcome =
      std::async(std::launch::async, [&] { return sink.deliver(make_alert("a-1", "{}")); });
  ASSERT_TRUE(receiver_.wait_for_count(1, seconds(2)));
  receiver_.answer_ok();
  EXPECT_EQ(outcome.get().kind, Kind::kOk);
}

TEST_F(WebhookSinkTest, StoppingTheReceiverEndsAHeldRequestPromptly) {
  receiver_.hang();
  WebhookSink sink = sink_for(receiver_.url());  // the transport would wait 3 s
  auto outcome =
      std::async(std::launch::async, [&] { return sink.deliver(make_alert("a-1", "{}")); });
  ASSERT_TRUE(receiver_.wait_for_count(1, seconds(2)));
  const auto started = std::chrono::steady_clock::now();
  receiver_.stop();
  EXPECT_EQ(outcome.get().kind, Kind::kRetry);
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(1));
}

TEST_F(WebhookSinkTest, NothingListeningIsRetry) {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/hook";
  DeliveryOutcome outcome = sink_for(url).deliver(make_alert("a-1", "{}"));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.reason.find("cannot connect"), std::string::npos) << outcome.reason;
}

TEST_F(WebhookSinkTest, PolicyRefusalIsFatal) {
  // The loopback-only transport refuses before resolving or connecting anything.
  DeliveryOutcome outcome =
      sink_for("https://hooks.example.com/services/T0/B0/XYZ").deliver(make_alert("a-1", "{}"));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_EQ(outcome.reason.find("XYZ"), std::string::npos) << outcome.reason;
}

TEST_F(WebhookSinkTest, ReasonsAndDescriptionNeverHoldThePathQueryOrSecret) {
  const std::string secret_path = "/services/T000/B000/SECRETTOKEN?token=abc";
  const std::string port = std::to_string(receiver_.port());
  auto check = [&](const std::string& text) {
    for (const char* forbidden : {"SECRETTOKEN", "abc", "token", "services", "T000", "whsec"}) {
      EXPECT_EQ(text.find(forbidden), std::string::npos) << forbidden << " in: " << text;
    }
  };
  std::vector<DeliveryOutcome> outcomes;
  {
    WebhookSink sink = sink_for(receiver_.url(secret_path), "whsec-topsecret");
    EXPECT_EQ(sink.describe(), "webhook http://127.0.0.1:" + port + "/…");
    check(sink.describe());
    for (int status : {500, 404, 301, 400}) {
      receiver_.answer_status(status);
      outcomes.push_back(sink.deliver(make_alert("a-1", "{}")));
    }
    receiver_.answer_retry_after("7");
    outcomes.push_back(sink.deliver(make_alert("a-1", "{}")));
  }
  {
    receiver_.hang();
    CurlTransport quick(loopback_options(milliseconds(300)));
    WebhookSink sink(quick, WebhookOptions{receiver_.url(secret_path), "whsec-topsecret"},
                     clock_);
    outcomes.push_back(sink.deliver(make_alert("a-1", "{}")));
    receiver_.answer_ok();
  }
  {
    WebhookSink sink = sink_for(
        "http://127.0.0.1:" + std::to_string(closed_port()) + secret_path, "whsec-topsecret");
    check(sink.describe());
    outcomes.push_back(sink.deliver(make_alert("a-1", "{}")));
  }
  ASSERT_EQ(outcomes.size(), 7u);
  for (const DeliveryOutcome& outcome : outcomes) {
    EXPECT_NE(outcome.kind, Kind::kOk);
    EXPECT_FALSE(outcome.reason.empty());
    check(outcome.reason);
  }
  // The path and query did reach the receiver: they are the receiver's business.
  auto requests = receiver_.requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests[0].target, secret_path);
}

TEST_F(WebhookSinkTest, InvalidUrlIsFatalWithoutSending) {
  WebhookSink sink = sink_for("ftp://files.example.com/drop/SECRETTOKEN");
  DeliveryOutcome outcome = sink.deliver(make_alert("a-1", "{}"));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("https"), std::string::npos) << outcome.reason;
  EXPECT_EQ(outcome.reason.find("SECRETTOKEN"), std::string::npos) << outcome.reason;
  EXPECT_EQ(receiver_.count(), 0u);
}

// A transport that fails every send as told, for the failures a loopback server cannot
// produce on demand.
class FailingTransport final : public HttpTransport {
 public:
  explicit FailingTransport(TransportError error) : error_(std::move(error)) {}
  TransportResult<HttpResponse> send(const HttpRequest&) override {
    return tl::unexpected(error_);
  }

 private:
  TransportError error_;
};

TEST(WebhookSinkFailures, EachTransportFailureIsRetryOrFatalByItsNature) {
  ManualClock clock(kNow);
  const std::string url = "https://hooks.example.com/services/T0/B0/SECRETTOKEN";
  struct Case {
    TransportFailure failure;
    Kind expected;
    const char* named;
  };
  for (const Case& c : {Case{TransportFailure::kConnect, Kind::kRetry, "cannot connect"},
                        Case{TransportFailure::kTimeout, Kind::kRetry, "timed out"},
                        Case{TransportFailure::kBroken, Kind::kRetry, "connection broke"},
                        Case{TransportFailure::kTooLarge, Kind::kRetry, "response too large"},
                        Case{TransportFailure::kCancelled, Kind::kRetry, "cancelled"},
                        Case{TransportFailure::kTls, Kind::kFatal, "TLS failed"},
                        Case{TransportFailure::kRefused, Kind::kFatal, "refused"}}) {
    FailingTransport transport(
        TransportError{c.failure, "https://hooks.example.com:443: something (detail)"});
    WebhookSink sink(transport, WebhookOptions{url, "whsec"}, clock);
    DeliveryOutcome outcome = sink.deliver(make_alert("a-1", "{}"));
    EXPECT_EQ(outcome.kind, c.expected) << c.named;
    EXPECT_EQ(outcome.reason.rfind("webhook https://hooks.example.com/…: ", 0), 0u)
        << outcome.reason;
    EXPECT_NE(outcome.reason.find(c.named), std::string::npos) << outcome.reason;
    EXPECT_NE(outcome.reason.find("something (detail)"), std::string::npos) << outcome.reason;
  }
}

TEST(WebhookSinkFailures, ATransportMessageHoldingPartOfTheUrlIsLeftOut) {
  ManualClock clock(kNow);
  FailingTransport transport(TransportError{
      TransportFailure::kBroken, "hooks.example.com: reset while sending /x/SECRETTOKEN"});
  WebhookSink sink(transport,
                   WebhookOptions{"https://hooks.example.com/x/SECRETTOKEN", "whsec"}, clock);
  DeliveryOutcome outcome = sink.deliver(make_alert("a-1", "{}"));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_EQ(outcome.reason, "webhook https://hooks.example.com/…: connection broke");
}

TEST(WebhookSinkFactory, SendsThroughItsOwnTransport) {
  testing::WebhookReceiver receiver;
  ManualClock clock(kNow);
  auto sink = make_webhook_sink(WebhookOptions{receiver.url(), "", milliseconds(2000)}, clock,
                                /*loopback_only=*/true);
  ASSERT_TRUE(sink) << sink.error().message;
  EXPECT_EQ((*sink)->deliver(make_alert("a-1", R"({"n":1})")).kind, Kind::kOk);
  EXPECT_EQ(receiver.bodies(), std::vector<std::string>{R"({"n":1})"});
}

TEST(WebhookSinkFactory, RefusesABadUrlOrTimeout) {
  ManualClock clock(kNow);
  auto bad_url = make_webhook_sink(WebhookOptions{"gopher://example.com/SECRETTOKEN", ""}, clock);
  ASSERT_FALSE(bad_url);
  EXPECT_EQ(bad_url.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(bad_url.error().message.find("SECRETTOKEN"), std::string::npos);
  auto bad_timeout =
      make_webhook_sink(WebhookOptions{"https://example.com/", "", milliseconds(0)}, clock);
  ASSERT_FALSE(bad_timeout);
  EXPECT_NE(bad_timeout.error().message.find("timeout"), std::string::npos);
}

TEST(WebhookUrl, AcceptsHttpAndHttpsWithAHost) {
  for (const char* url : {"https://hooks.slack.com/services/T0/B0/XYZ", "http://127.0.0.1:8080/",
                          "HTTPS://Hooks.Example.com/a?b=c", "http://[::1]:9000/hook",
                          "https://user:pass@example.com/x"}) {
    auto checked = check_webhook_url(url);
    EXPECT_TRUE(checked) << url << ": " << checked.error().message;
  }
}

TEST(WebhookUrl, RefusesOthersWithoutQuotingThem) {
  for (const char* url : {"", "hooks.example.com/SECRETTOKEN", "ftp://example.com/SECRETTOKEN",
                          "file:///etc/SECRETTOKEN", "https://", "https:///SECRETTOKEN",
                          "http://example.com:99999/SECRETTOKEN",
                          "https://exa mple.com/SECRETTOKEN", "mailto:SECRETTOKEN@example.com"}) {
    auto checked = check_webhook_url(url);
    ASSERT_FALSE(checked) << url;
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(checked.error().message.find("webhook URL"), std::string::npos)
        << checked.error().message;
    EXPECT_EQ(checked.error().message.find("SECRETTOKEN"), std::string::npos)
        << checked.error().message;
  }
  EXPECT_EQ(check_webhook_url("ftp://example.com/x").error().message,
            "the webhook URL must use https (or http), not ftp");
}

TEST(WebhookUrl, RedactedKeepsSchemeHostAndPortOnly) {
  EXPECT_EQ(redacted_url("https://hooks.slack.com/services/T0/B0/XYZ"),
            "https://hooks.slack.com/…");
  EXPECT_EQ(redacted_url("https://hooks.example.com:8443/x?token=abc"),
            "https://hooks.example.com:8443/…");
  EXPECT_EQ(redacted_url("https://hooks.example.com?token=abc"), "https://hooks.example.com/…");
  EXPECT_EQ(redacted_url("https://user:pass@hooks.example.com/"), "https://hooks.example.com/");
  EXPECT_EQ(redacted_url("http://[::1]:9000"), "http://[::1]:9000/");
  EXPECT_EQ(redacted_url("not a url/SECRETTOKEN"), "(malformed URL)");
  EXPECT_EQ(redacted_url("https:///SECRETTOKEN"), "(malformed URL)");
  EXPECT_EQ(redacted_url(""), "(malformed URL)");
}

TEST(WebhookRetryAfter, DeltaSeconds) {
  EXPECT_EQ(parse_retry_after("7", kNow), seconds(7));
  EXPECT_EQ(parse_retry_after(" 120\t", kNow), seconds(120));
  EXPECT_EQ(parse_retry_after("0", kNow), seconds(0));
  for (const char* garbage : {"", "  ", "-1", "1.5", "7s", "+7", "0x10", "soon",
                              "99999999999999999999999"}) {
    EXPECT_FALSE(parse_retry_after(garbage, kNow).has_value()) << garbage;
  }
}

TEST(WebhookRetryAfter, HttpDatesInAllThreeForms) {
  const Timestamp now = Timestamp(milliseconds(784111777000));  // Sun, 06 Nov 1994 08:49:37
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now), seconds(60));
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:50:37 GMT", now), seconds(60));
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:50:37 1994", now), seconds(60));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), seconds(0));
  EXPECT_EQ(parse_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", now), seconds(0));  // past
  EXPECT_EQ(parse_retry_after(imf_fixdate(kNow + seconds(30)), kNow), milliseconds(29750));
  // libcurl's date parser is lenient with near-dates ("UTC" for "GMT", one-digit days), as
  // HTTP clients are; text that is no date at all gives no wait.
  for (const char* garbage : {"Sun, 06 Nov 1994 25:49:37 GMT", "next tuesday", "later"}) {
    EXPECT_FALSE(parse_retry_after(garbage, now).has_value()) << garbage;
  }
}

}  // namespace
}  // namespace sgwatch::webhook_sink_test
