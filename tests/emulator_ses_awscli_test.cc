// The emulator's SES against a real AWS client: Debian's awscli signs each call for "ses",
// serialises it in the Query protocol (lists as member.N, the raw message as base64) and
// parses each answer, errors included, by SES's service model.
#include <gtest/gtest.h>
#include <httplib.h>

#include <string>
#include <vector>

#include "awscli.h"
#include "core/digest.h"
#include "emulator_fixture.h"

namespace sgwatch::emulator_ses_awscli_test {
namespace {

using testing::AwsCli;
using testing::fails_with;
using testing::ok;

constexpr char kRegion[] = "us-east-1";
constexpr char kSender[] = "alerts@example.com";  // verified by the default seed

const std::string kRawMessage =
    "From: sgwatch <alerts@example.com>\r\nTo: ops@example.net\r\n"
    "Subject: sg-0123456789abcdef0 opened to the world\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n\r\nPort 22 is open to 0.0.0.0/0.\r\n";

class EmulatorSesAwsCliTest : public testing::EmulatorTest {
 protected:
  AwsCli cli(const std::string& secret = "emulator-admin-secret") const {
    return AwsCli(emulator_->endpoint(), "AKIAEMULATORADMIN000", secret, kRegion);
  }
};

TEST_F(EmulatorSesAwsCliTest, VerifiesAndReportsIdentities) {
  const AwsCli aws = cli();
  ok(aws, {"ses", "verify-email-identity", "--email-address", "ops@example.net"});
  const std::string token =
      ok(aws, {"ses", "verify-domain-identity", "--domain", "example.org"})["VerificationToken"];
  EXPECT_FALSE(token.empty());

  auto attributes = ok(aws, {"ses", "get-identity-verification-attributes", "--identities",
                             "ops@example.net", "nobody@example.net", "example.org", kSender});
  const auto& map = attributes["VerificationAttributes"];
  ASSERT_TRUE(map.is_object()) << attributes.dump();
  EXPECT_EQ(map.size(), 3u) << map.dump();  // unknown identities are left out
  EXPECT_EQ(map["ops@example.net"]["VerificationStatus"], "Success");
  EXPECT_EQ(map[kSender]["VerificationStatus"], "Success");
  EXPECT_EQ(map["example.org"]["VerificationStatus"], "Success");
  EXPECT_EQ(map["example.org"]["VerificationToken"], token);
  EXPECT_FALSE(map.contains("nobody@example.net"));

  auto emails = ok(aws, {"ses", "list-identities", "--identity-type", "EmailAddress"});
  EXPECT_EQ(emails["Identities"], nlohmann::json::array({kSender, "ops@example.net"}));
}

TEST_F(EmulatorSesAwsCliTest, SendsRawEmail) {
  const AwsCli aws = cli();
  auto sent = ok(aws, {"ses", "send-raw-email", "--source", kSender, "--destinations",
                       "ops@example.net", "lead@example.net", "--raw-message",
                       "Data=" + base64(kRawMessage)});
  const std::string id = sent["MessageId"];
  // Without --source or --destinations, the message's own From and To decide.
  ok(aws, {"ses", "send-raw-email", "--raw-message", "Data=" + base64(kRawMessage)});

  auto mail = emulator_->ses().messages();
  ASSERT_EQ(mail.size(), 2u);
  EXPECT_EQ(mail[0].message_id, id);
  EXPECT_EQ(mail[0].source, kSender);
  EXPECT_EQ(mail[0].destinations,
            (std::vector<std::string>{"ops@example.net", "lead@example.net"}));
  EXPECT_EQ(mail[0].raw, kRawMessage);
  EXPECT_EQ(mail[0].region, kRegion);
  EXPECT_EQ(mail[1].source, kSender);
  EXPECT_EQ(mail[1].destinations, (std::vector<std::string>{"ops@example.net"}));

  // The admin endpoint shows the same.
  httplib::Client admin("127.0.0.1", emulator_->port());
  auto listed = admin.Get("/_emulator/ses/messages");
  ASSERT_TRUE(listed);
  nlohmann::json json = nlohmann::json::parse(listed->body);
  ASSERT_EQ(json["messages"].size(), 2u);
  EXPECT_EQ(json["messages"][0]["message_id"], id);
  EXPECT_EQ(json["messages"][0]["raw_message"], kRawMessage);
}

TEST_F(EmulatorSesAwsCliTest, SendsEmailFromParts) {
  ok(cli(), {"ses", "send-email", "--from", kSender, "--to", "ops@example.net", "--subject",
             "sg opened", "--text", "Port 22 is open."});
  auto mail = emulator_->ses().messages();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].action, "SendEmail");
  EXPECT_EQ(mail[0].destinations, (std::vector<std::string>{"ops@example.net"}));
  EXPECT_NE(mail[0].raw.find("Subject: sg opened\r\n"), std::string::npos) << mail[0].raw;
}

TEST_F(EmulatorSesAwsCliTest, ErrorsAsSesWritesThem) {
  const AwsCli aws = cli();
  const std::string data = "Data=" + base64(kRawMessage);
  fails_with(aws, {"ses", "send-raw-email", "--source", "ops@unverified.example", "--raw-message",
                   data},
             "MessageRejected");
  std::vector<std::string> too_many = {"ses", "send-raw-email", "--source", kSender,
                                       "--raw-message", data, "--destinations"};
  for (int i = 0; i < 51; ++i) too_many.push_back("r" + std::to_string(i) + "@example.net");
  fails_with(aws, too_many, "InvalidParameterValue");
  fails_with(aws, {"ses", "send-raw-email", "--raw-message", data, "--configuration-set-name",
                   "missing"},
             "ConfigurationSetDoesNotExist");

  emulator_->faults().add(emulator::FaultRule{emulator::FaultKind::kThrottle, "ses",
                                              "SendRawEmail", 0, 1, 1, {}});
  fails_with(aws, {"ses", "send-raw-email", "--raw-message", data}, "Throttling");
  fails_with(cli("wrong-secret"), {"ses", "list-identities"}, "SignatureDoesNotMatch");
  EXPECT_TRUE(emulator_->ses().messages().empty());
}

}  // namespace
}  // namespace sgwatch::emulator_ses_awscli_test
