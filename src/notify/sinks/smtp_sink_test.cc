#include "notify/sinks/smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "notify/email_message.h"
#include "smtp_server.h"

namespace sgwatch::smtp_sink_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Kind = DeliveryOutcome::Kind;
using testing::SmtpServer;
using testing::SmtpServerOptions;

// Fri, 27 Nov 2026 14:05:09 UTC.
const Timestamp kNow = Timestamp(milliseconds(1795788309000));
constexpr const char* kUser = "alice";
constexpr const char* kPassword = "hunter2-Sekret!";
const std::string kSubject = "Grüße — 日本: sg-0123456789abcdef0 opened 22/tcp to 0.0.0.0/0";
const std::string kText = "A rule was added.\nGroup: sg-0123456789abcdef0 ☕\n";
const std::string kHtml = "<p>A rule was added.</p>\n<p>Grüße</p>\n";

Alert make_alert(std::string id, std::vector<std::string> recipients) {
  return Alert{
      .id = std::move(id),
      .destination = "owners",
      .kind = AlertKind::kChange,
      .scope = Scope{AccountId::parse("111122223333").value(), Region::parse("eu-west-1").value()},
      .group = GroupId::parse("sg-0123456789abcdef0").value(),
      .revisions = {},
      .events = {},
      .severity = std::nullopt,
      .recipients = std::move(recipients),
      .body = "{}",
      .created_at = kNow,
      .deliver_after = kNow,
  };
}

EmailHeaders headers_for(const Alert& alert) {
  return EmailHeaders{
      .from = "sgwatch <alerts@example.com>",
      .to = alert.recipients,
      .message_id = "<" + alert.id + "@sgwatch.invalid>",
      .date = alert.created_at,
      .list_id = "sgwatch alerts <alerts.sgwatch.invalid>",
      .extra = {{"X-Sgwatch-Alert-Id", alert.id}, {"Auto-Submitted", "auto-generated"}},
  };
}

// The composer a mail destination would be given, reduced to what the sink relies on.
EmailComposer composer() {
  return [](const Alert& alert) -> Result<OutgoingEmail> {
    const EmailHeaders headers = headers_for(alert);
    return OutgoingEmail{"alerts@example.com", alert.recipients, headers.message_id,
                         compose_mime(headers, EmailContent{kSubject, kText, kHtml})};
  };
}

std::string base64_decode(const std::string& text) {
  if (text.empty()) return "";
  std::string out(text.size() / 4 * 3 + 3, '\0');
  const int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<const unsigned char*>(text.data()),
                                   static_cast<int>(text.size()));
  size_t padding = (text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0);
  out.resize(size < 0 ? 0 : static_cast<size_t>(size) - padding);
  return out;
}

std::string crlf(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out;
}

// A loopback port nothing listens on: bound, then closed.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

// A server that takes connections (the kernel completes them) and never says a word:
// the client waits for a greeting that does not come.
class SilentServer {
 public:
  SilentServer() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    socklen_t length = sizeof address;
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

SmtpOptions loopback(int port, SmtpTls tls = SmtpTls::kNone) {
  SmtpOptions options;
  options.host = "127.0.0.1";
  options.port = port;
  options.tls = tls;
  options.timeout = milliseconds(5000);
  return options;
}

SmtpOptions verified(int port, SmtpTls tls) {
  SmtpOptions options = loopback(port, tls);
  options.ca_file = testing::test_certificate().cert;
  return options;
}

SmtpOptions with_login(SmtpOptions options, std::string password = kPassword) {
  options.username = kUser;
  options.password = std::move(password);
  return options;
}

std::string server_login() { return std::string(kUser) + ":" + kPassword; }

// Nothing of the password, in any form AUTH sends it, may appear in `text`.
void expect_no_secret(const std::string& text, const std::string& password = kPassword) {
  auto b64 = [](const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    out.resize(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                               reinterpret_cast<const unsigned char*>(bytes.data()),
                               static_cast<int>(bytes.size())));
    return out;
  };
  const std::string plain = std::string(1, '\0') + kUser + std::string(1, '\0') + password;
  for (const std::string& secret : {password, b64(password), b64(plain)}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << "'" << secret << "' in: " << text;
  }
  EXPECT_EQ(text.find("Sekret"), std::string::npos) << text;
}

#define ASSERT_RUNNING(server) ASSERT_TRUE((server).running()) << (server).failure()

TEST(SmtpSink, PlainLoopbackDeliveryArrivesAsComposed) {
  SmtpServer server;
  ASSERT_RUNNING(server);
  const Alert alert = make_alert("a-0011223344556677", {"owner@example.com", "ops@example.com"});
  SmtpSink sink(loopback(server.port()), composer());
  const DeliveryOutcome outcome = sink.deliver(alert);
  ASSERT_EQ(outcome.kind, Kind::kOk) << outcome.reason;

  const auto messages = server.wait_for_messages(1, seconds(5));
  ASSERT_EQ(messages.size(), 1u);
  const nlohmann::json& message = messages[0];
  EXPECT_EQ(message["mail_from"], "alerts@example.com");
  EXPECT_EQ(message["rcpt_tos"], nlohmann::json({"owner@example.com", "ops@example.com"}));
  EXPECT_EQ(message["tls"], false);
  EXPECT_TRUE(message["auth"].is_null());
  EXPECT_EQ(message["defects"], nlohmann::json::array()) << message["defects"].dump();

  const nlohmann::json& header = message["header"];
  EXPECT_EQ(header["Subject"], kSubject);  // decoded from RFC 2047 by Python
  EXPECT_EQ(header["Date"], "Fri, 27 Nov 2026 14:05:09 +0000");
  EXPECT_EQ(header["Message-ID"], "<a-0011223344556677@sgwatch.invalid>");
  EXPECT_EQ(header["List-Id"], "sgwatch alerts <alerts.sgwatch.invalid>");
  EXPECT_EQ(header["X-Sgwatch-Alert-Id"], "a-0011223344556677");
  EXPECT_EQ(header["Auto-Submitted"], "auto-generated");
  EXPECT_EQ(header["MIME-Version"], "1.0");
  EXPECT_EQ(message["from"], nlohmann::json::parse(
                                 R"([{"display_name":"sgwatch","addr_spec":"alerts@example.com"}])"));
  EXPECT_EQ(message["to"], nlohmann::json::parse(R"([
      {"display_name":"","addr_spec":"owner@example.com"},
      {"display_name":"","addr_spec":"ops@example.com"}])"));

  EXPECT_EQ(message["is_multipart"], true);
  EXPECT_EQ(message["content_type"], "multipart/alternative");
  const nlohmann::json& parts = message["parts"];
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0]["content_type"], "text/plain");
  EXPECT_EQ(parts[0]["charset"], "utf-8");
  EXPECT_EQ(parts[0]["transfer_encoding"], "base64");
  EXPECT_EQ(parts[0]["content"], crlf(kText));
  EXPECT_EQ(parts[1]["content_type"], "text/html");
  EXPECT_EQ(parts[1]["charset"], "utf-8");
  EXPECT_EQ(parts[1]["transfer_encoding"], "base64");
  EXPECT_EQ(parts[1]["content"], crlf(kHtml));

  // Byte for byte what the composer made: nothing was rewritten on the way.
  EXPECT_EQ(base64_decode(message["raw_base64"]), composer()(alert)->mime);
}

TEST(SmtpSink, ALineHoldingOnlyADotSurvivesDataTransparency) {
  SmtpServer server;
  ASSERT_RUNNING(server);
  // A composer other than compose_mime(): the sink sends any 7-bit CRLF message as is.
  EmailComposer dotted = [](const Alert& alert) -> Result<OutgoingEmail> {
    return OutgoingEmail{"alerts@example.com", alert.recipients, "<x@y>",
                         "Subject: dots\r\n\r\nfirst\r\n.\r\n..two\r\nlast\r\n"};
  };
  SmtpSink sink(loopback(server.port()), dotted);
  ASSERT_EQ(sink.deliver(make_alert("a-1", {"owner@example.com"})).kind, Kind::kOk);
  const auto messages = server.wait_for_messages(1, seconds(5));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(base64_decode(messages[0]["raw_base64"]),
            "Subject: dots\r\n\r\nfirst\r\n.\r\n..two\r\nlast\r\n");
}

TEST(SmtpSink, StartTlsWithAuthDelivers) {
  SmtpServer server({.starttls = true, .auth = server_login()});
  ASSERT_RUNNING(server);
  SmtpSink sink(with_login(verified(server.port(), SmtpTls::kStartTls)), composer());
  const DeliveryOutcome outcome = sink.deliver(make_alert("a-2", {"owner@example.com"}));
  ASSERT_EQ(outcome.kind, Kind::kOk) << outcome.reason;
  const auto messages = server.wait_for_messages(1, seconds(5));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["tls"], true);
  EXPECT_EQ(messages[0]["auth"]["login"], kUser);
  EXPECT_EQ(messages[0]["auth"]["mechanism"], "PLAIN");
  EXPECT_EQ(messages[0]["header"]["Subject"], kSubject);
}

TEST(SmtpSink, ImplicitTlsDelivers) {
  SmtpServer server({.implicit_tls = true, .auth = server_login()});
  ASSERT_RUNNING(server);
  SmtpSink sink(with_login(verified(server.port(), SmtpTls::kImplicit)), composer());
  const DeliveryOutcome outcome = sink.deliver(make_alert("a-3", {"owner@example.com"}));
  ASSERT_EQ(outcome.kind, Kind::kOk) << outcome.reason;
  const auto messages = server.wait_for_messages(1, seconds(5));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["tls"], true);
  EXPECT_EQ(messages[0]["auth"]["login"], kUser);
  EXPECT_EQ(messages[0]["parts"][0]["content"], crlf(kText));
}

TEST(SmtpSink, WrongPasswordIsFatal) {
  SmtpServer server({.starttls = true, .auth = server_login()});
  ASSERT_RUNNING(server);
  const std::string wrong = "wrong-Sekret-password";
  SmtpSink sink(with_login(verified(server.port(), SmtpTls::kStartTls), wrong), composer());
  const DeliveryOutcome outcome = sink.deliver(make_alert("a-4", {"owner@example.com"}));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_EQ(outcome.reason.rfind("smtp 127.0.0.1:" + std::to_string(server.port()) + ": ", 0), 0u)
      << outcome.reason;
  EXPECT_NE(outcome.reason.find("refused the login"), std::string::npos) << outcome.reason;
  EXPECT_NE(outcome.reason.find("535"), std::string::npos) << outcome.reason;
  expect_no_secret(outcome.reason, wrong);
  EXPECT_TRUE(server.messages().empty());
}

TEST(SmtpSink, TemporaryRecipientRefusalIsRetry) {
  SmtpServer server({.reject_rcpt = 450});
  ASSERT_RUNNING(server);
  SmtpSink sink(loopback(server.port()), composer());
  const DeliveryOutcome outcome = sink.deliver(make_alert("a-5", {"owner@example.com"}));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_FALSE(outcome.retry_after.has_value());
  EXPECT_NE(outcome.reason.find("450 4.2.1 Mailbox temporarily unavailable"), std::string::npos)
      << outcome.reason;
  EXPECT_TRUE(server.messages().empty());
}

TEST(SmtpSink, PermanentRecipientRefusalIsFatal) {
  SmtpServer server({.reject_rcpt = 550});
  ASSERT_RUNNING(server);
  SmtpSink sink(loopback(server.port()), composer());
  const DeliveryOutcome outcome = sink.deliver(make_alert("a-6", {"nobody@example.com"}));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("550 5.1.1 No such user here"), std::string::npos)
      << outcome.reason;
  EXPECT_TRUE(server.messages().empty());
}

TEST(SmtpSink, NothingListeningIsRetry) {
  SmtpSink sink(loopback(closed_port()), composer());
  const DeliveryOutcome outcome = sink.deliver(make_alert("a-7", {"owner@example.com"}));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.reason.find("cannot connect"), std::string::npos) << outcome.reason;
}

TEST(SmtpSink, StartTlsRequiredButNotOfferedIsFatal) {
  SmtpServer server;  // plain text only
  ASSERT_RUNNING(server);
  SmtpSink sink(with_login(verified(server.port(), SmtpTls::kStartTls)), composer());
  const DeliveryOutcome outcome = sink.deliver(make_alert("a-8", {"owner@example.com"}));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("does not offer STARTTLS"), std::string::npos) << outcome.reason;
  EXPECT_TRUE(server.messages().empty());
}

TEST(SmtpSink, UntrustedCertificateIsFatal) {
  SmtpServer server({.starttls = true});
  ASSERT_RUNNING(server);
  SmtpOptions options = loopback(server.port(), SmtpTls::kStartTls);  // the system's CAs
  SmtpSink sink(options, composer());
  const DeliveryOutcome outcome = sink.deliver(make_alert("a-9", {"owner@example.com"}));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("TLS failed"), std::string::npos) << outcome.reason;
  EXPECT_TRUE(server.messages().empty());
}

TEST(SmtpSink, HungServerTimesOutAsRetry) {
  SilentServer silent;
  SmtpOptions options = loopback(silent.port());
  options.timeout = milliseconds(300);
  SmtpSink sink(options, composer());
  const auto started = std::chrono::steady_clock::now();
  const DeliveryOutcome outcome = sink.deliver(make_alert("a-10", {"owner@example.com"}));
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(2));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.reason.find("timed out"), std::string::npos) << outcome.reason;
}

TEST(SmtpSink, CancelEndsADeliveryInFlightPromptly) {
  SilentServer silent;
  SmtpOptions options = loopback(silent.port());
  options.timeout = seconds(30);  // only cancelling can end it in time
  SmtpSink sink(options, composer());
  auto outcome = std::async(std::launch::async, [&] {
    return sink.deliver(make_alert("a-11", {"owner@example.com"}));
  });
  // Connected and waiting for the greeting by now; cancelling earlier must work too.
  std::this_thread::sleep_for(milliseconds(100));
  const auto started = std::chrono::steady_clock::now();
  sink.cancel();
  ASSERT_EQ(outcome.wait_for(seconds(2)), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(500));
  const DeliveryOutcome cancelled = outcome.get();
  EXPECT_EQ(cancelled.kind, Kind::kRetry);
  EXPECT_EQ(cancelled.reason, "smtp 127.0.0.1:" + std::to_string(silent.port()) + ": cancelled");

  // Cancelling is for shutdown: later attempts end at once.
  const auto again = std::chrono::steady_clock::now();
  EXPECT_EQ(sink.deliver(make_alert("a-12", {"owner@example.com"})).kind, Kind::kRetry);
  EXPECT_LT(std::chrono::steady_clock::now() - again, milliseconds(100));
}

TEST(SmtpSink, EnvelopeAddressesAreCheckedBeforeConnecting) {
  SmtpServer server;
  ASSERT_RUNNING(server);
  SmtpSink sink(loopback(server.port()), composer());
  // An owner tag is written by whoever may tag the group: a line break would start an
  // SMTP command of its own.
  DeliveryOutcome outcome = sink.deliver(
      make_alert("a-13", {"owner@example.com", "x@example.com>\r\nRCPT TO:<thief@example.net"}));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("a recipient: "), std::string::npos) << outcome.reason;
  EXPECT_EQ(outcome.reason.find('\n'), std::string::npos) << outcome.reason;

  outcome = sink.deliver(make_alert("a-14", {}));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("no recipient"), std::string::npos) << outcome.reason;

  EmailComposer bad_sender = [](const Alert& alert) -> Result<OutgoingEmail> {
    return OutgoingEmail{"alerts@example.com\r\nDATA", alert.recipients, "<x@y>", "x\r\n"};
  };
  outcome = SmtpSink(loopback(server.port()), bad_sender)
                .deliver(make_alert("a-15", {"owner@example.com"}));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("envelope sender"), std::string::npos) << outcome.reason;

  EmailComposer eight_bit = [](const Alert& alert) -> Result<OutgoingEmail> {
    return OutgoingEmail{"alerts@example.com", alert.recipients, "<x@y>", "Subject: é\r\n"};
  };
  outcome = SmtpSink(loopback(server.port()), eight_bit)
                .deliver(make_alert("a-16", {"owner@example.com"}));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("7-bit"), std::string::npos) << outcome.reason;

  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_TRUE(server.messages().empty());
}

TEST(SmtpSink, ComposerErrorIsFatalWithItsMessage) {
  EmailComposer failing = [](const Alert&) -> Result<OutgoingEmail> {
    return invalid("the alert names no owner to write to");
  };
  SmtpSink sink(loopback(closed_port()), failing);
  const DeliveryOutcome outcome = sink.deliver(make_alert("a-17", {}));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("the alert names no owner to write to"), std::string::npos)
      << outcome.reason;
}

TEST(SmtpSink, BadOptionsAreFatalWithoutConnecting) {
  SmtpOptions options = loopback(25);
  options.host = "mail.example.com";  // plain text off the machine
  const DeliveryOutcome outcome =
      SmtpSink(options, composer()).deliver(make_alert("a-18", {"owner@example.com"}));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_EQ(outcome.reason.rfind("smtp mail.example.com:25: plain SMTP", 0), 0u) << outcome.reason;
}

TEST(SmtpSink, DescribeNamesHostPortAndTls) {
  SmtpOptions options;
  options.host = "mail.example.com";
  options.username = kUser;
  options.password = kPassword;
  EXPECT_EQ(SmtpSink(options, composer()).describe(), "smtp mail.example.com:587 (starttls)");
  options.tls = SmtpTls::kImplicit;
  options.port = 465;
  EXPECT_EQ(SmtpSink(options, composer()).describe(), "smtp mail.example.com:465 (tls)");
  options.tls = SmtpTls::kNone;
  options.host = "::1";
  options.port = 2525;
  EXPECT_EQ(SmtpSink(options, composer()).describe(), "smtp [::1]:2525 (plain)");
  expect_no_secret(SmtpSink(options, composer()).describe());
}

TEST(SmtpOptionsCheck, RefusesWhatCannotWork) {
  struct Case {
    SmtpOptions options;
    const char* named;
  };
  auto with = [](auto change) {
    SmtpOptions options;
    options.host = "mail.example.com";
    change(options);
    return options;
  };
  EXPECT_TRUE(check_smtp_options(with([](SmtpOptions&) {})));
  EXPECT_TRUE(check_smtp_options(with([](SmtpOptions& o) { o.host = "[2001:db8::1]"; })));
  EXPECT_TRUE(check_smtp_options(with([](SmtpOptions& o) {
    o.host = "localhost";
    o.tls = SmtpTls::kNone;
  })));
  for (const Case& c : {
           Case{with([](SmtpOptions& o) { o.host = ""; }), "host is empty"},
           Case{with([](SmtpOptions& o) { o.host = "evil.com/x@y"; }), "not a host name"},
           Case{with([](SmtpOptions& o) { o.port = 0; }), "1..65535"},
           Case{with([](SmtpOptions& o) { o.port = 70000; }), "1..65535"},
           Case{with([](SmtpOptions& o) { o.timeout = milliseconds(0); }), "timeout"},
           Case{with([](SmtpOptions& o) { o.password = kPassword; }), "without a user name"},
           Case{with([](SmtpOptions& o) { o.tls = SmtpTls::kNone; }), "loopback"},
       }) {
    auto checked = check_smtp_options(c.options);
    ASSERT_FALSE(checked) << c.named;
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(checked.error().message.find(c.named), std::string::npos)
        << checked.error().message;
    expect_no_secret(checked.error().message);
  }
}

TEST(SmtpServerCheck, PassesAndSendsNothing) {
  SmtpServer server({.starttls = true, .auth = server_login()});
  ASSERT_RUNNING(server);
  auto checked = check_smtp_server(with_login(verified(server.port(), SmtpTls::kStartTls)));
  EXPECT_TRUE(checked) << checked.error().message;

  SmtpServer implicit({.implicit_tls = true});
  ASSERT_RUNNING(implicit);
  checked = check_smtp_server(verified(implicit.port(), SmtpTls::kImplicit));
  EXPECT_TRUE(checked) << checked.error().message;

  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_TRUE(server.messages().empty());
  EXPECT_TRUE(implicit.messages().empty());
}

TEST(SmtpServerCheck, NamesHostPortAndWhatFailed) {
  SmtpServer tls_server({.starttls = true, .auth = server_login()});
  ASSERT_RUNNING(tls_server);
  SmtpServer plain_server;
  ASSERT_RUNNING(plain_server);
  const std::string tls_target = "smtp 127.0.0.1:" + std::to_string(tls_server.port()) + ": ";
  const std::string plain_target = "smtp 127.0.0.1:" + std::to_string(plain_server.port()) + ": ";
  struct Case {
    SmtpOptions options;
    std::string starts;
    const char* named;
  };
  const int nowhere = closed_port();
  for (const Case& c : {
           Case{with_login(verified(tls_server.port(), SmtpTls::kStartTls), "wrong-Sekret"),
                tls_target, "refused the login"},
           Case{loopback(tls_server.port(), SmtpTls::kStartTls), tls_target, "TLS failed"},
           Case{verified(plain_server.port(), SmtpTls::kStartTls), plain_target,
                "does not offer STARTTLS"},
           Case{with_login(loopback(plain_server.port())), plain_target, "offers no AUTH"},
           Case{loopback(nowhere), "smtp 127.0.0.1:" + std::to_string(nowhere) + ": ",
                "cannot connect"},
       }) {
    auto checked = check_smtp_server(c.options);
    ASSERT_FALSE(checked) << c.named;
    EXPECT_EQ(checked.error().message.rfind(c.starts, 0), 0u) << checked.error().message;
    EXPECT_NE(checked.error().message.find(c.named), std::string::npos)
        << checked.error().message;
    expect_no_secret(checked.error().message, c.options.password.empty() ? std::string(kPassword)
                                                                         : c.options.password);
  }
  SmtpOptions bad = loopback(25);
  bad.port = 0;
  auto checked = check_smtp_server(bad);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(checked.error().message.rfind("smtp 127.0.0.1:0: ", 0), 0u) << checked.error().message;
}

TEST(SmtpSink, NoReasonHoldsThePassword) {
  SmtpServer tls_server({.starttls = true, .auth = server_login()});
  ASSERT_RUNNING(tls_server);
  SmtpServer refusing({.reject_rcpt = 550});
  ASSERT_RUNNING(refusing);
  SmtpServer busy({.reject_rcpt = 450});
  ASSERT_RUNNING(busy);
  const Alert alert = make_alert("a-19", {"owner@example.com"});
  std::vector<DeliveryOutcome> outcomes;
  // The configured password is the one that must not show, whether right or wrong.
  for (const std::string& password : {std::string(kPassword), std::string("wrong-Sekret-1")}) {
    outcomes.push_back(
        SmtpSink(with_login(verified(tls_server.port(), SmtpTls::kStartTls), password), composer())
            .deliver(make_alert("a-20", {"nobody@example.com"})));
  }
  outcomes.push_back(
      SmtpSink(with_login(loopback(tls_server.port(), SmtpTls::kStartTls)), composer())
          .deliver(alert));
  outcomes.push_back(
      SmtpSink(with_login(loopback(refusing.port())), composer()).deliver(alert));
  outcomes.push_back(SmtpSink(with_login(loopback(busy.port())), composer()).deliver(alert));
  outcomes.push_back(SmtpSink(with_login(loopback(closed_port())), composer()).deliver(alert));
  SmtpOptions off_machine = with_login(loopback(25));
  off_machine.host = "mail.example.com";
  outcomes.push_back(SmtpSink(off_machine, composer()).deliver(alert));

  ASSERT_EQ(outcomes.size(), 7u);
  EXPECT_EQ(outcomes[0].kind, Kind::kOk) << outcomes[0].reason;
  for (size_t i = 1; i < outcomes.size(); ++i) {
    EXPECT_NE(outcomes[i].kind, Kind::kOk) << i;
    EXPECT_FALSE(outcomes[i].reason.empty()) << i;
    expect_no_secret(outcomes[i].reason);
    expect_no_secret(outcomes[i].reason, "wrong-Sekret-1");
  }
}

}  // namespace
}  // namespace sgwatch::smtp_sink_test
