// The emulator's SQS against a real AWS client: Debian's awscli 2.9 speaks SQS's Query
// protocol, posts to the queue's URL, and checks each MD5OfBody / MD5OfMessageBody. SNS
// queue subscriptions and the EventBridge rule are driven through it too.
#include <gtest/gtest.h>

#include <string>

#include "awscli.h"
#include "emulator_fixture.h"

namespace sgwatch::emulator_sqs_awscli_test {
namespace {

using testing::AwsCli;
using testing::fails_with;
using testing::ok;

constexpr char kRegion[] = "eu-west-1";

class EmulatorSqsAwsCliTest : public testing::EmulatorTest {
 protected:
  AwsCli cli() const {
    return AwsCli(emulator_->endpoint(), "AKIAEMULATORADMIN000", "emulator-admin-secret",
                  kRegion);
  }
};

TEST_F(EmulatorSqsAwsCliTest, QueueLifecycle) {
  const AwsCli aws = cli();
  const std::string url = ok(aws, {"sqs", "create-queue", "--queue-name", "sg-events",
                                   "--attributes", "VisibilityTimeout=30"})["QueueUrl"];
  EXPECT_EQ(url, emulator_->endpoint() + "/111122223333/sg-events");
  EXPECT_EQ(ok(aws, {"sqs", "get-queue-url", "--queue-name", "sg-events"})["QueueUrl"], url);

  auto sent = ok(aws, {"sqs", "send-message", "--queue-url", url, "--message-body",
                       R"({"detail": "port 22 & more"})"});
  EXPECT_FALSE(sent["MessageId"].get<std::string>().empty());

  auto received = ok(aws, {"sqs", "receive-message", "--queue-url", url, "--wait-time-seconds",
                           "1", "--attribute-names", "All", "--max-number-of-messages", "10"});
  ASSERT_EQ(received["Messages"].size(), 1u) << received.dump();
  const auto& message = received["Messages"][0];
  EXPECT_EQ(message["Body"], R"({"detail": "port 22 & more"})");
  EXPECT_EQ(message["MessageId"], sent["MessageId"]);
  EXPECT_EQ(message["Attributes"]["ApproximateReceiveCount"], "1");

  ok(aws, {"sqs", "change-message-visibility", "--queue-url", url, "--receipt-handle",
           message["ReceiptHandle"], "--visibility-timeout", "0"});
  auto again = ok(aws, {"sqs", "receive-message", "--queue-url", url, "--attribute-names", "All"});
  ASSERT_EQ(again["Messages"].size(), 1u) << again.dump();
  EXPECT_EQ(again["Messages"][0]["Attributes"]["ApproximateReceiveCount"], "2");

  ok(aws, {"sqs", "delete-message", "--queue-url", url, "--receipt-handle",
           again["Messages"][0]["ReceiptHandle"]});
  auto attributes = ok(aws, {"sqs", "get-queue-attributes", "--queue-url", url,
                             "--attribute-names", "All"})["Attributes"];
  EXPECT_EQ(attributes["QueueArn"], "arn:aws:sqs:eu-west-1:111122223333:sg-events");
  EXPECT_EQ(attributes["ApproximateNumberOfMessages"], "0");
  EXPECT_EQ(attributes["ApproximateNumberOfMessagesNotVisible"], "0");
  EXPECT_EQ(attributes["VisibilityTimeout"], "30");

  auto listed = ok(aws, {"sqs", "list-queues"});
  EXPECT_EQ(listed["QueueUrls"], nlohmann::json::array({url}));
  fails_with(aws, {"sqs", "get-queue-url", "--queue-name", "none"},
             "AWS.SimpleQueueService.NonExistentQueue");
  fails_with(aws, {"sqs", "delete-message", "--queue-url", url, "--receipt-handle", "bogus"},
             "ReceiptHandleIsInvalid");
  EXPECT_GE(emulator_->calls().calls("sqs", "ReceiveMessage"), 2u);
}

TEST_F(EmulatorSqsAwsCliTest, SnsSubscriptionAndEventBridgeRuleFeedQueues) {
  const AwsCli aws = cli();
  const std::string url = ok(aws, {"sqs", "create-queue", "--queue-name", "inbox"})["QueueUrl"];
  const std::string queue_arn = "arn:aws:sqs:eu-west-1:111122223333:inbox";
  const std::string topic = ok(aws, {"sns", "create-topic", "--name", "config-topic"})["TopicArn"];
  auto subscribed = ok(aws, {"sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
                             "--notification-endpoint", queue_arn, "--attributes",
                             "RawMessageDelivery=true"});
  EXPECT_TRUE(subscribed["SubscriptionArn"].get<std::string>().starts_with(topic + ":"));
  ok(aws, {"sns", "publish", "--topic-arn", topic, "--message", "raw config item"});
  auto raw = ok(aws, {"sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "1"});
  ASSERT_EQ(raw["Messages"].size(), 1u) << raw.dump();
  EXPECT_EQ(raw["Messages"][0]["Body"], "raw config item");
  ok(aws, {"sqs", "delete-message", "--queue-url", url, "--receipt-handle",
           raw["Messages"][0]["ReceiptHandle"]});

  emulator_->events().forward_to(kRegion, queue_arn);
  const std::string group = ok(aws, {"ec2", "create-security-group", "--group-name", "web",
                                     "--description", "web tier"})["GroupId"];
  ok(aws, {"ec2", "authorize-security-group-ingress", "--group-id", group, "--protocol", "tcp",
           "--port", "22", "--cidr", "0.0.0.0/0"});
  auto events = ok(aws, {"sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "1",
                         "--max-number-of-messages", "10"});
  ASSERT_EQ(events["Messages"].size(), 2u) << events.dump();
  const auto event = nlohmann::json::parse(events["Messages"][1]["Body"].get<std::string>());
  EXPECT_EQ(event["detail-type"], "AWS API Call via CloudTrail");
  EXPECT_EQ(event["source"], "aws.ec2");
  EXPECT_EQ(event["region"], kRegion);
  EXPECT_EQ(event["detail"]["eventName"], "AuthorizeSecurityGroupIngress");
  EXPECT_EQ(event["detail"]["requestParameters"]["groupId"], group);
}

}  // namespace
}  // namespace sgwatch::emulator_sqs_awscli_test
