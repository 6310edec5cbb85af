// The emulator's CloudTrail against the real awscli: a change made with
// `aws ec2 authorize-security-group-ingress` comes back from `aws cloudtrail lookup-events`
// (JSON 1.1, signed for "cloudtrail") naming who made it, from where and with what.
#include <gtest/gtest.h>

#include "emulator_fixture.h"

#include "awscli.h"
#include "emulator/emulator.h"

namespace sgwatch::emulator_trail_awscli_test {
namespace {

using testing::AwsCli;
using testing::CliResult;

class EmulatorTrailAwsCliTest : public testing::EmulatorTest {};

TEST_F(EmulatorTrailAwsCliTest, LookupEventsShowsTheAwsCliCall) {
  auto group = emulator_->ec2().create_group("111122223333", "eu-west-1", "web", "web tier");
  ASSERT_TRUE(group);
  const AwsCli cli(emulator_->endpoint(), "AKIAEMULATORADMIN000", "emulator-admin-secret");
  CliResult added = cli.run({"ec2", "authorize-security-group-ingress", "--group-id", *group,
                             "--protocol", "tcp", "--port", "22", "--cidr", "0.0.0.0/0"});
  ASSERT_EQ(added.exit_code, 0) << added.err;

  CliResult found = cli.run({"cloudtrail", "lookup-events", "--lookup-attributes",
                             "AttributeKey=ReadOnly,AttributeValue=false", "--max-results", "50"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  const nlohmann::json events = found.json()["Events"];
  ASSERT_EQ(events.size(), 1u) << found.out;
  const nlohmann::json& event = events[0];
  EXPECT_EQ(event["EventName"], "AuthorizeSecurityGroupIngress");
  EXPECT_EQ(event["Username"], "admin");
  EXPECT_EQ(event["Resources"][0]["ResourceName"], *group);
  const nlohmann::json record = nlohmann::json::parse(event["CloudTrailEvent"].get<std::string>());
  EXPECT_EQ(record["userIdentity"]["arn"], "arn:aws:iam::111122223333:user/admin");
  EXPECT_EQ(record["userIdentity"]["accessKeyId"], "AKIAEMULATORADMIN000");
  EXPECT_TRUE(record["userAgent"].get<std::string>().starts_with("aws-cli/"))
      << record["userAgent"];
  EXPECT_EQ(record["sourceIPAddress"], "127.0.0.1");
  EXPECT_EQ(record["awsRegion"], "eu-west-1");
  EXPECT_EQ(record["requestParameters"]["groupId"], *group);
  EXPECT_EQ(record["responseElements"]["securityGroupRuleSet"]["items"][0]["cidrIpv4"],
            "0.0.0.0/0");
  EXPECT_EQ(emulator_->calls().calls("cloudtrail", "LookupEvents"), 1u);
}

}  // namespace
}  // namespace sgwatch::emulator_trail_awscli_test
