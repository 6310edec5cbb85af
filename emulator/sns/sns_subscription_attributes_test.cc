// Subscription attributes: RawMessageDelivery set through Subscribe or
// SetSubscriptionAttributes with SNS's wording for each mistake, what
// GetSubscriptionAttributes lists, and the account a Query caller may touch.
#include "emulator/sns/sns_subscription_attributes.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace sgwatch::emulator::sns_subscription_attributes_test {
namespace {

TEST(SnsSubscriptionAttributesTest, SetAcceptsOnlyRawMessageDeliveryTrueOrFalse) {
  EXPECT_EQ(raw_message_delivery_setting("RawMessageDelivery", "true"), true);
  EXPECT_EQ(raw_message_delivery_setting("RawMessageDelivery", "false"), false);
  auto maybe = raw_message_delivery_setting("RawMessageDelivery", "maybe");
  ASSERT_FALSE(maybe);
  EXPECT_EQ(maybe.error().code, "InvalidParameter");
  EXPECT_EQ(maybe.error().message,
            "Invalid parameter: Attribute RawMessageDelivery: Invalid value [maybe]. Must be "
            "true or false.");
  auto other = raw_message_delivery_setting("FilterPolicy", "{}");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().message, "Invalid parameter: AttributeName");
}

TEST(SnsSubscriptionAttributesTest, SubscribeReadsItsAttributeEntriesInOrder) {
  EXPECT_EQ(subscribe_raw_message_delivery({}), false);
  EXPECT_EQ(subscribe_raw_message_delivery({{"Attributes.entry.1.key", "RawMessageDelivery"},
                                            {"Attributes.entry.1.value", "true"}}),
            true);
  // The last entry wins; entries after a gap in the numbering are not read.
  EXPECT_EQ(subscribe_raw_message_delivery({{"Attributes.entry.1.key", "RawMessageDelivery"},
                                            {"Attributes.entry.1.value", "true"},
                                            {"Attributes.entry.2.key", "RawMessageDelivery"},
                                            {"Attributes.entry.2.value", "false"},
                                            {"Attributes.entry.4.key", "RawMessageDelivery"},
                                            {"Attributes.entry.4.value", "true"}}),
            false);
  auto other = subscribe_raw_message_delivery(
      {{"Attributes.entry.1.key", "FilterPolicy"}, {"Attributes.entry.1.value", "{}"}});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().message, "Invalid parameter: Attributes Reason: FilterPolicy");
  auto bad = subscribe_raw_message_delivery({{"Attributes.entry.1.key", "RawMessageDelivery"},
                                             {"Attributes.entry.1.value", "yes"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [yes]");
}

TEST(SnsSubscriptionAttributesTest, TheListSaysWhetherItIsPendingAndWhoConfirmedIt) {
  const std::string topic = "arn:aws:sns:eu-west-1:111122223333:config-topic";
  const SnsSubscriptionInfo pending{topic + ":1", topic, "https", "https://example.com/sns",
                                    "111122223333", false, false};
  auto list = subscription_attribute_list(pending);
  EXPECT_EQ(list.size(), 8u);
  EXPECT_EQ(list["SubscriptionArn"], topic + ":1");
  EXPECT_EQ(list["TopicArn"], topic);
  EXPECT_EQ(list["Owner"], "111122223333");
  EXPECT_EQ(list["Endpoint"], "https://example.com/sns");
  EXPECT_EQ(list["PendingConfirmation"], "true");
  EXPECT_EQ(list["ConfirmationWasAuthenticated"], "false");
  EXPECT_EQ(list["RawMessageDelivery"], "false");

  const SnsSubscriptionInfo queue{topic + ":2", topic, "sqs",
                                  "arn:aws:sqs:eu-west-1:111122223333:q", "111122223333", true,
                                  true};
  list = subscription_attribute_list(queue);
  EXPECT_EQ(list["Protocol"], "sqs");
  EXPECT_EQ(list["PendingConfirmation"], "false");
  EXPECT_EQ(list["ConfirmationWasAuthenticated"], "true");
  EXPECT_EQ(list["RawMessageDelivery"], "true");
}

TEST(SnsSubscriptionAttributesTest, AQueryCallerReachesOnlyItsOwnAccountsSubscriptions) {
  SystemClock clock;
  SnsService sns(clock);
  auto topic = sns.create_topic("eu-west-1", "111122223333", "config-topic");
  ASSERT_TRUE(topic);
  auto arn = sns.subscribe(*topic, "arn:aws:sqs:eu-west-1:111122223333:q", "sqs");
  ASSERT_TRUE(arn);
  const Params set = {{"SubscriptionArn", *arn},
                      {"AttributeName", "RawMessageDelivery"},
                      {"AttributeValue", "true"}};

  Caller stranger;
  stranger.account_id = "999988887777";
  stranger.arn = "arn:aws:iam::999988887777:user/x";
  const Response refused =
      serve_subscription_attributes(sns, stranger, "SetSubscriptionAttributes", set);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("AuthorizationError"), std::string::npos) << refused.body;
  EXPECT_EQ(sns.subscription_attributes(*arn)->at("RawMessageDelivery"), "false");

  Caller owner;
  owner.account_id = "111122223333";
  owner.arn = "arn:aws:iam::111122223333:user/sgwatch";
  const Response done = serve_subscription_attributes(sns, owner, "SetSubscriptionAttributes", set);
  EXPECT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(sns.subscription_attributes(*arn)->at("RawMessageDelivery"), "true");
  const Response got = serve_subscription_attributes(sns, owner, "GetSubscriptionAttributes",
                                                     {{"SubscriptionArn", *arn}});
  EXPECT_EQ(got.status, 200) << got.body;
  EXPECT_NE(got.body.find("<key>RawMessageDelivery</key><value>true</value>"), std::string::npos)
      << got.body;
}

}  // namespace
}  // namespace sgwatch::emulator::sns_subscription_attributes_test
