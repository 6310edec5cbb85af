// Reading EC2 Query parameters into requests. The Query protocol flattens lists as
// "Name.N" and structures as "Name.N.Member" ("IpPermissions.1.IpRanges.2.CidrIp"); list
// numbers start at 1 and are read in numeric order. The names are the service model's
// serialised names: UserIdGroupPairs travel as "Groups", TagSpecifications as
// "TagSpecification", Filters as "Filter".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/ec2/ec2_error.h"
#include "emulator/ec2/ec2_model.h"
#include "emulator/ec2/ec2_rule.h"
#include "emulator/http_types.h"

namespace sgwatch::emulator {

struct TagSpecification {
  std::string resource_type;  // "security-group", "security-group-rule"
  Tags tags;
};

struct Filter {
  std::string name;                 // "group-id", "tag:Owner"
  std::vector<std::string> values;  // any may match; may hold * and ? wildcards
};

// The parameter's value, or nullopt when absent.
std::optional<std::string> param(const Params& params, const std::string& key);
// The parameter's value, or "" when absent.
std::string param_or_empty(const Params& params, const std::string& key);
// True when `key` is "true" (any case), as awscli sends booleans.
bool bool_param(const Params& params, const std::string& key);
// An integer parameter; InvalidParameterValue when present but not an integer.
Ec2Result<std::optional<int64_t>> int_param(const Params& params, const std::string& key);

// The list numbers N present under `prefix` ("prefix.N" or "prefix.N.Member"), ascending.
std::vector<int> list_indices(const Params& params, const std::string& prefix);
// The values "prefix.1", "prefix.2", ... in numeric order.
std::vector<std::string> string_list(const Params& params, const std::string& prefix);

// IpPermissions.N.*, one RuleRequest per peer. A permission that names no peer adds no
// rule, as EC2 treats it.
Ec2Result<std::vector<RuleRequest>> read_ip_permissions(const Params& params);
// Whether the older top-level ingress form (CidrIp, IpProtocol, FromPort, ToPort,
// SourceSecurityGroupName, SourceSecurityGroupOwnerId) is used.
bool has_top_level_rule(const Params& params);
// That form as one rule.
Ec2Result<RuleRequest> read_top_level_rule(const Params& params);

// TagSpecification.N.ResourceType and TagSpecification.N.Tag.M.Key/Value.
Ec2Result<std::vector<TagSpecification>> read_tag_specifications(const Params& params);
// `prefix`.N.Key and `prefix`.N.Value ("Tag.1.Key"); a missing value is "".
Ec2Result<Tags> read_tags(const Params& params, const std::string& prefix);
// DeleteTags' Tag.N.Key with an optional Tag.N.Value.
Ec2Result<std::vector<TagRemoval>> read_tag_removals(const Params& params);
// Filter.N.Name and Filter.N.Value.M.
Ec2Result<std::vector<Filter>> read_filters(const Params& params);

// ModifySecurityGroupRules' SecurityGroupRule.N.{SecurityGroupRuleId, SecurityGroupRule.*}.
Ec2Result<std::vector<RuleUpdate>> read_rule_updates(const Params& params);
// SecurityGroupRuleDescription.N.{SecurityGroupRuleId, Description}.
Ec2Result<std::vector<DescriptionUpdate>> read_description_updates(const Params& params);

}  // namespace sgwatch::emulator
