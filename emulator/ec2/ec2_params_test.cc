#include "emulator/ec2/ec2_params.h"

#include <gtest/gtest.h>

#include "emulator/ec2/ec2_filter.h"
#include "emulator/ec2/ec2_paging.h"

namespace sgwatch::emulator::ec2_params_test {
namespace {

TEST(Ec2Params, ListsAreReadInNumericOrder) {
  Params params;
  for (int i = 1; i <= 12; ++i) params["GroupId." + std::to_string(i)] = "g" + std::to_string(i);
  params["GroupIdentity"] = "not part of the list";
  const auto values = string_list(params, "GroupId");
  ASSERT_EQ(values.size(), 12u);
  EXPECT_EQ(values[1], "g2");
  EXPECT_EQ(values[9], "g10");
  EXPECT_EQ(list_indices(params, "GroupId").back(), 12);
}

TEST(Ec2Params, IpPermissionsBecomeOneRequestPerPeer) {
  const Params params = {
      {"IpPermissions.1.IpProtocol", "tcp"},
      {"IpPermissions.1.FromPort", "443"},
      {"IpPermissions.1.ToPort", "443"},
      {"IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"},
      {"IpPermissions.1.IpRanges.1.Description", "internal"},
      {"IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "::/0"},
      {"IpPermissions.1.PrefixListIds.1.PrefixListId", "pl-12345678"},
      {"IpPermissions.1.Groups.1.GroupId", "sg-12345678"},
      {"IpPermissions.1.Groups.1.UserId", "444455556666"},
      {"IpPermissions.2.IpProtocol", "-1"},
      {"IpPermissions.2.Groups.1.GroupName", "web"},
  };
  auto rules = read_ip_permissions(params);
  ASSERT_TRUE(rules) << rules.error().message;
  ASSERT_EQ(rules->size(), 5u);
  EXPECT_EQ((*rules)[0].peer.kind, PeerKind::kIpv4);
  EXPECT_EQ((*rules)[0].description, "internal");
  EXPECT_EQ((*rules)[0].from_port, 443);
  EXPECT_EQ((*rules)[1].peer.kind, PeerKind::kIpv6);
  EXPECT_EQ((*rules)[2].peer.kind, PeerKind::kPrefixList);
  EXPECT_EQ((*rules)[3].peer.user_id, "444455556666");
  EXPECT_EQ((*rules)[4].peer.group_name, "web");
  EXPECT_EQ((*rules)[4].protocol, "-1");
  EXPECT_FALSE((*rules)[4].from_port);
}

TEST(Ec2Params, NonIntegerPortIsInvalid) {
  auto rules = read_ip_permissions({{"IpPermissions.1.IpProtocol", "tcp"},
                                    {"IpPermissions.1.FromPort", "ssh"},
                                    {"IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"}});
  ASSERT_FALSE(rules);
  EXPECT_EQ(rules.error().code, "InvalidParameterValue");
}

TEST(Ec2Params, TopLevelIngressForm) {
  auto rule = read_top_level_rule(
      {{"CidrIp", "0.0.0.0/0"}, {"IpProtocol", "tcp"}, {"FromPort", "22"}, {"ToPort", "22"}});
  ASSERT_TRUE(rule);
  EXPECT_EQ(rule->peer.value, "0.0.0.0/0");
  auto source = read_top_level_rule({{"SourceSecurityGroupName", "web"}});
  ASSERT_TRUE(source);
  EXPECT_EQ(source->peer.kind, PeerKind::kGroup);
  EXPECT_EQ(source->protocol, "-1");
  EXPECT_FALSE(read_top_level_rule({{"CidrIp", "0.0.0.0/0"}, {"SourceSecurityGroupName", "web"}}));
}

TEST(Ec2Params, TagsFiltersAndUpdates) {
  const Params params = {
      {"TagSpecification.1.ResourceType", "security-group"},
      {"TagSpecification.1.Tag.1.Key", "Owner"},
      {"TagSpecification.1.Tag.1.Value", "team-a"},
      {"TagSpecification.1.Tag.2.Key", "Empty"},
      {"Filter.1.Name", "tag:Owner"},
      {"Filter.1.Value.1", "team-*"},
      {"Filter.1.Value.2", "other"},
      {"SecurityGroupRule.1.SecurityGroupRuleId", "sgr-0123456789abcdef0"},
      {"SecurityGroupRule.1.SecurityGroupRule.IpProtocol", "tcp"},
      {"SecurityGroupRule.1.SecurityGroupRule.FromPort", "80"},
      {"SecurityGroupRule.1.SecurityGroupRule.ToPort", "80"},
      {"SecurityGroupRule.1.SecurityGroupRule.ReferencedGroupId", "sg-12345678"},
  };
  auto specs = read_tag_specifications(params);
  ASSERT_TRUE(specs);
  ASSERT_EQ(specs->size(), 1u);
  EXPECT_EQ((*specs)[0].tags.at("Owner"), "team-a");
  EXPECT_EQ((*specs)[0].tags.at("Empty"), "");
  auto filters = read_filters(params);
  ASSERT_TRUE(filters);
  ASSERT_EQ(filters->size(), 1u);
  EXPECT_EQ((*filters)[0].values.size(), 2u);
  auto updates = read_rule_updates(params);
  ASSERT_TRUE(updates);
  ASSERT_EQ(updates->size(), 1u);
  EXPECT_EQ((*updates)[0].rule.peer.kind, PeerKind::kGroup);
  EXPECT_EQ((*updates)[0].rule.to_port, 80);
}

TEST(Ec2Params, ModifyNeedsExactlyOnePeer) {
  auto updates = read_rule_updates({{"SecurityGroupRule.1.SecurityGroupRuleId", "sgr-1"},
                                    {"SecurityGroupRule.1.SecurityGroupRule.IpProtocol", "-1"}});
  ASSERT_FALSE(updates);
  EXPECT_EQ(updates.error().code, "InvalidParameterValue");
}

TEST(Ec2Params, WildcardsMatchLikeEc2s) {
  EXPECT_TRUE(wildcard_match("web-*", "web-frontend"));
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_TRUE(wildcard_match("a?c", "abc"));
  EXPECT_TRUE(wildcard_match("*-prod-*", "api-prod-1"));
  EXPECT_FALSE(wildcard_match("a?c", "ac"));
  EXPECT_FALSE(wildcard_match("web", "web-frontend"));
}

TEST(Ec2Params, MaxResultsAndTokens) {
  EXPECT_EQ(*read_max_results({{"MaxResults", "5"}}), std::optional<size_t>(5));
  EXPECT_FALSE(*read_max_results({}));
  for (const char* bad : {"4", "1001", "ten", ""}) {
    auto max = read_max_results({{"MaxResults", bad}});
    ASSERT_FALSE(max) << bad;
    EXPECT_EQ(max.error().code, "InvalidParameterValue");
  }
  const std::string token = make_next_token("sg", "sg-0123456789abcdef0");
  EXPECT_EQ(*read_next_token({{"NextToken", token}}, "sg"), "sg-0123456789abcdef0");
  EXPECT_EQ(read_next_token({{"NextToken", token}}, "sgr").error().code, "InvalidNextToken");
  EXPECT_EQ(read_next_token({{"NextToken", "zz"}}, "sg").error().code, "InvalidNextToken");
  EXPECT_EQ(*read_next_token({}, "sg"), "");
}

}  // namespace
}  // namespace sgwatch::emulator::ec2_params_test
