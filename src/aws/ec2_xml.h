// Reading EC2's Query API responses (XML) into sgwatch's model: DescribeSecurityGroups
// pages, DescribeSecurityGroupRules pages and DescribeRegions. Values go through the same
// validation as every other source (core/ip_permission.h), so a malformed page is an
// error, never a group with rules missing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/group.h"

namespace sgwatch {

struct SecurityGroupsPage {
  std::vector<Group> groups;  // canonical
  std::optional<std::string> next_token;
};

struct SecurityGroupRulesPage {
  std::vector<std::pair<GroupId, Rule>> rules;  // each with its id
  std::optional<std::string> next_token;
};

Result<SecurityGroupsPage> parse_describe_security_groups_xml(std::string_view xml);
Result<SecurityGroupRulesPage> parse_describe_security_group_rules_xml(std::string_view xml);
Result<std::vector<std::string>> parse_describe_regions_xml(std::string_view xml);

}  // namespace sgwatch
