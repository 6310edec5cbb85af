// `sgwatch demo` tells of department B's change the way the destinations would: it prints
// the security channel's Slack message and department A's email, and sends them for real
// when given a webhook and an SMTP server.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "smtp_server.h"
#include "webhook_receiver.h"

namespace sgwatch::demo_alerts_test {
namespace {

TEST(DemoAlerts, PrintsTheSlackMessageAndTheEmail) {
  SystemClock clock;
  auto demo = testing::run_sgwatch({"demo"}, clock);
  ASSERT_EQ(demo.code, 0) << demo.err;
  for (const char* expected :
       {"*Who* `arn:aws:iam::111122223333:user/bob-dept-b` (IAMUser)",
        "• :red_circle: *CRITICAL* tcp/3389 (RDP) open to the world (0.0.0.0/0)",
        "To: netops-a@example.com",
        "Subject: [sgwatch] CRITICAL sg-",
        "  + ingress tcp/3389 from 0.0.0.0/0 “RDP for dept B vendor”"}) {
    EXPECT_NE(demo.out.find(expected), std::string::npos) << expected << " in\n" << demo.out;
  }
}

TEST(DemoAlerts, DeliversToTheWebhookAndSmtpServerItIsGiven) {
  testing::WebhookReceiver slack;
  testing::SmtpServer smtp;
  ASSERT_TRUE(smtp.running()) << smtp.failure();
  SystemClock clock;
  auto demo = testing::run_sgwatch({"demo", "--slack-url", slack.url("/services/T/B/X"), "--smtp",
                                    "127.0.0.1:" + std::to_string(smtp.port())},
                                   clock);
  ASSERT_EQ(demo.code, 0) << demo.err;
  EXPECT_NE(demo.out.find("The Slack message was posted to slack http://127.0.0.1:"),
            std::string::npos)
      << demo.out;
  EXPECT_NE(demo.out.find("The email was sent through smtp 127.0.0.1:"), std::string::npos)
      << demo.out;
  ASSERT_EQ(slack.count(), 1u);
  const auto message = nlohmann::json::parse(slack.bodies()[0]);
  EXPECT_NE(message["text"].get<std::string>().find("added by bob-dept-b"), std::string::npos);
  auto mails = smtp.wait_for_messages(1, std::chrono::seconds(5));
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0]["rcpt_tos"], nlohmann::json::array({"netops-a@example.com"}));
}

}  // namespace
}  // namespace sgwatch::demo_alerts_test
