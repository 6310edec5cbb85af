// The seed story end to end, with the destinations people read: department B's identity
// adds RDP from the world (with the AWS CLI) to department A's group, tagged
// NotifyOnChange=Yes and OwnerDL=team-a@example.com, and to department C's, tagged
// NotifyOnChange=No. `sgwatch once` finds the changes and their CloudTrail records; the
// security team's Slack webhook gets a Block Kit message naming B's identity, address, the
// rule and a critical finding; team A gets the email through SMTP (a real aiosmtpd server,
// the message read by Python's email package) and through SES (the emulator keeps it);
// team C gets nothing.
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "awscli.h"
#include "cli_runner.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "emulator_env.h"
#include "notify/slack_message.h"
#include "offset_clock.h"
#include "scoped_env.h"
#include "smtp_server.h"
#include "temp_dir.h"
#include "webhook_receiver.h"

namespace sgwatch::email_alerts_test {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kAccount = "111122223333";
constexpr const char* kRegion = "eu-west-1";
constexpr const char* kDeptB = "arn:aws:iam::111122223333:user/dept-b";

json seed() {
  return json::parse(R"({
    "regions": ["eu-west-1"],
    "accounts": [{
      "id": "111122223333",
      "users": [
        {"name": "sgwatch", "access_key_id": "AKIAEMULATORSGWATCH0", "secret_access_key": "sgw"},
        {"name": "dept-b", "access_key_id": "AKIAEMULATORDEPTB000", "secret_access_key": "dpb"}
      ],
      "ses": {"identities": [{"region": "eu-west-1", "identity": "example.com"}]}
    }]
  })");
}

// A header's value from raw message text, unfolded as RFC 5322 says: a CRLF before
// whitespace is removed, the whitespace kept.
std::string raw_header(const std::string& raw, const std::string& name) {
  std::string unfolded;
  for (size_t at = 0; at < raw.size(); ++at) {
    if (raw.compare(at, 3, "\r\n ") == 0) {
      ++at;  // past the CR; the loop steps past the LF
      continue;
    }
    unfolded += raw[at];
  }
  const size_t start = unfolded.find("\r\n" + name + ": ");
  if (start == std::string::npos) return "";
  const size_t value = start + name.size() + 4;
  return unfolded.substr(value, unfolded.find("\r\n", value) - value);
}

class EmailAlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(smtp_.running()) << smtp_.failure();
    emulator::EmulatorOptions options;
    options.regions = {kRegion};
    auto started = emulator::Emulator::start(options, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    auto seeded = emulator::apply_seed(*emulator_, seed());
    ASSERT_TRUE(seeded) << seeded.error();
    emulator_->trail().set_lookup_rate_limit(false);
    testing::use_emulator(env_, emulator_->endpoint(), dir_, {"AKIAEMULATORSGWATCH0", "sgw"},
                          kRegion);
    team_a_ = create_group("web-dept-a", {{"NotifyOnChange", "Yes"},
                                          {"OwnerDL", "team-a@example.com"}});
    team_c_ = create_group("batch-dept-c", {{"NotifyOnChange", "No"},
                                            {"OwnerDL", "team-c@example.com"}});
    write_config();
  }

  std::string create_group(const std::string& name, const emulator::Tags& tags) {
    auto id = emulator_->ec2().create_group(kAccount, kRegion, name, name + " servers", "", tags);
    EXPECT_TRUE(id);
    return id ? *id : "";
  }

  // The security team hears of everything on Slack; owners by email, both ways.
  void write_config() {
    const std::string path = dir_.file("sgwatch.toml");
    std::ofstream(path) << "[routing]\nowner_destinations = [\"owners-smtp\", \"owners-ses\"]\n"
                        << "coalesce = \"0s\"\n"
                        << "[[routes]]\nname = \"security team\"\n"
                        << "destinations = [\"security-slack\"]\n"
                        << "[[destinations]]\nname = \"security-slack\"\ntype = \"slack\"\n"
                        << "url = \"" << slack_.url("/services/T000/B000/TOKEN") << "\"\n"
                        << "[[destinations]]\nname = \"owners-smtp\"\ntype = \"smtp\"\n"
                        << "host = \"127.0.0.1\"\nport = " << smtp_.port() << "\n"
                        << "tls = \"none\"\nfrom = \"sgwatch <alerts@example.com>\"\n"
                        << "[[destinations]]\nname = \"owners-ses\"\ntype = \"ses\"\n"
                        << "region = \"eu-west-1\"\nfrom = \"sgwatch <alerts@example.com>\"\n";
    env_.set("SGWATCH_CONFIG", path);
  }

  testing::CliOutcome sgwatch(std::vector<std::string> args) {
    args.insert(args.begin(), {"--store", dir_.file("store.db")});
    return testing::run_sgwatch(std::move(args), clock_);
  }

  void dept_b_opens_rdp(const std::string& group) {
    testing::AwsCli dept_b(emulator_->endpoint(), "AKIAEMULATORDEPTB000", "dpb");
    auto opened = dept_b.run({"ec2", "authorize-security-group-ingress", "--group-id", group,
                              "--protocol", "tcp", "--port", "3389", "--cidr", "0.0.0.0/0"});
    ASSERT_EQ(opened.exit_code, 0) << opened.err;
  }

  testing::OffsetClock clock_;
  std::unique_ptr<emulator::Emulator> emulator_;
  testing::TempDir dir_;
  testing::ScopedEnv env_;
  testing::WebhookReceiver slack_;
  testing::SmtpServer smtp_;
  std::string team_a_, team_c_;
};

TEST_F(EmailAlertsTest, TheOwnerIsMailedAndTheSecurityChannelToldWhoDidWhat) {
  auto baseline = sgwatch({"once"});
  ASSERT_EQ(baseline.code, 0) << baseline.err;
  ASSERT_EQ(slack_.count(), 1u);  // the baseline: for the routes, never for owners

  dept_b_opens_rdp(team_a_);
  dept_b_opens_rdp(team_c_);
  clock_.advance(seconds(60));
  auto changed = sgwatch({"once"});
  ASSERT_EQ(changed.code, 0) << changed.err << changed.out;

  // SMTP: one message, to team A only, read by Python's email package.
  auto mails = smtp_.wait_for_messages(1, seconds(5));
  ASSERT_EQ(mails.size(), 1u);
  const json& mail = mails[0];
  EXPECT_EQ(mail["mail_from"], "alerts@example.com");
  EXPECT_EQ(mail["rcpt_tos"], json::array({"team-a@example.com"}));
  EXPECT_EQ(mail["defects"], json::array());
  const std::string subject = mail["header"]["Subject"];
  EXPECT_EQ(subject, "[sgwatch] CRITICAL " + team_a_ +
                         " (web-dept-a): tcp/3389 from 0.0.0.0/0 added by dept-b");
  EXPECT_EQ(mail["header"]["From"], "sgwatch <alerts@example.com>");
  EXPECT_EQ(mail["header"]["To"], "team-a@example.com");
  EXPECT_NE(mail["header"]["List-Id"].get<std::string>().find("<owners-smtp.sgwatch.example.com>"),
            std::string::npos);
  EXPECT_EQ(mail["header"]["Auto-Submitted"], "auto-generated");
  EXPECT_FALSE(mail["header"]["Date"].get<std::string>().empty());
  const std::string message_id = mail["header"]["Message-ID"];
  EXPECT_TRUE(message_id.starts_with("<a-") && message_id.ends_with("@example.com>")) << message_id;
  EXPECT_EQ(mail["content_type"], "multipart/alternative");
  ASSERT_EQ(mail["parts"].size(), 2u);
  EXPECT_EQ(mail["parts"][0]["content_type"], "text/plain");
  EXPECT_EQ(mail["parts"][1]["content_type"], "text/html");
  for (const json& part : mail["parts"]) {
    EXPECT_EQ(part["charset"], "utf-8");
    EXPECT_EQ(part["transfer_encoding"], "base64");
    const std::string content = part["content"];
    for (const std::string& expected :
         {std::string(kDeptB), std::string("127.0.0.1"), std::string("awscli"),
          std::string("ingress tcp/3389 from 0.0.0.0/0"), std::string("CRITICAL"),
          std::string("tcp/3389 (RDP) open to the world")}) {
      EXPECT_NE(content.find(expected), std::string::npos) << expected << " in\n" << content;
    }
  }
  EXPECT_NE(mail["parts"][0]["content"].get<std::string>().find("owner tag lists this address"),
            std::string::npos);

  // SES: the same story, kept by the emulator.
  auto sent = emulator_->ses().messages();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].source, "alerts@example.com");
  EXPECT_EQ(sent[0].destinations, std::vector<std::string>{"team-a@example.com"});
  EXPECT_EQ(raw_header(sent[0].raw, "Subject"), subject);
  EXPECT_EQ(raw_header(sent[0].raw, "To"), "team-a@example.com");

  // Slack: both groups (the security route takes every alert), each naming dept B.
  ASSERT_TRUE(slack_.wait_for_count(3, std::chrono::milliseconds(5000)));
  std::set<std::string> headers;
  for (const auto& request : slack_.requests()) {
    const json message = json::parse(request.body);
    const std::string header = message["blocks"][0]["text"]["text"];
    if (header.find("account") != std::string::npos) continue;  // the baseline's
    headers.insert(header);
    EXPECT_LE(message["blocks"].size(), SlackLimits::kBlocks);
    const std::string text = slack_message_text(message);
    for (const std::string& expected :
         {"`" + std::string(kDeptB) + "` (IAMUser)", std::string("*From* 127.0.0.1 · awscli"),
          std::string("`ingress tcp/3389 from 0.0.0.0/0`"),
          std::string(":red_circle: *CRITICAL* tcp/3389 (RDP) open to the world"),
          std::string("*Attribution* attributed from CloudTrail")}) {
      EXPECT_NE(text.find(expected), std::string::npos) << expected << " in\n" << text;
    }
    EXPECT_NE(message["text"].get<std::string>().find("added by dept-b"), std::string::npos);
  }
  EXPECT_EQ(headers, (std::set<std::string>{"CRITICAL " + team_a_ + " (web-dept-a)",
                                            "CRITICAL " + team_c_ + " (batch-dept-c)"}));

  // Nothing more on a quiet run: no repeat anywhere.
  auto quiet = sgwatch({"once"});
  ASSERT_EQ(quiet.code, 0) << quiet.err;
  EXPECT_EQ(smtp_.messages().size(), 1u);
  EXPECT_EQ(emulator_->ses().messages().size(), 1u);
  EXPECT_EQ(slack_.count(), 3u);
}

TEST_F(EmailAlertsTest, ValidateChecksTheSmtpServerAndTheSesIdentity) {
  auto checked = sgwatch({"validate"});
  EXPECT_EQ(checked.code, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("destination owners-smtp"), std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find("127.0.0.1:" + std::to_string(smtp_.port()) + " answers"),
            std::string::npos)
      << checked.out;
  EXPECT_NE(checked.out.find("SES in eu-west-1 may send as alerts@example.com"),
            std::string::npos)
      << checked.out;
  EXPECT_EQ(checked.out.find("TOKEN"), std::string::npos) << checked.out;

  // An unverified sender is a failed check that says so.
  const std::string path = dir_.file("sgwatch.toml");
  std::ofstream(path, std::ios::app) << "[[destinations]]\nname = \"unverified\"\ntype = \"ses\"\n"
                                     << "region = \"eu-west-1\"\nfrom = \"x@elsewhere.org\"\n";
  auto failed = sgwatch({"validate"});
  EXPECT_EQ(failed.code, 1) << failed.out;
  EXPECT_NE(failed.out.find("x@elsewhere.org is not verified in eu-west-1"), std::string::npos)
      << failed.out;
}

}  // namespace
}  // namespace sgwatch::email_alerts_test
