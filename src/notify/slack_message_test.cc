#include "notify/slack_message.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "alert_documents.h"
#include "test_support.h"

namespace sgwatch::slack_message_test {
namespace {

using nlohmann::json;
using testing::alert_document;
using testing::documented_alert;
using testing::documented_change_record;

AlertView view_of(const std::string& document) { return testing::readable(document); }

// Every mrkdwn or plain text of the message, with the block it is in.
std::vector<std::pair<std::string, std::string>> texts(const json& message) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const json& block : message["blocks"]) {
    const std::string type = block["type"];
    if (block.contains("text")) out.emplace_back(type, block["text"]["text"]);
    for (const json& field : block.value("fields", json::array())) out.emplace_back("field", field["text"]);
    for (const json& element : block.value("elements", json::array())) {
      out.emplace_back(type, element["text"]);
    }
  }
  return out;
}

std::string all_text(const json& message) {
  std::string out;
  for (const auto& [type, text] : texts(message)) out += text + "\n";
  return out;
}

// Slack refuses a whole message that breaks any of these.
void expect_within_slack_limits(const json& message) {
  ASSERT_TRUE(message["text"].is_string());
  ASSERT_TRUE(message["blocks"].is_array());
  EXPECT_LE(message["blocks"].size(), SlackLimits::kBlocks);
  for (const json& block : message["blocks"]) {
    const std::string type = block["type"];
    ASSERT_TRUE(type == "header" || type == "section" || type == "context") << type;
    if (type == "header") {
      EXPECT_EQ(block["text"]["type"], "plain_text");
      EXPECT_LE(block["text"]["text"].get<std::string>().size(), SlackLimits::kHeaderText);
    }
    if (type == "section") {
      EXPECT_TRUE(block.contains("text") || block.contains("fields"));
      if (block.contains("text")) {
        EXPECT_EQ(block["text"]["type"], "mrkdwn");
        EXPECT_EQ(block["text"]["verbatim"], true);  // no mention or link from AWS text
        EXPECT_LE(block["text"]["text"].get<std::string>().size(), SlackLimits::kSectionText);
        EXPECT_FALSE(block["text"]["text"].get<std::string>().empty());
      }
      if (block.contains("fields")) {
        EXPECT_LE(block["fields"].size(), SlackLimits::kFields);
        for (const json& field : block["fields"]) {
          EXPECT_LE(field["text"].get<std::string>().size(), SlackLimits::kFieldText);
        }
      }
    }
    if (type == "context") {
      EXPECT_LE(block["elements"].size(), 10u);
    }
  }
}

TEST(SlackMessage, TheDocumentedChangeSaysWhoWhatWhereAndHowBad) {
  json message = slack_message(view_of(documented_alert()));
  expect_within_slack_limits(message);
  EXPECT_EQ(message["text"],
            "[sgwatch] CRITICAL sg-0123456789abcdef0 (web-dept-a): tcp/3389 from 0.0.0.0/0 "
            "added by dept-b-engineer");
  EXPECT_EQ(message["blocks"][0]["type"], "header");
  EXPECT_EQ(message["blocks"][0]["text"]["text"], "CRITICAL sg-0123456789abcdef0 (web-dept-a)");
  const std::string text = all_text(message);
  for (const char* expected :
       {"*Account*\n111122223333", "*Region*\nus-east-1",
        "*Who*\n`arn:aws:iam::111122223333:user/dept-b-engineer` (IAMUser)",
        "*From*\n203.0.113.7 · awscli", "*When*\n2026-11-23T10:14:41Z",
        "*Attribution*\nattributed from CloudTrail",
        "*Added*\n• `ingress tcp/3389 from 0.0.0.0/0 “RDP for dept B vendor”`",
        "*Findings*\n• :red_circle: *CRITICAL* tcp/3389 (RDP) open to the world (0.0.0.0/0)",
        "alert `a-0123456789abcdef0123456789abcdef` · revision 42",
        "aws-cli/2.9.19"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\nin:\n" << text;
  }
}

TEST(SlackMessage, TextFromAwsCannotMentionOrBreakTheMarkup) {
  json record = documented_change_record();
  record["added"][0]["description"] = "<!channel> see <https://evil.example|here> & `rm -rf`";
  json message = slack_message(view_of(alert_document(json::array({record})).dump()));
  const std::string text = all_text(message);
  EXPECT_EQ(text.find("<!channel>"), std::string::npos) << text;
  EXPECT_EQ(text.find("<https://"), std::string::npos) << text;
  EXPECT_NE(text.find("&lt;!channel&gt; see &lt;https://evil.example|here&gt; &amp; 'rm -rf'"),
            std::string::npos)
      << text;
}

TEST(SlackMessage, AHugeChangeStaysWithinSlacksLimitsAndSaysWhatIsLeftOut) {
  json record = documented_change_record();
  json rules = json::array();
  for (int port = 1; port <= 600; ++port) {
    json rule = record["added"][0];
    rule["from_port"] = port;
    rule["to_port"] = port;
    rule["description"] = std::string(200, 'd');
    rules.push_back(rule);
  }
  record["added"] = rules;
  record["findings"] = json::array();
  json message = slack_message(view_of(alert_document(json::array({record})).dump()));
  expect_within_slack_limits(message);
  EXPECT_EQ(message["blocks"].size(), SlackLimits::kBlocks);
  // Every rule is either shown or counted in the note.
  const std::string text = all_text(message);
  const size_t shown = testing::occurrences(text, "• `ingress");
  const json& note = message["blocks"].back()["elements"].back()["text"];
  EXPECT_EQ(note.get<std::string>(),
            std::to_string(600 - shown) +
                " more lines not shown: Slack allows 50 blocks. `sgwatch history` has them all.");
  EXPECT_GT(shown, 100u);
}

TEST(SlackMessage, OneEnormousLineIsCutInsideItsSection) {
  json record = documented_change_record();
  record["added"][0]["description"] = std::string(10000, 'x') + "é";
  json message = slack_message(view_of(alert_document(json::array({record})).dump()));
  expect_within_slack_limits(message);
  EXPECT_NE(all_text(message).find("xxx…"), std::string::npos);
}

TEST(SlackMessage, APendingChangeSaysItsCallerIsNotKnownYet) {
  json record = documented_change_record();
  record["attribution"]["state"] = "pending";
  record["attribution"]["calls"] = json::array();
  json message = slack_message(view_of(alert_document(json::array({record})).dump()));
  const std::string text = all_text(message);
  EXPECT_NE(text.find("*Who*\nnot known yet"), std::string::npos) << text;
  EXPECT_NE(text.find("*Attribution*\npending"), std::string::npos) << text;
}

TEST(SlackMessage, ABaselineListsTheFindingsPresent) {
  json item = {{"groups", 12},
               {"findings", documented_change_record()["findings"]},
               {"observed_at", "2026-11-23T10:15:00.250Z"}};
  json message = slack_message(view_of(alert_document(json::array({item}), "baseline").dump()));
  expect_within_slack_limits(message);
  const std::string text = all_text(message);
  EXPECT_NE(text.find("*Groups*\n12"), std::string::npos) << text;
  EXPECT_NE(text.find(":red_circle: *CRITICAL* tcp/3389 (RDP)"), std::string::npos) << text;
}

TEST(SlackMessage, AHealthAlertSaysTheProblemItsSummaryAndDetails) {
  json message = slack_message(view_of(
      alert_document(json::array({testing::trail_stopped_item()}), "health", "high").dump()));
  expect_within_slack_limits(message);
  const std::string text = all_text(message);
  EXPECT_NE(text.find("HIGH trail management"), std::string::npos) << text;
  EXPECT_NE(text.find("*Problem*\ntrail_changed"), std::string::npos) << text;
  EXPECT_NE(text.find("mallory called StopLogging"), std::string::npos) << text;
  EXPECT_NE(text.find("source_ip: 203.0.113.7"), std::string::npos) << text;
}

TEST(SlackMessage, PlainTextShowsEveryBlock) {
  json message = slack_message(view_of(documented_alert()));
  const std::string text = slack_message_text(message);
  EXPECT_NE(text.find("CRITICAL sg-0123456789abcdef0 (web-dept-a)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  *From* 203.0.113.7 · awscli\n"), std::string::npos) << text;
  EXPECT_NE(text.find("*Findings*"), std::string::npos) << text;
}

}  // namespace
}  // namespace sgwatch::slack_message_test
