#include "aws/ec2_xml.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "test_support.h"

#include "sources/describe_json.h"

namespace sgwatch::ec2_xml_test {
namespace {

std::string sample(const std::string& name) { return testing::test_data("ec2/" + name); }

constexpr const char* kSample = "response_parsing__xml__responses__ec2-describe-security-groups";

TEST(Ec2XmlClient, TheRealXmlSampleEqualsItsParsedJson) {
  auto page = parse_describe_security_groups_xml(sample(std::string(kSample) + ".xml"));
  ASSERT_TRUE(page) << page.error().message;
  auto from_json = parse_describe_security_groups(sample(std::string(kSample) + ".json"), "json");
  ASSERT_TRUE(from_json);
  ASSERT_EQ(page->groups.size(), from_json->size());
  for (size_t i = 0; i < page->groups.size(); ++i) {
    EXPECT_TRUE(same_content(page->groups[i], (*from_json)[i])) << page->groups[i].id.str();
    EXPECT_EQ(content_hash(page->groups[i]), content_hash((*from_json)[i]));
  }
  EXPECT_FALSE(page->next_token);
}

TEST(Ec2XmlClient, NextTokenAndRulesPage) {
  auto groups = parse_describe_security_groups_xml(
      R"(<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><securityGroupInfo/><nextToken>abc</nextToken></DescribeSecurityGroupsResponse>)");
  ASSERT_TRUE(groups);
  EXPECT_TRUE(groups->groups.empty());
  EXPECT_EQ(groups->next_token, "abc");

  auto rules = parse_describe_security_group_rules_xml(R"(
    <DescribeSecurityGroupRulesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
      <securityGroupRuleSet>
        <item><securityGroupRuleId>sgr-0123456789abcdef0</securityGroupRuleId>
          <groupId>sg-0123456789abcdef0</groupId><groupOwnerId>111122223333</groupOwnerId>
          <isEgress>false</isEgress><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort>
          <toPort>22</toPort><cidrIpv4>10.1.2.3/8</cidrIpv4><description>ssh</description></item>
        <item><securityGroupRuleId>sgr-0123456789abcdef1</securityGroupRuleId>
          <groupId>sg-0123456789abcdef0</groupId><groupOwnerId>111122223333</groupOwnerId>
          <isEgress>true</isEgress><ipProtocol>-1</ipProtocol><fromPort>-1</fromPort>
          <toPort>-1</toPort><referencedGroupInfo><groupId>sg-0123456789abcdef0</groupId>
          </referencedGroupInfo></item>
      </securityGroupRuleSet>
    </DescribeSecurityGroupRulesResponse>)");
  ASSERT_TRUE(rules) << rules.error().message;
  ASSERT_EQ(rules->rules.size(), 2u);
  EXPECT_EQ(rules->rules[0].second.summary(), "ingress tcp/22 from 10.0.0.0/8");
  EXPECT_EQ(rules->rules[0].second.id->str(), "sgr-0123456789abcdef0");
  // A reference without userId means the group owner's account.
  EXPECT_EQ(rules->rules[1].second.summary(),
            "egress all traffic to sg-0123456789abcdef0 (account 111122223333)");
}

TEST(Ec2XmlClient, MalformedPagesAreErrors) {
  EXPECT_FALSE(parse_describe_security_groups_xml("<DescribeSecurityGroupsResponse>"));
  EXPECT_FALSE(parse_describe_security_groups_xml("<Response><Errors/></Response>"));
  auto bad_port = parse_describe_security_groups_xml(
      R"(<DescribeSecurityGroupsResponse><securityGroupInfo><item><ownerId>111122223333</ownerId>
         <groupId>sg-12345678</groupId><ipPermissions><item><ipProtocol>tcp</ipProtocol>
         <fromPort>x</fromPort><toPort>22</toPort></item></ipPermissions></item>
         </securityGroupInfo></DescribeSecurityGroupsResponse>)");
  ASSERT_FALSE(bad_port);
  EXPECT_NE(bad_port.error().message.find("sg-12345678"), std::string::npos)
      << bad_port.error().message;
  auto twice = parse_describe_security_groups_xml(
      R"(<DescribeSecurityGroupsResponse><securityGroupInfo>
         <item><ownerId>111122223333</ownerId><groupId>sg-12345678</groupId></item>
         <item><ownerId>111122223333</ownerId><groupId>sg-87654321</groupId></item>
         <item><ownerId>111122223333</ownerId><groupId>sg-12345678</groupId></item>
         </securityGroupInfo></DescribeSecurityGroupsResponse>)");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message, "the page lists sg-12345678 twice");
  auto no_peer = parse_describe_security_group_rules_xml(
      R"(<DescribeSecurityGroupRulesResponse><securityGroupRuleSet><item>
         <securityGroupRuleId>sgr-0123456789abcdef0</securityGroupRuleId>
         <groupId>sg-12345678</groupId><isEgress>false</isEgress><ipProtocol>-1</ipProtocol>
         </item></securityGroupRuleSet></DescribeSecurityGroupRulesResponse>)");
  ASSERT_FALSE(no_peer);
  EXPECT_NE(no_peer.error().message.find("exactly one peer"), std::string::npos);
  auto regions = parse_describe_regions_xml(
      R"(<DescribeRegionsResponse><regionInfo><item><regionName>eu-west-1</regionName></item>
         <item><regionName>us-east-1</regionName></item></regionInfo></DescribeRegionsResponse>)");
  ASSERT_TRUE(regions);
  EXPECT_EQ(*regions, (std::vector<std::string>{"eu-west-1", "us-east-1"}));
}

}  // namespace
}  // namespace sgwatch::ec2_xml_test
