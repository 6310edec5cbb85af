#include "emulator/config/config_item.h"

#include <gtest/gtest.h>

namespace sgwatch::emulator::config_item_test {
namespace {

// What the emulator's DescribeSecurityGroups answers for a group with each kind of peer.
constexpr char kDescribe[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
<requestId>r</requestId><securityGroupInfo><item>
<ownerId>111122223333</ownerId><groupId>sg-0123456789abcdef0</groupId><groupName>web</groupName>
<groupDescription>web tier</groupDescription><vpcId>vpc-0aaaabbbbccccdddd</vpcId>
<ipPermissions>
 <item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort>
  <groups><item><userId>111122223333</userId><groupId>sg-0fedcba9876543210</groupId><description>lb</description></item></groups>
  <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp><description>https</description></item><item><cidrIp>10.0.0.0/8</cidrIp></item></ipRanges>
  <ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges>
  <prefixListIds><item><prefixListId>pl-12345678</prefixListId><description>s3</description></item></prefixListIds>
 </item>
</ipPermissions>
<ipPermissionsEgress>
 <item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item>
</ipPermissionsEgress>
<tagSet><item><key>OwnerDL</key><value>a@example.com</value></item></tagSet>
</item></securityGroupInfo></DescribeSecurityGroupsResponse>)";

TEST(ConfigItemTest, ReadsTheConfigurationInConfigsCamelCase) {
  auto configuration = sg_configuration_from_describe(kDescribe);
  ASSERT_TRUE(configuration);
  const auto expected = ConfigJson::parse(R"({
    "ownerId": "111122223333", "groupName": "web", "groupId": "sg-0123456789abcdef0",
    "description": "web tier",
    "ipPermissions": [{
      "ipProtocol": "tcp", "fromPort": 443, "toPort": 443,
      "userIdGroupPairs": [{"groupId": "sg-0fedcba9876543210", "userId": "111122223333",
                            "description": "lb"}],
      "ipv6Ranges": [{"cidrIpv6": "::/0"}],
      "prefixListIds": [{"prefixListId": "pl-12345678", "description": "s3"}],
      "ipRanges": ["0.0.0.0/0", "10.0.0.0/8"],
      "ipv4Ranges": [{"cidrIp": "0.0.0.0/0", "description": "https"}, {"cidrIp": "10.0.0.0/8"}]}],
    "ipPermissionsEgress": [{
      "ipProtocol": "-1", "fromPort": null, "toPort": null, "userIdGroupPairs": [],
      "ipv6Ranges": [], "prefixListIds": [], "ipRanges": ["0.0.0.0/0"],
      "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}],
    "vpcId": "vpc-0aaaabbbbccccdddd",
    "tags": [{"key": "OwnerDL", "value": "a@example.com"}]})");
  EXPECT_EQ(*configuration, expected) << configuration->dump(2);

  EXPECT_FALSE(sg_configuration_from_describe("<Response><Errors/></Response>"));
  EXPECT_FALSE(sg_configuration_from_describe("not xml"));
}

ConfigJson item_with(const ConfigJson& configuration, int64_t state_id) {
  ConfigItemInput input;
  input.account_id = "111122223333";
  input.region = "eu-west-1";
  input.resource_id = "sg-0123456789abcdef0";
  input.resource_name = "web";
  input.status = "OK";
  input.capture_time = Timestamp(std::chrono::milliseconds(1772800496789));
  input.state_id = state_id;
  input.configuration = configuration;
  input.related_event = "ev-1";
  return configuration_item(input);
}

TEST(ConfigItemTest, ItemCarriesTheNotificationFields) {
  const ConfigJson item = item_with(*sg_configuration_from_describe(kDescribe), 7);
  EXPECT_EQ(item["configurationItemVersion"], "1.3");
  EXPECT_EQ(item["configurationItemCaptureTime"], "2026-03-06T12:34:56.789Z");
  EXPECT_EQ(item["configurationStateId"], 7);
  EXPECT_TRUE(item["configurationStateId"].is_number());
  EXPECT_EQ(item["ARN"], "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0");
  EXPECT_EQ(item["availabilityZone"], "Not Applicable");
  EXPECT_EQ(item["configurationStateMd5Hash"], "");
  EXPECT_EQ(item["relatedEvents"], ConfigJson::array({"ev-1"}));
  EXPECT_EQ(item["tags"], ConfigJson({{"OwnerDL", "a@example.com"}}));
  EXPECT_EQ(item["supplementaryConfiguration"], ConfigJson::object());
  EXPECT_EQ(item["relationships"], ConfigJson::parse(R"([{"resourceId": "vpc-0aaaabbbbccccdddd",
      "resourceName": null, "resourceType": "AWS::EC2::VPC", "name": "Is contained in Vpc"}])"));

  const ConfigJson api = api_configuration_item(item);
  EXPECT_EQ(api["version"], "1.3");
  EXPECT_EQ(api["accountId"], "111122223333");
  EXPECT_DOUBLE_EQ(api["configurationItemCaptureTime"].get<double>(), 1772800496.789);
  EXPECT_EQ(api["configurationStateId"], "7");
  EXPECT_EQ(api["arn"], item["ARN"]);
  EXPECT_EQ(api["relationships"][0]["relationshipName"], "Is contained in Vpc");
  ASSERT_TRUE(api["configuration"].is_string());
  EXPECT_EQ(ConfigJson::parse(api["configuration"].get<std::string>()), item["configuration"]);
}

TEST(ConfigItemTest, DiffNamesChangedPermissionsAndTags) {
  const ConfigJson configuration = *sg_configuration_from_describe(kDescribe);
  const ConfigJson before = item_with(configuration, 1);

  // Nothing changed: nothing listed.
  const ConfigJson same = configuration_item_diff(before, item_with(configuration, 2));
  EXPECT_EQ(same["changeType"], "UPDATE");
  EXPECT_EQ(same["changedProperties"], ConfigJson::object());

  ConfigJson changed = configuration;
  changed["ipPermissions"].push_back(ConfigJson::parse(R"({"ipProtocol": "tcp", "fromPort": 22,
      "toPort": 22, "userIdGroupPairs": [], "ipv6Ranges": [], "prefixListIds": [],
      "ipRanges": ["0.0.0.0/0"], "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]})"));
  changed["ipPermissionsEgress"] = ConfigJson::array();
  changed["tags"] = ConfigJson::parse(R"([{"key": "OwnerDL", "value": "b@example.com"},
                                          {"key": "NotifyOnChange", "value": "true"}])");
  const ConfigJson diff = configuration_item_diff(before, item_with(changed, 2));
  const ConfigJson& properties = diff["changedProperties"];
  EXPECT_EQ(properties.size(), 4u) << properties.dump(2);
  EXPECT_EQ(properties["Configuration.IpPermissions.1"]["changeType"], "CREATE");
  EXPECT_TRUE(properties["Configuration.IpPermissions.1"]["previousValue"].is_null());
  EXPECT_EQ(properties["Configuration.IpPermissions.1"]["updatedValue"]["fromPort"], 22);
  EXPECT_EQ(properties["Configuration.IpPermissionsEgress.0"]["changeType"], "DELETE");
  EXPECT_TRUE(properties["Configuration.IpPermissionsEgress.0"]["updatedValue"].is_null());
  EXPECT_EQ(properties["Tags.OwnerDL"],
            ConfigJson({{"previousValue", "a@example.com"}, {"updatedValue", "b@example.com"},
                        {"changeType", "UPDATE"}}));
  EXPECT_EQ(properties["Tags.NotifyOnChange"]["changeType"], "CREATE");

  EXPECT_EQ(configuration_item_diff(nullptr, before)["changeType"], "CREATE");
  EXPECT_EQ(configuration_item_diff(nullptr, before)["changedProperties"], ConfigJson::object());
  const ConfigJson gone = configuration_item_diff(before, nullptr);
  EXPECT_EQ(gone["changeType"], "DELETE");
  EXPECT_EQ(gone["changedProperties"]["Configuration.IpPermissions.0"]["changeType"], "DELETE");
  EXPECT_EQ(gone["changedProperties"]["Tags.OwnerDL"]["changeType"], "DELETE");
}

}  // namespace
}  // namespace sgwatch::emulator::config_item_test
