#include "notify/sinks/ses_sink.h"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "aws/curl_transport.h"
#include "aws/profile_credentials.h"
#include "emulator/faults.h"
#include "emulator_fixture.h"

namespace sgwatch::ses_sink_test {
namespace {

using Kind = DeliveryOutcome::Kind;
using emulator::FaultKind;
using emulator::FaultRule;

constexpr char kAccount[] = "111122223333";
constexpr char kRegion[] = "us-east-1";
constexpr char kSender[] = "alerts@example.com";  // verified by the default seed

Alert make_alert(std::string id) {
  return Alert{
      .id = std::move(id),
      .destination = "owners-mail",
      .kind = AlertKind::kChange,
      .scope = Scope{AccountId::parse(kAccount).value(), Region::parse(kRegion).value()},
      .group = GroupId::parse("sg-0123456789abcdef0").value(),
      .revisions = {},
      .events = {},
      .severity = std::nullopt,
      .recipients = {},
      .body = "{}",
      .created_at = Timestamp{},
      .deliver_after = Timestamp{},
  };
}

std::vector<std::string> recipients(int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back("owner" + std::to_string(i) + "@example.net");
  return out;
}

// The composer's part is done elsewhere; here any email with a recognisable message will do.
EmailComposer composer(std::string from, std::vector<std::string> to) {
  return [from = std::move(from), to = std::move(to)](const Alert& alert) -> Result<OutgoingEmail> {
    OutgoingEmail email;
    email.from = from;
    email.recipients = to;
    email.message_id = "<" + alert.id + "@sgwatch>";
    email.mime = "From: " + from + "\r\nTo: undisclosed-recipients:;\r\nSubject: " + alert.id +
                 "\r\nMessage-ID: " + email.message_id +
                 "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                 "Port 22 of sg-0123456789abcdef0 is open to the world.\r\n";
    return email;
  };
}

// Fixed credentials that count how often they were declared expired.
class CountingCredentials final : public CredentialProvider {
 public:
  explicit CountingCredentials(AwsCredentials credentials) : credentials_(std::move(credentials)) {}
  Result<AwsCredentials> credentials() override { return credentials_; }
  std::string name() const override { return "test"; }
  void invalidate() override { ++invalidated; }
  int invalidated = 0;

 private:
  AwsCredentials credentials_;
};

class SesSinkTest : public testing::EmulatorTest {
 protected:
  SesSinkTest() : transport_(loopback_transport()) {}

  static CurlTransportOptions loopback_options() {
    CurlTransportOptions options;
    options.allow_only_loopback = true;
    options.connect_timeout = std::chrono::milliseconds(2000);
    options.total_timeout = std::chrono::milliseconds(10000);
    return options;
  }
  static std::unique_ptr<CurlTransport> loopback_transport() {
    return std::make_unique<CurlTransport>(loopback_options());
  }

  EnvLookup env() const {
    return [endpoint = emulator_->endpoint()](
               const std::string& name) -> std::optional<std::string> {
      if (name == "AWS_ENDPOINT_URL_SES") return endpoint;
      return std::nullopt;
    };
  }

  SesSink sink(EmailComposer compose, SesOptions options = {.region = kRegion},
               CredentialProvider* credentials = nullptr) {
    return SesSink(std::move(options), *transport_, credentials ? *credentials : admin_, env(),
                   clock_, std::move(compose));
  }

  Status check_identity(const std::string& from, CredentialProvider* credentials = nullptr) {
    return check_ses_identity(SesOptions{.region = kRegion}, *transport_,
                              credentials ? *credentials : admin_, env(), clock_, from);
  }

  std::vector<emulator::SesMessage> mail() const { return emulator_->ses().messages(); }
  uint64_t sends() const { return emulator_->calls().calls("ses", "SendRawEmail"); }

  std::unique_ptr<CurlTransport> transport_;
  CountingCredentials admin_{
      AwsCredentials{"AKIAEMULATORADMIN000", "emulator-admin-secret", "", {}}};
};

TEST_F(SesSinkTest, DeliversTheComposedMessageAsIs) {
  const EmailComposer compose = composer(kSender, {"a@example.net", "b@example.net"});
  SesSink ses = sink(compose);
  EXPECT_EQ(ses.describe(), "ses us-east-1");

  DeliveryOutcome outcome = ses.deliver(make_alert("a-1"));
  ASSERT_EQ(outcome.kind, Kind::kOk) << outcome.reason;
  auto sent = mail();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].action, "SendRawEmail");
  EXPECT_EQ(sent[0].account_id, kAccount);
  EXPECT_EQ(sent[0].region, kRegion);
  EXPECT_EQ(sent[0].source, kSender);
  EXPECT_EQ(sent[0].destinations, (std::vector<std::string>{"a@example.net", "b@example.net"}));
  EXPECT_EQ(sent[0].raw, compose(make_alert("a-1"))->mime);
  EXPECT_EQ(sent[0].configuration_set, "");
  EXPECT_EQ(sends(), 1u);
}

TEST_F(SesSinkTest, NamesTheConfigurationSet) {
  emulator_->ses().add_configuration_set(kAccount, kRegion, "alert-mail");
  SesSink ses = sink(composer(kSender, {"a@example.net"}),
                     SesOptions{.region = kRegion, .configuration_set = "alert-mail"});
  ASSERT_EQ(ses.deliver(make_alert("a-1")).kind, Kind::kOk);
  ASSERT_EQ(mail().size(), 1u);
  EXPECT_EQ(mail()[0].configuration_set, "alert-mail");

  SesSink missing = sink(composer(kSender, {"a@example.net"}),
                         SesOptions{.region = kRegion, .configuration_set = "gone"});
  DeliveryOutcome outcome = missing.deliver(make_alert("a-2"));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("ConfigurationSetDoesNotExist"), std::string::npos)
      << outcome.reason;
}

TEST_F(SesSinkTest, MoreThanFiftyRecipientsGoOutInBatches) {
  const std::vector<std::string> everyone = recipients(120);
  SesSink ses = sink(composer(kSender, everyone));
  DeliveryOutcome outcome = ses.deliver(make_alert("a-1"));
  ASSERT_EQ(outcome.kind, Kind::kOk) << outcome.reason;

  auto sent = mail();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sends(), 3u);
  EXPECT_EQ(sent[0].destinations,
            std::vector<std::string>(everyone.begin(), everyone.begin() + 50));
  EXPECT_EQ(sent[1].destinations,
            std::vector<std::string>(everyone.begin() + 50, everyone.begin() + 100));
  EXPECT_EQ(sent[2].destinations, std::vector<std::string>(everyone.begin() + 100, everyone.end()));
  EXPECT_EQ(sent[0].raw, sent[2].raw);
}

TEST_F(SesSinkTest, RetryAfterAPartialFailureSendsOnlyTheMissingBatches) {
  const std::vector<std::string> everyone = recipients(120);
  SesSink ses = sink(composer(kSender, everyone));
  // The second call fails once.
  emulator_->faults().add(FaultRule{FaultKind::kServerError, "ses", "SendRawEmail", 0, 2, 1, {}});

  DeliveryOutcome first = ses.deliver(make_alert("a-1"));
  ASSERT_EQ(first.kind, Kind::kRetry);
  EXPECT_NE(first.reason.find("InternalFailure"), std::string::npos) << first.reason;
  EXPECT_NE(first.reason.find("50 of 120 recipients"), std::string::npos) << first.reason;
  EXPECT_EQ(mail().size(), 1u);
  EXPECT_EQ(sends(), 2u);  // the third batch was not tried after the failure

  // Another alert is not affected by the first one's progress.
  ASSERT_EQ(sink(composer(kSender, {"x@example.net"})).deliver(make_alert("a-2")).kind, Kind::kOk);
  emulator_->ses().clear_messages();

  DeliveryOutcome second = ses.deliver(make_alert("a-1"));
  ASSERT_EQ(second.kind, Kind::kOk) << second.reason;
  auto sent = mail();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].destinations,
            std::vector<std::string>(everyone.begin() + 50, everyone.begin() + 100));
  EXPECT_EQ(sent[1].destinations, std::vector<std::string>(everyone.begin() + 100, everyone.end()));
  EXPECT_EQ(sends(), 5u);

  // Once delivered, the progress is forgotten: delivering the alert again sends it again.
  ASSERT_EQ(ses.deliver(make_alert("a-1")).kind, Kind::kOk);
  EXPECT_EQ(mail().size(), 5u);
}

TEST_F(SesSinkTest, AnUnverifiedSenderIsFatalAndNamed) {
  SesSink ses = sink(composer("Ops <ops@unverified.example>", {"a@example.net"}));
  DeliveryOutcome outcome = ses.deliver(make_alert("a-1"));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("ses:SendRawEmail in us-east-1 failed: MessageRejected"),
            std::string::npos)
      << outcome.reason;
  EXPECT_NE(outcome.reason.find("ops@unverified.example"), std::string::npos) << outcome.reason;
  EXPECT_TRUE(mail().empty());
}

TEST_F(SesSinkTest, ThrottlingAndServerErrorsAreRetried) {
  SesSink ses = sink(composer(kSender, {"a@example.net"}));
  emulator_->faults().add(FaultRule{FaultKind::kThrottle, "ses", "SendRawEmail", 0, 1, 1, {}});
  DeliveryOutcome throttled = ses.deliver(make_alert("a-1"));
  EXPECT_EQ(throttled.kind, Kind::kRetry);
  EXPECT_NE(throttled.reason.find("Throttling: Maximum sending rate exceeded."), std::string::npos)
      << throttled.reason;

  emulator_->faults().add(FaultRule{FaultKind::kServerError, "ses", "SendRawEmail", 0, 1, 1, {}});
  DeliveryOutcome failed = ses.deliver(make_alert("a-1"));
  EXPECT_EQ(failed.kind, Kind::kRetry);
  EXPECT_NE(failed.reason.find("InternalFailure"), std::string::npos) << failed.reason;

  emulator_->faults().add(FaultRule{FaultKind::kDrop, "ses", "SendRawEmail", 0, 1, 1, {}});
  EXPECT_EQ(ses.deliver(make_alert("a-1")).kind, Kind::kRetry);

  EXPECT_EQ(ses.deliver(make_alert("a-1")).kind, Kind::kOk);
  // The dropped call was served before its answer was lost, as it may be against SES.
  EXPECT_EQ(mail().size(), 2u);
}

TEST_F(SesSinkTest, ExpiredCredentialsAreRefreshedAndRetried) {
  auto admin = emulator_->identities().caller_for("AKIAEMULATORADMIN000", "");
  ASSERT_TRUE(admin);
  auto session = emulator_->identities().assume_role(
      *admin, "arn:aws:iam::111122223333:role/sgwatch-reader", "ses-sink", "sgwatch",
      std::chrono::hours(1));
  ASSERT_TRUE(session);
  CountingCredentials temporary(AwsCredentials{session->first.access_key_id,
                                               session->first.secret_access_key,
                                               session->first.session_token, std::nullopt});
  SesSink ses =
      sink(composer(kSender, {"a@example.net"}), SesOptions{.region = kRegion}, &temporary);
  ASSERT_EQ(ses.deliver(make_alert("a-1")).kind, Kind::kOk);

  emulator_->identities().expire_sessions();
  DeliveryOutcome outcome = ses.deliver(make_alert("a-2"));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.reason.find("ExpiredToken"), std::string::npos) << outcome.reason;
  EXPECT_EQ(temporary.invalidated, 1);
}

TEST_F(SesSinkTest, RefusalsAreFatal) {
  emulator_->identities().add_user(kAccount, "no-mail", "AKIAEMULATORNOMAIL00", "no-mail-secret",
                                   {"ses:SendRawEmail"});
  CountingCredentials no_mail(AwsCredentials{"AKIAEMULATORNOMAIL00", "no-mail-secret", "", {}});
  DeliveryOutcome denied =
      sink(composer(kSender, {"a@example.net"}), SesOptions{.region = kRegion}, &no_mail)
          .deliver(make_alert("a-1"));
  EXPECT_EQ(denied.kind, Kind::kFatal);
  EXPECT_NE(denied.reason.find("AccessDenied"), std::string::npos) << denied.reason;
  EXPECT_NE(denied.reason.find("lacks the IAM permission ses:SendRawEmail"), std::string::npos)
      << denied.reason;

  emulator_->ses().set_sending_paused(kAccount, kRegion, true);
  DeliveryOutcome paused = sink(composer(kSender, {"a@example.net"})).deliver(make_alert("a-1"));
  EXPECT_EQ(paused.kind, Kind::kFatal);
  EXPECT_NE(paused.reason.find("AccountSendingPausedException"), std::string::npos)
      << paused.reason;
  EXPECT_TRUE(mail().empty());
}

TEST_F(SesSinkTest, NoCredentialInAnyReason) {
  // A known key with the wrong secret: SES (and the emulator) answer SignatureDoesNotMatch
  // and quote the canonical request, session token included.
  const std::string secret = "wrong-secret-0123456789abcdefghijklmnop";
  const std::string token = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789abcdefghij";
  CountingCredentials wrong(AwsCredentials{"AKIAEMULATORADMIN000", secret, token, {}});
  DeliveryOutcome outcome =
      sink(composer(kSender, {"a@example.net"}), SesOptions{.region = kRegion}, &wrong)
          .deliver(make_alert("a-1"));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("SignatureDoesNotMatch"), std::string::npos) << outcome.reason;
  EXPECT_EQ(outcome.reason.find(secret), std::string::npos) << outcome.reason;
  EXPECT_EQ(outcome.reason.find(token), std::string::npos) << outcome.reason;
  EXPECT_EQ(outcome.reason.find("FwoG"), std::string::npos) << outcome.reason;

  Status checked = check_identity(kSender, &wrong);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().message.find(token), std::string::npos) << checked.error().message;
  EXPECT_EQ(checked.error().message.find(secret), std::string::npos) << checked.error().message;
}

TEST_F(SesSinkTest, TransportFailures) {
  // Nothing listens on the emulator's port once it has stopped.
  emulator_->stop();
  DeliveryOutcome unreachable =
      sink(composer(kSender, {"a@example.net"})).deliver(make_alert("a-1"));
  EXPECT_EQ(unreachable.kind, Kind::kRetry);
  EXPECT_NE(unreachable.reason.find("cannot connect"), std::string::npos) << unreachable.reason;

  // Refused by the transport's policy before any connection: the same every time.
  EnvLookup elsewhere = [](const std::string& name) -> std::optional<std::string> {
    if (name == "AWS_ENDPOINT_URL_SES") return "http://192.0.2.10:4566";
    return std::nullopt;
  };
  SesSink refused(SesOptions{.region = kRegion}, *transport_, admin_, elsewhere, clock_,
                  composer(kSender, {"a@example.net"}));
  EXPECT_EQ(refused.deliver(make_alert("a-1")).kind, Kind::kFatal);

  SesSink cancelled = sink(composer(kSender, {"a@example.net"}));
  cancelled.cancel();
  DeliveryOutcome outcome = cancelled.deliver(make_alert("a-1"));
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_NE(outcome.reason.find("cancelled"), std::string::npos) << outcome.reason;
}

TEST_F(SesSinkTest, ComposerErrorsAndBadOptionsAreFatalWithoutACall) {
  EmailComposer broken = [](const Alert&) -> Result<OutgoingEmail> {
    return invalid("the alert names no owner");
  };
  DeliveryOutcome outcome = sink(broken).deliver(make_alert("a-1"));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_EQ(outcome.reason, "ses us-east-1: cannot compose the email: the alert names no owner");
  EXPECT_EQ(sink(composer(kSender, {})).deliver(make_alert("a-1")).kind, Kind::kFatal);

  DeliveryOutcome no_region =
      sink(composer(kSender, {"a@example.net"}), SesOptions{.region = ""})
          .deliver(make_alert("a-1"));
  EXPECT_EQ(no_region.kind, Kind::kFatal);
  EXPECT_NE(no_region.reason.find("region is empty"), std::string::npos) << no_region.reason;
  EXPECT_EQ(sends(), 0u);

  EXPECT_TRUE(check_ses_options(SesOptions{"eu-west-1", "", std::chrono::seconds(5)}));
  EXPECT_FALSE(check_ses_options(SesOptions{"EU West 1", "", std::chrono::seconds(5)}));
  EXPECT_FALSE(check_ses_options(SesOptions{"eu-west-1", "", std::chrono::seconds(0)}));
  EXPECT_FALSE(make_ses_sink(SesOptions{"", "", std::chrono::seconds(5)}, admin_, env(), clock_,
                             composer(kSender, {"a@example.net"})));
}

TEST_F(SesSinkTest, MadeWithItsOwnTransport) {
  auto made = make_ses_sink(SesOptions{kRegion, "", std::chrono::seconds(10)}, admin_, env(),
                            clock_, composer(kSender, {"a@example.net"}), true);
  ASSERT_TRUE(made) << made.error().message;
  DeliveryOutcome outcome = (*made)->deliver(make_alert("a-1"));
  EXPECT_EQ(outcome.kind, Kind::kOk) << outcome.reason;
  EXPECT_EQ(mail().size(), 1u);
}

TEST_F(SesSinkTest, CheckIdentityAcceptsAVerifiedAddressOrDomain) {
  EXPECT_TRUE(check_identity(kSender));
  EXPECT_TRUE(check_identity("sgwatch alerts <alerts@example.com>"));
  emulator_->ses().set_identity(kAccount, kRegion, "mail.example.org");
  EXPECT_TRUE(check_identity("anyone@Mail.Example.org"));
  // Nothing was sent.
  EXPECT_EQ(sends(), 0u);
  EXPECT_EQ(emulator_->calls().calls("ses", "GetIdentityVerificationAttributes"), 3u);
}

TEST_F(SesSinkTest, CheckIdentityNamesWhatIsNotVerified) {
  emulator_->ses().set_identity(kAccount, kRegion, "later@example.org",
                                emulator::SesVerification::kPending);
  Status pending = check_identity("later@example.org");
  ASSERT_FALSE(pending);
  EXPECT_EQ(pending.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(pending.error().message,
            "ses us-east-1: the sender later@example.org is not verified in us-east-1 "
            "(later@example.org: verification status Pending; example.org: not an identity in "
            "this account)");

  Status unknown = check_identity("nobody@example.org");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message,
            "ses us-east-1: the sender nobody@example.org is not verified in us-east-1 "
            "(nobody@example.org: not an identity in this account; example.org: not an "
            "identity in this account)");

  // Verified in another region only.
  Status elsewhere = check_ses_identity(SesOptions{.region = "eu-west-1"}, *transport_, admin_,
                                        env(), clock_, "later@example.org");
  ASSERT_FALSE(elsewhere);
  EXPECT_NE(elsewhere.error().message.find("not verified in eu-west-1"), std::string::npos);

  Status not_an_address = check_identity("alerts");
  ASSERT_FALSE(not_an_address);
  EXPECT_EQ(not_an_address.error().code, ErrorCode::kInvalidInput);
}

TEST_F(SesSinkTest, CheckIdentityReportsAFailedCall) {
  emulator_->identities().add_user(kAccount, "no-ses", "AKIAEMULATORNOSES000", "no-ses-secret",
                                   {"ses:*"});
  CountingCredentials no_ses(AwsCredentials{"AKIAEMULATORNOSES000", "no-ses-secret", "", {}});
  Status denied = check_identity(kSender, &no_ses);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::kIo);
  EXPECT_NE(denied.error().message.find(
                "ses:GetIdentityVerificationAttributes in us-east-1 failed: AccessDenied"),
            std::string::npos)
      << denied.error().message;

  emulator_->faults().add(FaultRule{FaultKind::kThrottle, "ses", "", 0, 1, 1, {}});
  Status throttled = check_identity(kSender);
  ASSERT_FALSE(throttled);
  EXPECT_NE(throttled.error().message.find("Throttling"), std::string::npos);
}

}  // namespace
}  // namespace sgwatch::ses_sink_test
