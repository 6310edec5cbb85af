// The JSON that `aws ec2 describe-security-groups` and `aws ec2 describe-security-group-rules`
// print, parsed into the core model. This is the edge where EC2's shapes meet sgwatch's
// validated types: everything is checked here, and any bad field fails the whole document,
// because a partial read is not a snapshot.
//
// Every error message names the source, the item and the field, e.g.
//   snapshot.json: SecurityGroups[2] (sg-4e970e7e): IpPermissions[0].FromPort: expected an
//   integer, got string
// Keys sgwatch does not know are ignored, since AWS adds fields over time; a null value
// counts as absent.
#pragma once

#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/group.h"
#include "core/ids.h"
#include "core/rule.h"

namespace sgwatch {

// Parses {"SecurityGroups": [...]} (other top-level keys, such as NextToken or
// ResponseMetadata, are ignored). Each group comes back canonical, in document order.
// `source_name` (a file name, "stdin", ...) only prefixes error messages.
// Errors: malformed JSON, a missing SecurityGroups array, a missing required field
// (GroupId, GroupName, Description, OwnerId, IpProtocol, ...), a value of the wrong type,
// an invalid id, CIDR, protocol or port, the same GroupId twice, or a Tag Key twice.
Result<std::vector<Group>> parse_describe_security_groups(std::string_view json,
                                                          std::string_view source_name);

// One group's rules as DescribeSecurityGroupRules lists them: each rule has its id set.
struct GroupRules {
  GroupId group;
  std::vector<Rule> rules;  // in document order, not canonicalised
};

// Parses {"SecurityGroupRules": [...]}, grouped by GroupId in order of first appearance.
// A referenced group without UserId is completed with GroupOwnerId, as canonicalize() does
// for a group's own rules, so the same rule compares equal from either call.
// Errors: as above, plus a rule with no peer or several of CidrIpv4 / CidrIpv6 /
// PrefixListId / ReferencedGroupInfo, and the same SecurityGroupRuleId twice.
Result<std::vector<GroupRules>> parse_describe_security_group_rules(std::string_view json,
                                                                    std::string_view source_name);

}  // namespace sgwatch
