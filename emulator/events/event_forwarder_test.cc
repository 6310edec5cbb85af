#include "emulator/events/event_forwarder.h"

#include <gtest/gtest.h>

#include "emulator/cloudtrail/trail_test_support.h"

namespace sgwatch::emulator::trail_testing::event_forwarder_test {
namespace {

class EventForwarderTest : public TrailTest {
 protected:
  void SetUp() override {
    TrailTest::SetUp();
    auto url = emulator_->sqs().create_queue(kAccount, "us-east-1", "sg-events");
    ASSERT_TRUE(url);
    url_ = *url;
    arn_ = *emulator_->sqs().arn_of(url_);
  }
  std::vector<nlohmann::json> events() {
    std::vector<nlohmann::json> out;
    for (const std::string& body : emulator_->sqs().bodies(url_)) {
      out.push_back(nlohmann::json::parse(body));
    }
    return out;
  }
  std::string url_;
  std::string arn_;
};

TEST_F(EventForwarderTest, SecurityGroupCallArrivesAsEventBridgeEnvelopeOfItsTrailRecord) {
  emulator_->events().forward_to("us-east-1", arn_);
  const std::string group = create_group("web");
  auto received = events();
  ASSERT_EQ(received.size(), 1u);
  const nlohmann::json& event = received[0];
  EXPECT_EQ(event["version"], "0");
  EXPECT_EQ(event["id"].get<std::string>().size(), 36u);
  EXPECT_EQ(event["detail-type"], "AWS API Call via CloudTrail");
  EXPECT_EQ(event["source"], "aws.ec2");
  EXPECT_EQ(event["account"], kAccount);
  EXPECT_EQ(event["time"], "2026-11-23T10:15:00Z");
  EXPECT_EQ(event["region"], "us-east-1");
  EXPECT_EQ(event["resources"], nlohmann::json::array());
  EXPECT_EQ(event["detail"], last_record());
  EXPECT_EQ(event["detail"]["eventName"], "CreateSecurityGroup");
  EXPECT_EQ(event["detail"]["responseElements"]["groupId"], group);

  // Reads are recorded in the trail but match no rule.
  ASSERT_EQ(ec2({{"Action", "DescribeSecurityGroups"}}).status, 200);
  ASSERT_EQ(ec2({{"Action", "AuthorizeSecurityGroupIngress"},
                 {"GroupId", group},
                 {"IpPermissions.1.IpProtocol", "tcp"},
                 {"IpPermissions.1.FromPort", "22"},
                 {"IpPermissions.1.ToPort", "22"},
                 {"IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"}})
                .status,
            200);
  received = events();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1]["detail"]["eventName"], "AuthorizeSecurityGroupIngress");
  EXPECT_EQ(emulator_->events().forwarded(), 2u);
}

TEST_F(EventForwarderTest, FailedCallsAreForwardedWithTheirErrorCode) {
  emulator_->events().forward_all_regions_to(arn_);
  const std::string group = create_group("web");
  const Response refused = ec2({{"Action", "DeleteSecurityGroup"}, {"GroupId", group}},
                               readonly_key());
  ASSERT_EQ(refused.status, 403) << refused.body;
  auto received = events();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1]["detail"]["errorCode"], "Client.UnauthorizedOperation");
}

TEST_F(EventForwarderTest, OnlyRulesOfTheCallsRegionAndOnlyWhatTheTrailRecords) {
  emulator_->events().forward_to("eu-west-1", arn_);
  create_group("elsewhere");
  EXPECT_TRUE(events().empty());

  emulator_->events().forward_to("us-east-1", arn_);
  emulator_->events().forward_to("us-east-1", arn_);  // the same rule once
  EXPECT_EQ(emulator_->events().rules().size(), 2u);
  emulator_->trail().set_recording(false);
  create_group("unrecorded");
  EXPECT_TRUE(events().empty());
  emulator_->trail().set_recording(true);
  create_group("recorded");
  EXPECT_EQ(events().size(), 1u);
}

TEST_F(EventForwarderTest, MissingQueueDropsAndCounts) {
  emulator_->events().forward_to("us-east-1", "arn:aws:sqs:us-east-1:111122223333:gone");
  create_group("web");
  EXPECT_EQ(emulator_->events().dropped(), 1u);
  EXPECT_EQ(emulator_->events().forwarded(), 0u);
}

TEST_F(EventForwarderTest, AdminEndpointAddsListsAndClearsRules) {
  Request post;
  post.method = "POST";
  post.path = "/_emulator/events";
  post.body = R"({"region": "us-east-1", "queue": ")" + url_ + R"("})";
  const Response added = emulator_->handle(post);
  ASSERT_EQ(added.status, 200) << added.body;
  const auto listed = nlohmann::json::parse(added.body);
  EXPECT_EQ(listed["rules"][0]["queue"], arn_);
  create_group("web");
  EXPECT_EQ(events().size(), 1u);

  post.body = R"({"queue": "arn:aws:sqs:us-east-1:111122223333:none"})";
  EXPECT_EQ(emulator_->handle(post).status, 400);
  Request clear;
  clear.method = "DELETE";
  clear.path = "/_emulator/events";
  EXPECT_EQ(emulator_->handle(clear).status, 200);
  EXPECT_TRUE(emulator_->events().rules().empty());
}

TEST(EventForwarderPattern, MatchesSecurityGroupCallsOfEc2Only) {
  nlohmann::ordered_json record = {{"eventSource", "ec2.amazonaws.com"},
                                   {"eventName", "RevokeSecurityGroupEgress"}};
  EXPECT_TRUE(EventForwarder::matches(record));
  record["eventName"] = "RunInstances";
  EXPECT_FALSE(EventForwarder::matches(record));
  record["eventName"] = "CreateTags";
  EXPECT_TRUE(EventForwarder::matches(record));
  record["eventSource"] = "sqs.amazonaws.com";
  EXPECT_FALSE(EventForwarder::matches(record));
}

}  // namespace
}  // namespace sgwatch::emulator::trail_testing::event_forwarder_test
