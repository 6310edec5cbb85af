// SNS's hand-over to queues: which endpoints are queue ARNs, and every message counted as
// delivered or dropped.
#include "emulator/sns/sns_queue_delivery.h"

#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace sgwatch::emulator::sns_queue_delivery_test {
namespace {

TEST(SnsQueueDeliveryTest, OnlyAQueueArnIsAQueueEndpoint) {
  EXPECT_TRUE(is_sqs_queue_arn("arn:aws:sqs:eu-west-1:111122223333:config-queue"));
  EXPECT_FALSE(is_sqs_queue_arn("arn:aws:sqs:eu-west-1:111122223333:"));
  EXPECT_FALSE(is_sqs_queue_arn("arn:aws:sqs:eu-west-1:111122223333"));
  EXPECT_FALSE(is_sqs_queue_arn("arn:aws:sqs:eu-west-1:111122223333:queue:extra"));
  EXPECT_FALSE(is_sqs_queue_arn("arn:aws:sns:eu-west-1:111122223333:config-topic"));
  EXPECT_FALSE(is_sqs_queue_arn("https://sqs.eu-west-1.amazonaws.com/111122223333/queue"));
}

TEST(SnsQueueDeliveryTest, WithoutASinkEveryMessageIsDropped) {
  SnsQueueDelivery queues;
  queues.deliver("arn:aws:sqs:eu-west-1:111122223333:q", "hello");
  EXPECT_EQ(queues.delivered(), 0u);
  EXPECT_EQ(queues.dropped(), 1u);
}

TEST(SnsQueueDeliveryTest, TheSinkGetsQueueAndBodyAndSaysWhetherTheQueueExists) {
  std::vector<std::pair<std::string, std::string>> taken;
  SnsQueueDelivery queues;
  queues.set_sink([&](const std::string& queue_arn, const std::string& body) {
    if (queue_arn.ends_with(":missing")) return false;
    taken.emplace_back(queue_arn, body);
    return true;
  });
  queues.deliver("arn:aws:sqs:eu-west-1:111122223333:q", "first");
  queues.deliver("arn:aws:sqs:eu-west-1:111122223333:missing", "lost");
  queues.deliver("arn:aws:sqs:eu-west-1:111122223333:q", "second");
  EXPECT_EQ(queues.delivered(), 2u);
  EXPECT_EQ(queues.dropped(), 1u);
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0], std::make_pair(std::string("arn:aws:sqs:eu-west-1:111122223333:q"),
                                     std::string("first")));
  EXPECT_EQ(taken[1].second, "second");
}

}  // namespace
}  // namespace sgwatch::emulator::sns_queue_delivery_test
