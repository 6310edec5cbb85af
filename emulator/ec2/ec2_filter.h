// Describe filters (Filter.N.Name / Filter.N.Value.M): filters are ANDed, a filter's values
// ORed, and values may use EC2's wildcards (* any run, ? one character).
#pragma once

#include <string_view>
#include <vector>

#include "emulator/ec2/ec2_error.h"
#include "emulator/ec2/ec2_model.h"
#include "emulator/ec2/ec2_params.h"

namespace sgwatch::emulator {

bool wildcard_match(std::string_view pattern, std::string_view text);

// DescribeSecurityGroups: group-id, group-name, description, vpc-id, owner-id, tag:<key>,
// tag-key, tag-value, and ip-permission.* / egress.ip-permission.* (cidr, ipv6-cidr,
// prefix-list-id, group-id, user-id, protocol, from-port, to-port).
// InvalidParameterValue for any other name.
Ec2Status check_group_filters(const std::vector<Filter>& filters);
bool group_matches(const StoredGroup& group, const std::vector<Filter>& filters);

// DescribeSecurityGroupRules: group-id, security-group-rule-id, tag:<key>, tag-key,
// tag-value.
Ec2Status check_rule_filters(const std::vector<Filter>& filters);
bool rule_matches(const StoredRule& rule, const std::vector<Filter>& filters);

}  // namespace sgwatch::emulator
