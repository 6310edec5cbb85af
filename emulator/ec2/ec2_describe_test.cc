// Ec2Service: DescribeSecurityGroups, DescribeSecurityGroupRules and DescribeRegions.
#include <gtest/gtest.h>

#include <set>

#include "emulator/ec2/ec2_test_support.h"

namespace sgwatch::emulator::ec2_describe_test {
namespace {

using ec2_testing::kAccount;
using ec2_testing::kRegion;
using ec2_testing::Reply;

class Ec2Describe : public ec2_testing::Ec2ServiceTest {
 protected:
  // Pages through a Describe call, returning every id seen (in order) and the page sizes.
  std::pair<std::vector<std::string>, std::vector<size_t>> all_pages(Params params,
                                                                     const std::string& ids) {
    std::vector<std::string> seen;
    std::vector<size_t> sizes;
    for (int guard = 0; guard < 100; ++guard) {
      Reply reply = call(params);
      EXPECT_EQ(reply.status, 200) << reply.body;
      const std::vector<std::string> page = reply.texts(ids);
      seen.insert(seen.end(), page.begin(), page.end());
      sizes.push_back(page.size());
      const std::string token = reply.text("/*/nextToken");
      if (token.empty()) break;
      params["NextToken"] = token;
    }
    return {seen, sizes};
  }
};

TEST_F(Ec2Describe, PagesThroughTwelveGroupsFiveAtATime) {
  for (int i = 1; i <= 11; ++i) create("group-" + std::to_string(i));  // plus "default"
  auto [seen, sizes] = all_pages({{"Action", "DescribeSecurityGroups"}, {"MaxResults", "5"}},
                                 "//securityGroupInfo/item/groupId");
  EXPECT_EQ(sizes, (std::vector<size_t>{5, 5, 2}));
  const std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), 12u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));  // stable order: by group id

  // Without MaxResults everything comes at once, with no token.
  Reply all = call({{"Action", "DescribeSecurityGroups"}});
  EXPECT_EQ(all.count("//securityGroupInfo/item"), 12u);
  EXPECT_EQ(all.count("//nextToken"), 0u);
}

TEST_F(Ec2Describe, AnExactlyFullLastPageHasNoToken) {
  for (int i = 1; i <= 9; ++i) create("group-" + std::to_string(i));
  auto [seen, sizes] = all_pages({{"Action", "DescribeSecurityGroups"}, {"MaxResults", "5"}},
                                 "//securityGroupInfo/item/groupId");
  EXPECT_EQ(sizes, (std::vector<size_t>{5, 5}));
}

TEST_F(Ec2Describe, GroupsDeletedBetweenPagesLeaveNoGap) {
  std::vector<std::string> ids;
  for (int i = 1; i <= 11; ++i) ids.push_back(create("group-" + std::to_string(i)));
  Reply first = call({{"Action", "DescribeSecurityGroups"}, {"MaxResults", "5"}});
  const std::vector<std::string> page = first.texts("//securityGroupInfo/item/groupId");
  // Delete the last group of the first page (unless it is the default group, which stays);
  // the next page still starts right after it.
  if (page.back() != service_.default_group(kAccount, kRegion)) {
    ASSERT_EQ(call({{"Action", "DeleteSecurityGroup"}, {"GroupId", page.back()}}).status, 200);
  }
  Reply second = call({{"Action", "DescribeSecurityGroups"},
                       {"MaxResults", "5"},
                       {"NextToken", first.text("//nextToken")}});
  const std::vector<std::string> next = second.texts("//securityGroupInfo/item/groupId");
  ASSERT_FALSE(next.empty());
  EXPECT_GT(next.front(), page.back());
}

TEST_F(Ec2Describe, FiltersNarrowTheGroups) {
  const std::string web = create("web-frontend");
  const std::string api = create("web-api");
  create("db");
  ASSERT_EQ(call({{"Action", "CreateTags"},
                  {"ResourceId.1", api},
                  {"Tag.1.Key", "Owner"},
                  {"Tag.1.Value", "team-api"}})
                .status,
            200);
  ASSERT_EQ(allow_tcp(web, 443, "0.0.0.0/0").status, 200);

  auto ids = [&](Params params) {
    params["Action"] = "DescribeSecurityGroups";
    Reply reply = call(params);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.texts("//securityGroupInfo/item/groupName");
  };
  using Names = std::vector<std::string>;
  const std::string vpc = service_.default_vpc(kAccount, kRegion);

  EXPECT_EQ(ids({{"Filter.1.Name", "group-name"}, {"Filter.1.Value.1", "web-*"}}).size(), 2u);
  EXPECT_EQ(ids({{"Filter.1.Name", "group-id"}, {"Filter.1.Value.1", web}}), Names{"web-frontend"});
  EXPECT_EQ(ids({{"Filter.1.Name", "vpc-id"}, {"Filter.1.Value.1", vpc}}).size(), 4u);
  EXPECT_EQ(ids({{"Filter.1.Name", "tag:Owner"}, {"Filter.1.Value.1", "team-api"}}),
            Names{"web-api"});
  EXPECT_EQ(ids({{"Filter.1.Name", "tag-key"}, {"Filter.1.Value.1", "Owner"}}), Names{"web-api"});
  EXPECT_EQ(ids({{"Filter.1.Name", "ip-permission.cidr"}, {"Filter.1.Value.1", "0.0.0.0/0"}}),
            Names{"web-frontend"});
  EXPECT_EQ(ids({{"Filter.1.Name", "egress.ip-permission.cidr"},
                 {"Filter.1.Value.1", "0.0.0.0/0"}})
                .size(),
            4u);
  // Values of one filter are ORed; filters are ANDed.
  EXPECT_EQ(ids({{"Filter.1.Name", "group-name"},
                 {"Filter.1.Value.1", "db"},
                 {"Filter.1.Value.2", "web-api"},
                 {"Filter.2.Name", "tag:Owner"},
                 {"Filter.2.Value.1", "*"}}),
            Names{"web-api"});
  // Names and filters together.
  EXPECT_EQ(ids({{"GroupName.1", "db"}, {"GroupName.2", "web-api"}}).size(), 2u);
  EXPECT_TRUE(ids({{"GroupName.1", "db"}, {"Filter.1.Name", "tag-key"},
                   {"Filter.1.Value.1", "Owner"}})
                  .empty());

  Reply bad = call({{"Action", "DescribeSecurityGroups"},
                    {"Filter.1.Name", "colour"},
                    {"Filter.1.Value.1", "blue"}});
  EXPECT_EQ(bad.error_code(), "InvalidParameterValue");
  EXPECT_EQ(bad.error_message(), "The filter 'colour' is invalid");
}

TEST_F(Ec2Describe, GroupErrors) {
  const std::string web = create("web");
  Reply unknown = call({{"Action", "DescribeSecurityGroups"},
                        {"GroupId.1", web},
                        {"GroupId.2", "sg-0123456789abcdef0"}});
  EXPECT_EQ(unknown.error_code(), "InvalidGroup.NotFound");
  EXPECT_EQ(unknown.error_message(), "The security group 'sg-0123456789abcdef0' does not exist");
  Reply by_name = call({{"Action", "DescribeSecurityGroups"}, {"GroupName.1", "nope"}});
  EXPECT_EQ(by_name.error_code(), "InvalidGroup.NotFound");
  EXPECT_EQ(by_name.error_message(), "The security group 'nope' does not exist in default VPC '" +
                                         service_.default_vpc(kAccount, kRegion) + "'");
  EXPECT_EQ(call({{"Action", "DescribeSecurityGroups"}, {"GroupId.1", "web"}}).error_code(),
            "InvalidGroupId.Malformed");

  Reply combination =
      call({{"Action", "DescribeSecurityGroups"}, {"GroupId.1", web}, {"MaxResults", "5"}});
  EXPECT_EQ(combination.error_code(), "InvalidParameterCombination");
  EXPECT_EQ(combination.error_message(),
            "The parameter groupIds cannot be used with the parameter maxResults");
  for (const char* max : {"4", "1001", "x"}) {
    EXPECT_EQ(call({{"Action", "DescribeSecurityGroups"}, {"MaxResults", max}}).error_code(),
              "InvalidParameterValue")
        << max;
  }
  EXPECT_EQ(call({{"Action", "DescribeSecurityGroups"}, {"NextToken", "not-a-token"}})
                .error_code(),
            "InvalidNextToken");
}

TEST_F(Ec2Describe, RulesPageAndFilter) {
  const std::string web = create("web");
  for (int port = 1; port <= 11; ++port) {
    ASSERT_EQ(allow_tcp(web, port, "10.0.0.0/8").status, 200);
  }
  // 11 ingress rules and the default egress rule.
  auto [seen, sizes] = all_pages({{"Action", "DescribeSecurityGroupRules"},
                                  {"Filter.1.Name", "group-id"},
                                  {"Filter.1.Value.1", web},
                                  {"MaxResults", "5"}},
                                 "//securityGroupRuleSet/item/securityGroupRuleId");
  EXPECT_EQ(sizes, (std::vector<size_t>{5, 5, 2}));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 12u);

  // Every rule of the account: the default group's two as well.
  Reply all = call({{"Action", "DescribeSecurityGroupRules"}});
  EXPECT_EQ(all.count("//securityGroupRuleSet/item"), 14u);
  Reply default_rule = call({{"Action", "DescribeSecurityGroupRules"},
                             {"Filter.1.Name", "group-id"},
                             {"Filter.1.Value.1", service_.default_group(kAccount, kRegion)}});
  ASSERT_EQ(default_rule.count("//securityGroupRuleSet/item"), 2u);
  EXPECT_EQ(default_rule.text("//item[isEgress='false']/referencedGroupInfo/groupId"),
            service_.default_group(kAccount, kRegion));
  EXPECT_EQ(default_rule.text("//item[isEgress='false']/fromPort"), "-1");
  EXPECT_EQ(default_rule.text("//item[isEgress='true']/cidrIpv4"), "0.0.0.0/0");

  Reply by_id = call({{"Action", "DescribeSecurityGroupRules"},
                      {"Filter.1.Name", "security-group-rule-id"},
                      {"Filter.1.Value.1", seen[3]}});
  EXPECT_EQ(by_id.texts("//securityGroupRuleSet/item/securityGroupRuleId"),
            std::vector<std::string>{seen[3]});

  EXPECT_EQ(call({{"Action", "DescribeSecurityGroupRules"},
                  {"SecurityGroupRuleId.1", "sgr-0123456789abcdef0"}})
                .error_code(),
            "InvalidSecurityGroupRuleId.NotFound");
  EXPECT_EQ(call({{"Action", "DescribeSecurityGroupRules"},
                  {"Filter.1.Name", "cidr"},
                  {"Filter.1.Value.1", "x"}})
                .error_code(),
            "InvalidParameterValue");
  EXPECT_EQ(call({{"Action", "DescribeSecurityGroupRules"}, {"MaxResults", "2000"}}).error_code(),
            "InvalidParameterValue");
  // A group token does not page rules.
  Reply groups = call({{"Action", "DescribeSecurityGroups"}, {"MaxResults", "5"}});
  create("a");
  create("b");
  create("c");
  create("d");
  Reply paged = call({{"Action", "DescribeSecurityGroups"}, {"MaxResults", "5"}});
  EXPECT_EQ(call({{"Action", "DescribeSecurityGroupRules"},
                  {"NextToken", paged.text("//nextToken")}})
                .error_code(),
            "InvalidNextToken");
}

TEST_F(Ec2Describe, Regions) {
  Reply reply = call({{"Action", "DescribeRegions"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.texts("//regionInfo/item/regionName"),
            (std::vector<std::string>{"us-east-1", "eu-west-1"}));
  EXPECT_EQ(reply.text("//regionInfo/item/regionEndpoint"), "ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(reply.text("//regionInfo/item/optInStatus"), "opt-in-not-required");

  Reply named = call({{"Action", "DescribeRegions"}, {"RegionName.1", "eu-west-1"}});
  EXPECT_EQ(named.texts("//regionInfo/item/regionName"), std::vector<std::string>{"eu-west-1"});
  Reply filtered = call({{"Action", "DescribeRegions"},
                         {"Filter.1.Name", "region-name"},
                         {"Filter.1.Value.1", "us-*"}});
  EXPECT_EQ(filtered.texts("//regionInfo/item/regionName"),
            std::vector<std::string>{"us-east-1"});
  EXPECT_EQ(call({{"Action", "DescribeRegions"}, {"RegionName.1", "mars-1"}}).error_code(),
            "InvalidParameterValue");
}

TEST_F(Ec2Describe, GeneratedGroupsCountAndDescribe) {
  auto generated = service_.seed_generated(kAccount, kRegion, 60, 10);
  ASSERT_TRUE(generated) << generated.error().message;
  EXPECT_EQ(generated->group_ids.size(), 60u);
  EXPECT_EQ(generated->rules, 600u);
  EXPECT_EQ(service_.group_count(kAccount, kRegion), 61u);
  // Each generated group: 10 ingress rules and its default egress; plus the default group's 2.
  EXPECT_EQ(service_.rule_count(kAccount, kRegion), 60u * 11u + 2u);

  Reply world = call({{"Action", "DescribeSecurityGroups"},
                      {"Filter.1.Name", "ip-permission.cidr"},
                      {"Filter.1.Value.1", "0.0.0.0/0"}});
  EXPECT_EQ(world.count("//securityGroupInfo/item"), 2u);  // groups 0 and 50 have open SSH
  Reply one = call({{"Action", "DescribeSecurityGroups"}, {"GroupId.1", generated->group_ids[1]}});
  EXPECT_EQ(one.text("//item/tagSet/item[key='Name']/value"), "generated-2");
  EXPECT_EQ(one.count("//item/ipPermissions/item/ipv6Ranges/item"), 3u);
  EXPECT_EQ(one.text("//item/ipPermissions/item/groups/item/groupId"), generated->group_ids[0]);

  // A second batch gets fresh names.
  auto more = service_.seed_generated(kAccount, kRegion, 2, 1);
  ASSERT_TRUE(more) << more.error().message;
  EXPECT_EQ(service_.group_count(kAccount, kRegion), 63u);
  EXPECT_FALSE(service_.seed_generated(kAccount, kRegion, 1, 1001));
}

}  // namespace
}  // namespace sgwatch::emulator::ec2_describe_test
