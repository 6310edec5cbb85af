#include "notify/email_content.h"

#include <gtest/gtest.h>

#include "alert_documents.h"
#include "builders.h"

namespace sgwatch::email_content_test {
namespace {

using nlohmann::json;
using testing::alert_document;
using testing::documented_alert;
using testing::documented_change_record;

AlertView view_of(const std::string& document) { return testing::readable(document); }

Alert mail_alert(std::vector<std::string> recipients, std::string body = documented_alert()) {
  Alert alert = testing::sink_alert("a-0123456789abcdef0123456789abcdef", std::move(body),
                                    "owners", Timestamp(std::chrono::milliseconds(1795000000123)));
  alert.recipients = std::move(recipients);
  return alert;
}

TEST(EmailContent, TheSubjectIsTheHeadlineAndBothPartsTellTheSameStory) {
  EmailContent content = email_content(view_of(documented_alert()), true);
  EXPECT_EQ(content.subject,
            "[sgwatch] CRITICAL sg-0123456789abcdef0 (web-dept-a): tcp/3389 from 0.0.0.0/0 "
            "added by dept-b-engineer");
  for (const std::string& part : {content.text, content.html}) {
    for (const char* expected :
         {"arn:aws:iam::111122223333:user/dept-b-engineer", "203.0.113.7", "awscli",
          "aws-cli/2.9.19", "2026-11-23T10:14:41Z", "ingress tcp/3389 from 0.0.0.0/0",
          "RDP for dept B vendor", "CRITICAL", "tcp/3389 (RDP) open to the world (0.0.0.0/0)",
          "a-0123456789abcdef0123456789abcdef", "revision 42", "owner tag lists this address"}) {
      EXPECT_NE(part.find(expected), std::string::npos) << expected << " in\n" << part;
    }
  }
  EXPECT_NE(content.text.find("Who:         arn:aws:iam::111122223333:user/dept-b-engineer (IAMUser)\n"),
            std::string::npos)
      << content.text;
  EXPECT_NE(content.text.find("\nAdded\n  + ingress tcp/3389 from 0.0.0.0/0 “RDP for dept B vendor”\n"),
            std::string::npos)
      << content.text;
}

TEST(EmailContent, AHealthAlertStatesTheProblemAndItsFacts) {
  EmailContent content = email_content(
      view_of(alert_document(json::array({testing::trail_stopped_item()}), "health", "high")
                  .dump()),
      false);
  EXPECT_TRUE(content.subject.starts_with(
      "[sgwatch] HIGH trail management: mallory called StopLogging on trail management"))
      << content.subject;
  for (const char* expected : {"About:       trail management\n", "Since:       2026-11-28",
                               "source_ip:   203.0.113.7\n", "Account:     111122223333\n"}) {
    EXPECT_NE(content.text.find(expected), std::string::npos) << expected << " in\n"
                                                                << content.text;
  }
  EXPECT_NE(content.html.find("203.0.113.7"), std::string::npos) << content.html;
}

TEST(EmailContent, TextFromAwsIsEscapedInTheHtml) {
  json record = documented_change_record();
  record["added"][0]["description"] = "<script>alert('x')</script> & \"more\"";
  EmailContent content =
      email_content(view_of(alert_document(json::array({record})).dump()), false);
  EXPECT_EQ(content.html.find("<script>"), std::string::npos) << content.html;
  EXPECT_NE(content.html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"),
            std::string::npos)
      << content.html;
  // The text part is plain text: nothing to escape.
  EXPECT_NE(content.text.find("<script>alert('x')</script>"), std::string::npos);
  EXPECT_NE(content.text.find("sgwatch's routes send these alerts here"), std::string::npos);
}

TEST(EmailComposer, WritesToTheOwnersOrElseToTheDestinationsList) {
  EmailComposer compose = email_composer({"sgwatch <alerts@example.com>", {"secops@example.com"}, DisplayZone()});
  auto owners = compose(mail_alert({"team-a@example.com", "lead-a@example.com"}));
  ASSERT_TRUE(owners) << owners.error().message;
  EXPECT_EQ(owners->from, "alerts@example.com");
  EXPECT_EQ(owners->recipients, (std::vector<std::string>{"team-a@example.com", "lead-a@example.com"}));
  EXPECT_EQ(owners->message_id, "<a-0123456789abcdef0123456789abcdef@example.com>");
  EXPECT_NE(owners->mime.find("To: team-a@example.com, lead-a@example.com\r\n"), std::string::npos)
      << owners->mime;
  EXPECT_NE(owners->mime.find("X-Sgwatch-Severity: critical\r\n"), std::string::npos);
  EXPECT_NE(owners->mime.find("List-Id: sgwatch alerts <owners.sgwatch.example.com>\r\n"),
            std::string::npos);

  auto routed = compose(mail_alert({}));
  ASSERT_TRUE(routed) << routed.error().message;
  EXPECT_EQ(routed->recipients, std::vector<std::string>{"secops@example.com"});
}

TEST(EmailComposer, AResendIsTheSameMessage) {
  EmailComposer compose = email_composer({"alerts@example.com", {}, DisplayZone()});
  auto first = compose(mail_alert({"team-a@example.com"}));
  auto again = compose(mail_alert({"team-a@example.com"}));
  ASSERT_TRUE(first && again);
  EXPECT_EQ(first->mime, again->mime);
  // Dated when the alert was created, not when it was sent.
  EXPECT_NE(first->mime.find("Date: " + rfc5322_date(Timestamp(std::chrono::milliseconds(1795000000123)))),
            std::string::npos);
}

TEST(EmailComposer, ABadOwnerAddressIsLeftOutNotTheOthers) {
  EmailComposer compose = email_composer({"alerts@example.com", {}, DisplayZone()});
  auto email = compose(mail_alert({"jane..doe@example.com", "team-a@example.com"}));
  ASSERT_TRUE(email) << email.error().message;
  EXPECT_EQ(email->recipients, std::vector<std::string>{"team-a@example.com"});
  EXPECT_FALSE(compose(mail_alert({"jane..doe@example.com"})));
}

TEST(EmailComposer, AnAlertWithNobodyToWriteToIsAnError) {
  EmailComposer compose = email_composer({"alerts@example.com", {}, DisplayZone()});
  auto nobody = compose(mail_alert({}));
  ASSERT_FALSE(nobody);
  EXPECT_NE(nobody.error().message.find("has no recipient"), std::string::npos);
  auto broken = compose(mail_alert({"team-a@example.com"}, "{}"));
  EXPECT_FALSE(broken);
}

}  // namespace
}  // namespace sgwatch::email_content_test
