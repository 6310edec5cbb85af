#include "emulator/ec2/ec2_params.h"

#include <strings.h>

#include <charconv>
#include <set>

namespace sgwatch::emulator {
namespace {

std::string at(const std::string& prefix, int index) {
  return prefix + "." + std::to_string(index);
}

// One IpPermissions.N entry: its protocol and ports, then one rule per peer.
Ec2Status read_permission(const Params& params, const std::string& base,
                          std::vector<RuleRequest>& out) {
  RuleRequest common;
  common.protocol = param_or_empty(params, base + ".IpProtocol");
  auto from = int_param(params, base + ".FromPort");
  if (!from) return tl::unexpected(from.error());
  auto to = int_param(params, base + ".ToPort");
  if (!to) return tl::unexpected(to.error());
  common.from_port = *from;
  common.to_port = *to;

  auto add = [&](const std::string& item, PeerKind kind, const std::string& value_key) {
    RuleRequest rule = common;
    rule.peer.kind = kind;
    rule.peer.value = param_or_empty(params, item + "." + value_key);
    rule.description = param_or_empty(params, item + ".Description");
    return rule;
  };
  for (int i : list_indices(params, base + ".IpRanges")) {
    out.push_back(add(at(base + ".IpRanges", i), PeerKind::kIpv4, "CidrIp"));
  }
  for (int i : list_indices(params, base + ".Ipv6Ranges")) {
    out.push_back(add(at(base + ".Ipv6Ranges", i), PeerKind::kIpv6, "CidrIpv6"));
  }
  for (int i : list_indices(params, base + ".PrefixListIds")) {
    out.push_back(add(at(base + ".PrefixListIds", i), PeerKind::kPrefixList, "PrefixListId"));
  }
  for (int i : list_indices(params, base + ".Groups")) {
    const std::string item = at(base + ".Groups", i);
    RuleRequest rule = add(item, PeerKind::kGroup, "GroupId");
    rule.peer.group_name = param_or_empty(params, item + ".GroupName");
    rule.peer.user_id = param_or_empty(params, item + ".UserId");
    rule.peer.vpc_id = param_or_empty(params, item + ".VpcId");
    rule.peer.peering_id = param_or_empty(params, item + ".VpcPeeringConnectionId");
    if (rule.peer.value.empty() && rule.peer.group_name.empty()) {
      return missing_parameter("groupId or groupName");
    }
    out.push_back(std::move(rule));
  }
  return {};
}

}  // namespace

std::optional<std::string> param(const Params& params, const std::string& key) {
  auto it = params.find(key);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

std::string param_or_empty(const Params& params, const std::string& key) {
  auto it = params.find(key);
  return it == params.end() ? std::string() : it->second;
}

bool bool_param(const Params& params, const std::string& key) {
  auto it = params.find(key);
  return it != params.end() && strcasecmp(it->second.c_str(), "true") == 0;
}

Ec2Result<std::optional<int64_t>> int_param(const Params& params, const std::string& key) {
  auto it = params.find(key);
  if (it == params.end()) return std::optional<int64_t>();
  const std::string& text = it->second;
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return invalid_value("Value (" + text + ") for parameter " + key +
                         " is invalid. Expected an integer.");
  }
  return std::optional<int64_t>(value);
}

std::vector<int> list_indices(const Params& params, const std::string& prefix) {
  const std::string start = prefix + ".";
  std::set<int> found;
  for (auto it = params.lower_bound(start); it != params.end(); ++it) {
    const std::string& key = it->first;
    if (key.compare(0, start.size(), start) != 0) break;
    const char* first = key.data() + start.size();
    const char* last = key.data() + key.size();
    int index = 0;
    auto [end, error] = std::from_chars(first, last, index);
    if (error != std::errc() || end == first || index < 1) continue;
    if (end == last || *end == '.') found.insert(index);
  }
  return {found.begin(), found.end()};
}

std::vector<std::string> string_list(const Params& params, const std::string& prefix) {
  std::vector<std::string> values;
  for (int i : list_indices(params, prefix)) {
    if (auto value = param(params, at(prefix, i))) values.push_back(*value);
  }
  return values;
}

Ec2Result<std::vector<RuleRequest>> read_ip_permissions(const Params& params) {
  std::vector<RuleRequest> rules;
  for (int i : list_indices(params, "IpPermissions")) {
    if (auto ok = read_permission(params, at("IpPermissions", i), rules); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  return rules;
}

bool has_top_level_rule(const Params& params) {
  for (const char* key : {"CidrIp", "IpProtocol", "FromPort", "ToPort",
                          "SourceSecurityGroupName", "SourceSecurityGroupOwnerId"}) {
    if (params.count(key) != 0) return true;
  }
  return false;
}

Ec2Result<RuleRequest> read_top_level_rule(const Params& params) {
  RuleRequest rule;
  auto from = int_param(params, "FromPort");
  if (!from) return tl::unexpected(from.error());
  auto to = int_param(params, "ToPort");
  if (!to) return tl::unexpected(to.error());
  rule.from_port = *from;
  rule.to_port = *to;
  rule.protocol = param_or_empty(params, "IpProtocol");

  const auto cidr = param(params, "CidrIp");
  const auto source = param(params, "SourceSecurityGroupName");
  if (cidr && source) {
    return ec2_fail("InvalidParameterCombination",
                    "The parameter CidrIp cannot be used with the parameter "
                    "SourceSecurityGroupName");
  }
  if (source) {
    // A source group without a protocol grants everything from that group.
    if (rule.protocol.empty()) rule.protocol = "-1";
    rule.peer.kind = PeerKind::kGroup;
    rule.peer.group_name = *source;
    rule.peer.user_id = param_or_empty(params, "SourceSecurityGroupOwnerId");
    return rule;
  }
  if (!cidr) return missing_parameter("CidrIp");
  rule.peer.kind = PeerKind::kIpv4;
  rule.peer.value = *cidr;
  return rule;
}

Ec2Result<Tags> read_tags(const Params& params, const std::string& prefix) {
  Tags tags;
  for (int i : list_indices(params, prefix)) {
    const std::string base = at(prefix, i);
    auto key = param(params, base + ".Key");
    if (!key) return missing_parameter(base + ".Key");
    tags[*key] = param_or_empty(params, base + ".Value");
  }
  return tags;
}

Ec2Result<std::vector<TagSpecification>> read_tag_specifications(const Params& params) {
  std::vector<TagSpecification> specs;
  for (int i : list_indices(params, "TagSpecification")) {
    const std::string base = at("TagSpecification", i);
    TagSpecification spec;
    spec.resource_type = param_or_empty(params, base + ".ResourceType");
    auto tags = read_tags(params, base + ".Tag");
    if (!tags) return tl::unexpected(tags.error());
    if (tags->empty()) {
      return invalid_value("Tag specification must have at least one tag");
    }
    spec.tags = std::move(*tags);
    specs.push_back(std::move(spec));
  }
  return specs;
}

Ec2Result<std::vector<TagRemoval>> read_tag_removals(const Params& params) {
  std::vector<TagRemoval> removals;
  for (int i : list_indices(params, "Tag")) {
    const std::string base = at("Tag", i);
    auto key = param(params, base + ".Key");
    if (!key) return missing_parameter(base + ".Key");
    removals.push_back(TagRemoval{*key, param(params, base + ".Value")});
  }
  return removals;
}

Ec2Result<std::vector<Filter>> read_filters(const Params& params) {
  std::vector<Filter> filters;
  for (int i : list_indices(params, "Filter")) {
    const std::string base = at("Filter", i);
    auto name = param(params, base + ".Name");
    if (!name) return missing_parameter(base + ".Name");
    filters.push_back(Filter{*name, string_list(params, base + ".Value")});
  }
  return filters;
}

Ec2Result<std::vector<RuleUpdate>> read_rule_updates(const Params& params) {
  std::vector<RuleUpdate> updates;
  for (int i : list_indices(params, "SecurityGroupRule")) {
    const std::string base = at("SecurityGroupRule", i);
    RuleUpdate update;
    auto id = param(params, base + ".SecurityGroupRuleId");
    if (!id) return missing_parameter(base + ".SecurityGroupRuleId");
    update.rule_id = *id;

    const std::string rule = base + ".SecurityGroupRule";
    RuleRequest& request = update.rule;
    request.protocol = param_or_empty(params, rule + ".IpProtocol");
    auto from = int_param(params, rule + ".FromPort");
    if (!from) return tl::unexpected(from.error());
    auto to = int_param(params, rule + ".ToPort");
    if (!to) return tl::unexpected(to.error());
    request.from_port = *from;
    request.to_port = *to;
    request.description = param_or_empty(params, rule + ".Description");

    int peers = 0;
    const std::pair<const char*, PeerKind> kinds[] = {
        {".CidrIpv4", PeerKind::kIpv4},
        {".CidrIpv6", PeerKind::kIpv6},
        {".PrefixListId", PeerKind::kPrefixList},
        {".ReferencedGroupId", PeerKind::kGroup}};
    for (const auto& [member, kind] : kinds) {
      if (auto value = param(params, rule + member)) {
        ++peers;
        request.peer.kind = kind;
        request.peer.value = *value;
      }
    }
    if (peers != 1) {
      return invalid_value("Specify exactly one of CidrIpv4, CidrIpv6, PrefixListId and "
                           "ReferencedGroupId for security group rule " + update.rule_id + ".");
    }
    updates.push_back(std::move(update));
  }
  return updates;
}

Ec2Result<std::vector<DescriptionUpdate>> read_description_updates(const Params& params) {
  std::vector<DescriptionUpdate> updates;
  for (int i : list_indices(params, "SecurityGroupRuleDescription")) {
    const std::string base = at("SecurityGroupRuleDescription", i);
    auto id = param(params, base + ".SecurityGroupRuleId");
    if (!id) return missing_parameter(base + ".SecurityGroupRuleId");
    updates.push_back(DescriptionUpdate{*id, param_or_empty(params, base + ".Description")});
  }
  return updates;
}

}  // namespace sgwatch::emulator
