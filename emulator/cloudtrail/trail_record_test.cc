// The trail's records: one per EC2 call, in CloudTrail's shape, for each mutation, for
// refused attempts, and for IAM users and assumed roles.
#include <gtest/gtest.h>

#include "emulator/cloudtrail/trail_test_support.h"

namespace sgwatch::emulator::trail_record_test {
namespace {

using nlohmann::json;
using trail_testing::kAccount;
using trail_testing::kUserAgent;

class TrailRecordTest : public trail_testing::TrailTest {};

TEST_F(TrailRecordTest, AuthorizeIngressInCloudTrailsShape) {
  const std::string group = create_group("web");
  Response response = ec2({{"Action", "AuthorizeSecurityGroupIngress"},
                           {"GroupId", group},
                           {"IpPermissions.1.IpProtocol", "tcp"},
                           {"IpPermissions.1.FromPort", "22"},
                           {"IpPermissions.1.ToPort", "22"},
                           {"IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"},
                           {"IpPermissions.1.IpRanges.1.Description", "ssh"}});
  ASSERT_EQ(response.status, 200) << response.body;

  const json record = last_record();
  EXPECT_EQ(record["eventVersion"], "1.08");
  EXPECT_EQ(record["userIdentity"], json::parse(R"({
    "type": "IAMUser", "principalId": ")" + record["userIdentity"]["principalId"].get<std::string>() +
                                                R"(", "arn": "arn:aws:iam::111122223333:user/admin",
    "accountId": "111122223333", "accessKeyId": "AKIAEMULATORADMIN000", "userName": "admin"})"));
  EXPECT_TRUE(record["userIdentity"]["principalId"].get<std::string>().starts_with("AIDA"));
  EXPECT_EQ(record["eventTime"], "2026-11-23T10:15:00Z");
  EXPECT_EQ(record["eventSource"], "ec2.amazonaws.com");
  EXPECT_EQ(record["eventName"], "AuthorizeSecurityGroupIngress");
  EXPECT_EQ(record["awsRegion"], "us-east-1");
  EXPECT_EQ(record["sourceIPAddress"], "127.0.0.1");
  EXPECT_EQ(record["userAgent"], kUserAgent);
  EXPECT_EQ(record["requestParameters"], json::parse(R"({"groupId": ")" + group + R"(",
    "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
      "groups": {}, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0", "description": "ssh"}]},
      "ipv6Ranges": {}, "prefixListIds": {}}]}})"));
  const json& response_elements = record["responseElements"];
  EXPECT_EQ(response_elements["_return"], true);
  EXPECT_EQ(response_elements["requestId"], record["requestID"]);
  ASSERT_EQ(response_elements["securityGroupRuleSet"]["items"].size(), 1u);
  const json& rule = response_elements["securityGroupRuleSet"]["items"][0];
  EXPECT_EQ(rule["groupOwnerId"], kAccount);
  EXPECT_EQ(rule["groupId"], group);
  EXPECT_TRUE(rule["securityGroupRuleId"].get<std::string>().starts_with("sgr-"));
  EXPECT_EQ(rule["isEgress"], false);
  EXPECT_EQ(rule["ipProtocol"], "tcp");
  EXPECT_EQ(rule["fromPort"], 22);
  EXPECT_EQ(rule["cidrIpv4"], "0.0.0.0/0");
  EXPECT_EQ(rule["description"], "ssh");
  // The request id is the one EC2 answered with.
  EXPECT_NE(response.body.find(record["requestID"].get<std::string>()), std::string::npos);
  EXPECT_EQ(record["eventID"].get<std::string>().size(), 36u);
  EXPECT_EQ(record["eventType"], "AwsApiCall");
  EXPECT_EQ(record["managementEvent"], true);
  EXPECT_EQ(record["readOnly"], false);
  EXPECT_EQ(record["recipientAccountId"], kAccount);
  EXPECT_EQ(record["eventCategory"], "Management");
  EXPECT_FALSE(record.contains("errorCode"));
}

TEST_F(TrailRecordTest, EveryMutationIsRecorded) {
  const std::string group = create_group("app");
  EXPECT_EQ(last_record()["requestParameters"],
            json::parse(R"({"groupName": "app", "groupDescription": "group app"})"));
  EXPECT_EQ(last_record()["responseElements"]["groupId"], group);

  ec2({{"Action", "AuthorizeSecurityGroupEgress"},
       {"GroupId", group},
       {"IpPermissions.1.IpProtocol", "udp"},
       {"IpPermissions.1.FromPort", "53"},
       {"IpPermissions.1.ToPort", "53"},
       {"IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "::/0"}});
  const json egress = last_record();
  EXPECT_EQ(egress["eventName"], "AuthorizeSecurityGroupEgress");
  const std::string rule =
      egress["responseElements"]["securityGroupRuleSet"]["items"][0]["securityGroupRuleId"];
  EXPECT_EQ(egress["responseElements"]["securityGroupRuleSet"]["items"][0]["cidrIpv6"], "::/0");

  ec2({{"Action", "ModifySecurityGroupRules"},
       {"GroupId", group},
       {"SecurityGroupRule.1.SecurityGroupRuleId", rule},
       {"SecurityGroupRule.1.SecurityGroupRule.IpProtocol", "udp"},
       {"SecurityGroupRule.1.SecurityGroupRule.FromPort", "5353"},
       {"SecurityGroupRule.1.SecurityGroupRule.ToPort", "5353"},
       {"SecurityGroupRule.1.SecurityGroupRule.CidrIpv6", "::/0"}});
  EXPECT_EQ(last_record()["requestParameters"], json::parse(R"({
    "ModifySecurityGroupRulesRequest": {"GroupId": ")" + group + R"(",
      "SecurityGroupRule": {"SecurityGroupRuleId": ")" + rule + R"(",
        "SecurityGroupRule": {"IpProtocol": "udp", "FromPort": 5353, "ToPort": 5353,
                              "CidrIpv6": "::/0"}, "tag": 1}}})"));
  EXPECT_EQ(last_record()["responseElements"]["ModifySecurityGroupRulesResponse"]["Return"], true);

  ec2({{"Action", "UpdateSecurityGroupRuleDescriptionsEgress"},
       {"GroupId", group},
       {"SecurityGroupRuleDescription.1.SecurityGroupRuleId", rule},
       {"SecurityGroupRuleDescription.1.Description", "mdns"}});
  EXPECT_EQ(last_record()["eventName"], "UpdateSecurityGroupRuleDescriptionsEgress");
  EXPECT_EQ(last_record()["requestParameters"]["securityGroupRuleDescriptions"]["items"][0]
                         ["description"],
            "mdns");

  ec2({{"Action", "CreateTags"},
       {"ResourceId.1", group},
       {"ResourceId.2", rule},
       {"Tag.1.Key", "OwnerDL"},
       {"Tag.1.Value", "a@example.com"}});
  EXPECT_EQ(last_record()["requestParameters"], json::parse(R"({
    "resourcesSet": {"items": [{"resourceId": ")" + group + R"("}, {"resourceId": ")" + rule + R"("}]},
    "tagSet": {"items": [{"key": "OwnerDL", "value": "a@example.com"}]}})"));
  auto tagged = emulator_->trail().events().back();
  ASSERT_EQ(tagged->resources.size(), 2u);
  EXPECT_EQ(tagged->resources[0].type, "AWS::EC2::SecurityGroup");
  EXPECT_EQ(tagged->resources[1].type, "AWS::EC2::SecurityGroupRule");

  ec2({{"Action", "DeleteTags"}, {"ResourceId.1", group}, {"Tag.1.Key", "OwnerDL"}});
  EXPECT_EQ(last_record()["requestParameters"]["tagSet"],
            json::parse(R"({"items": [{"key": "OwnerDL"}]})"));

  ec2({{"Action", "RevokeSecurityGroupEgress"},
       {"GroupId", group},
       {"SecurityGroupRuleId.1", rule}});
  EXPECT_EQ(last_record()["eventName"], "RevokeSecurityGroupEgress");
  EXPECT_EQ(last_record()["requestParameters"]["securityGroupRuleIds"]["items"][0]
                         ["securityGroupRuleId"],
            rule);
  EXPECT_EQ(last_record()["responseElements"]["revokedSecurityGroupRuleSet"]["items"][0]
                         ["securityGroupRuleId"],
            rule);

  ec2({{"Action", "DeleteSecurityGroup"}, {"GroupId", group}});
  EXPECT_EQ(last_record()["eventName"], "DeleteSecurityGroup");
  EXPECT_EQ(last_record()["requestParameters"], json::parse(R"({"groupId": ")" + group + R"("})"));
  EXPECT_EQ(last_record()["responseElements"]["_return"], true);

  // Create, authorize, modify, describe-update, tag, untag, revoke, delete; no reads.
  EXPECT_EQ(emulator_->trail().events().size(), 8u);
}

TEST_F(TrailRecordTest, RefusedAttemptsAreRecordedWithTheError) {
  const std::string group = create_group("db");
  const Params ssh = {{"Action", "AuthorizeSecurityGroupIngress"},
                      {"GroupId", group},
                      {"IpPermissions.1.IpProtocol", "tcp"},
                      {"IpPermissions.1.FromPort", "22"},
                      {"IpPermissions.1.ToPort", "22"},
                      {"IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"}};
  EXPECT_EQ(ec2(ssh, trail_testing::readonly_key()).status, 403);
  json refused = last_record();
  EXPECT_EQ(refused["errorCode"], "Client.UnauthorizedOperation");
  EXPECT_TRUE(refused["errorMessage"].get<std::string>().starts_with(
      "You are not authorized to perform this operation."));
  EXPECT_TRUE(refused["responseElements"].is_null());
  EXPECT_EQ(refused["requestParameters"]["groupId"], group);
  EXPECT_EQ(refused["userIdentity"]["userName"], "readonly");
  EXPECT_EQ(refused["userIdentity"]["accessKeyId"], "AKIAEMULATORREAD0000");

  EXPECT_EQ(ec2(ssh).status, 200);
  EXPECT_EQ(ec2(ssh).status, 400);
  EXPECT_EQ(last_record()["errorCode"], "Client.InvalidPermission.Duplicate");
  EXPECT_EQ(ec2({{"Action", "DeleteSecurityGroup"}, {"GroupId", "sg-0000000000000000f"}}).status,
            400);
  EXPECT_EQ(last_record()["errorCode"], "Client.InvalidGroup.NotFound");
  EXPECT_EQ(emulator_->trail().events().back()->resources[0].name, "sg-0000000000000000f");
}

TEST_F(TrailRecordTest, AssumedRoleIdentity) {
  emulator_->identities().add_role(
      Role{kAccount, "deployer", "", "AROAEXAMPLEDEPLOYER01", {"ec2:RevokeSecurityGroupIngress"}});
  auto admin = emulator_->identities().caller_for("AKIAEMULATORADMIN000", "");
  ASSERT_TRUE(admin);
  auto issued = emulator_->identities().assume_role(
      *admin, "arn:aws:iam::111122223333:role/deployer", "ci-run-42", "",
      std::chrono::hours(1));
  ASSERT_TRUE(issued);
  const trail_testing::Key role{issued->first.access_key_id, issued->first.secret_access_key,
                                issued->first.session_token};
  const std::string group = create_group("role-target");

  Response refused = ec2({{"Action", "RevokeSecurityGroupIngress"},
                          {"GroupId", group},
                          {"IpPermissions.1.IpProtocol", "-1"},
                          {"IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"}},
                         role);
  EXPECT_EQ(refused.status, 403);
  const json record = last_record();
  EXPECT_EQ(record["errorCode"], "Client.UnauthorizedOperation");
  EXPECT_EQ(record["userIdentity"], json::parse(R"({
    "type": "AssumedRole", "principalId": "AROAEXAMPLEDEPLOYER01:ci-run-42",
    "arn": "arn:aws:sts::111122223333:assumed-role/deployer/ci-run-42",
    "accountId": "111122223333", "accessKeyId": ")" + role.id + R"(",
    "sessionContext": {
      "sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEDEPLOYER01",
                        "arn": "arn:aws:iam::111122223333:role/deployer",
                        "accountId": "111122223333", "userName": "deployer"},
      "webIdFederationData": {},
      "attributes": {"creationDate": "2026-11-23T10:15:00Z", "mfaAuthenticated": "false"}}})"));
  EXPECT_EQ(emulator_->trail().events().back()->username, "ci-run-42");
}

TEST_F(TrailRecordTest, ReadsAreRecordedAsReadOnlyAndCanBeSwitchedOff) {
  const std::string group = create_group("web");
  ec2({{"Action", "DescribeSecurityGroups"}, {"GroupId.1", group}, {"MaxResults", "5"}});
  const json record = last_record();
  EXPECT_EQ(record["eventName"], "DescribeSecurityGroups");
  EXPECT_EQ(record["readOnly"], true);
  EXPECT_TRUE(record["responseElements"].is_null());
  EXPECT_EQ(record["requestParameters"], json::parse(R"({"securityGroupSet": {},
    "securityGroupIdSet": {"items": [{"groupId": ")" + group + R"("}]}, "filterSet": {},
    "maxResults": 5})"));

  emulator_->trail().set_read_only_events(false);
  ec2({{"Action", "DescribeSecurityGroupRules"}});
  EXPECT_EQ(emulator_->trail().events().size(), 2u);

  // Only the newest reads are kept.
  TrailSettings settings = emulator_->trail().settings();
  settings.read_only_events = true;
  settings.max_read_only_events = 3;
  emulator_->trail().apply(settings);
  for (int i = 0; i < 5; ++i) ec2({{"Action", "DescribeRegions"}});
  auto events = emulator_->trail().events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0]->event_name, "CreateSecurityGroup");
  EXPECT_EQ(events[3]->event_name, "DescribeRegions");
}

TEST_F(TrailRecordTest, SameSeedSameEventIds) {
  create_group("a");
  const std::string first = last_record()["eventID"];
  TearDown();
  SetUp();
  create_group("a");
  EXPECT_EQ(last_record()["eventID"], first);
}

}  // namespace
}  // namespace sgwatch::emulator::trail_record_test
