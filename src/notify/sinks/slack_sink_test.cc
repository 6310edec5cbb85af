#include "notify/sinks/slack_sink.h"

#include <future>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "alert_documents.h"
#include "builders.h"
#include "notify/slack_message.h"
#include "webhook_receiver.h"

namespace sgwatch::slack_sink_test {
namespace {

using Kind = DeliveryOutcome::Kind;
using std::chrono::milliseconds;

Alert slack_alert(std::string body = testing::documented_alert()) {
  return testing::sink_alert("a-0123456789abcdef0123456789abcdef", std::move(body), "security");
}

class SlackSinkTest : public ::testing::Test {
 protected:
  std::unique_ptr<SlackSink> sink(milliseconds min_interval = milliseconds(0)) {
    SlackOptions options{.url = receiver_.url("/services/T000/B000/SECRETTOKEN"),
                         .timeout = milliseconds(5000),
                         .min_interval = min_interval,
                         .zone = DisplayZone()};
    auto made = make_slack_sink(std::move(options), clock_, /*loopback_only=*/true);
    EXPECT_TRUE(made) << made.error().message;
    return made ? std::move(*made) : nullptr;
  }

  SystemClock clock_;
  testing::WebhookReceiver receiver_;
};

TEST_F(SlackSinkTest, PostsTheBlockKitMessage) {
  auto slack = sink();
  DeliveryOutcome outcome = slack->deliver(slack_alert());
  ASSERT_EQ(outcome.kind, Kind::kOk) << outcome.reason;
  auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/services/T000/B000/SECRETTOKEN");
  EXPECT_EQ(requests[0].header("Content-Type"), "application/json; charset=utf-8");
  auto view = read_alert_view(testing::documented_alert(), DisplayZone());
  ASSERT_TRUE(view);
  EXPECT_EQ(nlohmann::json::parse(requests[0].body), slack_message(*view));
  EXPECT_EQ(slack->describe(), "slack http://127.0.0.1:" + std::to_string(receiver_.port()) + "/…");
}

TEST_F(SlackSinkTest, ARateLimitIsRetriedWhenSlackSays) {
  receiver_.answer_retry_after("30");
  DeliveryOutcome outcome = sink()->deliver(slack_alert());
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_EQ(outcome.retry_after, milliseconds(30000));
}

TEST_F(SlackSinkTest, ARefusalNamesSlacksWordAndNeverTheToken) {
  receiver_.answer_status(404, "channel_not_found");
  DeliveryOutcome outcome = sink()->deliver(slack_alert());
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("HTTP 404"), std::string::npos) << outcome.reason;
  EXPECT_NE(outcome.reason.find("(channel_not_found)"), std::string::npos) << outcome.reason;
  EXPECT_EQ(outcome.reason.find("SECRETTOKEN"), std::string::npos) << outcome.reason;
  EXPECT_EQ(outcome.reason.find("T000"), std::string::npos) << outcome.reason;
}

TEST_F(SlackSinkTest, AnAnswerEchoingTheTokenIsNotQuoted) {
  receiver_.answer_status(400, "bad token SECRETTOKEN");
  DeliveryOutcome outcome = sink()->deliver(slack_alert());
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_EQ(outcome.reason.find("SECRETTOKEN"), std::string::npos) << outcome.reason;
}

TEST_F(SlackSinkTest, AnUnreadableAlertIsFatal) {
  DeliveryOutcome outcome = sink()->deliver(slack_alert("{\"kind\":\"change\"}"));
  EXPECT_EQ(outcome.kind, Kind::kFatal);
  EXPECT_NE(outcome.reason.find("no items"), std::string::npos) << outcome.reason;
  EXPECT_TRUE(receiver_.requests().empty());
}

TEST_F(SlackSinkTest, KeepsSlacksPaceOfOneMessagePerInterval) {
  auto slack = sink(milliseconds(300));
  ASSERT_EQ(slack->deliver(slack_alert()).kind, Kind::kOk);
  ASSERT_EQ(slack->deliver(slack_alert()).kind, Kind::kOk);
  auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), 2u);
  // The pace runs from the first message's answer, which comes after its arrival.
  EXPECT_GE(requests[1].received_at - requests[0].received_at, milliseconds(300));
}

TEST_F(SlackSinkTest, CancelEndsAWaitForItsTurn) {
  auto slack = sink(std::chrono::hours(1));
  ASSERT_EQ(slack->deliver(slack_alert()).kind, Kind::kOk);
  auto second = std::async(std::launch::async, [&] { return slack->deliver(slack_alert()); });
  EXPECT_EQ(second.wait_for(milliseconds(100)), std::future_status::timeout);
  slack->cancel();
  ASSERT_EQ(second.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  DeliveryOutcome outcome = second.get();
  EXPECT_EQ(outcome.kind, Kind::kRetry);
  EXPECT_EQ(receiver_.requests().size(), 1u);
}

TEST(SlackUrl, MustBeAnAbsoluteHttpUrl) {
  EXPECT_TRUE(check_slack_url("https://hooks.slack.com/services/T0/B0/x"));
  auto relative = check_slack_url("hooks.slack.com/services/T0/B0/x");
  ASSERT_FALSE(relative);
  EXPECT_NE(relative.error().message.find("the Slack webhook URL is not absolute"), std::string::npos);
  EXPECT_FALSE(check_slack_url("ftp://hooks.slack.com/x"));
}

}  // namespace
}  // namespace sgwatch::slack_sink_test
