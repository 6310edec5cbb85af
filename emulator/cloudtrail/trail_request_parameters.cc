#include "emulator/cloudtrail/trail_request_parameters.h"

#include <charconv>
#include <utility>
#include <vector>

#include "emulator/ec2/ec2_params.h"

namespace sgwatch::emulator {
namespace {

using OrderedJson = nlohmann::ordered_json;
// A Query member name and the name CloudTrail gives it.
using Members = std::vector<std::pair<const char*, const char*>>;

std::string at(const std::string& prefix, int index) {
  return prefix + "." + std::to_string(index);
}

// Integers travel as numbers; anything else (a client's mistake) as sent, so a record of a
// refused call still shows what was asked.
OrderedJson number_or_text(const std::string& text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!text.empty() && error == std::errc() && end == text.data() + text.size()) return value;
  return text;
}

void copy(OrderedJson& out, const char* name, const Params& params, const std::string& key) {
  if (auto value = param(params, key)) out[name] = *value;
}

void copy_number(OrderedJson& out, const char* name, const Params& params, const std::string& key) {
  if (auto value = param(params, key)) out[name] = number_or_text(*value);
}

// `prefix`.N.Member for each member, as {"items": [{...}]}; {} when the list is absent.
OrderedJson items(const Params& params, const std::string& prefix, const Members& members) {
  OrderedJson list = OrderedJson::array();
  for (int i : list_indices(params, prefix)) {
    OrderedJson item = OrderedJson::object();
    for (const auto& [member, name] : members) copy(item, name, params, at(prefix, i) + "." + member);
    list.push_back(std::move(item));
  }
  return list.empty() ? OrderedJson::object() : OrderedJson{{"items", std::move(list)}};
}

// `prefix`.N as {"items": [{name: value}]}; {} when absent.
OrderedJson value_items(const Params& params, const std::string& prefix, const char* name) {
  OrderedJson list = OrderedJson::array();
  for (const std::string& value : string_list(params, prefix)) list.push_back({{name, value}});
  return list.empty() ? OrderedJson::object() : OrderedJson{{"items", std::move(list)}};
}

OrderedJson ip_permissions(const Params& params) {
  OrderedJson list = OrderedJson::array();
  for (int i : list_indices(params, "IpPermissions")) {
    const std::string base = at("IpPermissions", i);
    OrderedJson permission = OrderedJson::object();
    copy(permission, "ipProtocol", params, base + ".IpProtocol");
    copy_number(permission, "fromPort", params, base + ".FromPort");
    copy_number(permission, "toPort", params, base + ".ToPort");
    permission["groups"] = items(params, base + ".Groups",
                                 {{"GroupId", "groupId"},
                                  {"GroupName", "groupName"},
                                  {"UserId", "userId"},
                                  {"VpcId", "vpcId"},
                                  {"VpcPeeringConnectionId", "vpcPeeringConnectionId"},
                                  {"Description", "description"}});
    permission["ipRanges"] = items(params, base + ".IpRanges",
                                   {{"CidrIp", "cidrIp"}, {"Description", "description"}});
    permission["ipv6Ranges"] = items(params, base + ".Ipv6Ranges",
                                     {{"CidrIpv6", "cidrIpv6"}, {"Description", "description"}});
    permission["prefixListIds"] =
        items(params, base + ".PrefixListIds",
              {{"PrefixListId", "prefixListId"}, {"Description", "description"}});
    list.push_back(std::move(permission));
  }
  return list.empty() ? OrderedJson::object() : OrderedJson{{"items", std::move(list)}};
}

// TagSpecification.N as CloudTrail's tagSpecificationSet; absent when the call has none.
void tag_specifications(OrderedJson& out, const Params& params) {
  OrderedJson list = OrderedJson::array();
  for (int i : list_indices(params, "TagSpecification")) {
    const std::string base = at("TagSpecification", i);
    OrderedJson tags = OrderedJson::array();
    for (int j : list_indices(params, base + ".Tag")) {
      OrderedJson tag = OrderedJson::object();
      copy(tag, "key", params, at(base + ".Tag", j) + ".Key");
      copy(tag, "value", params, at(base + ".Tag", j) + ".Value");
      tags.push_back(std::move(tag));
    }
    OrderedJson spec = OrderedJson::object();
    copy(spec, "resourceType", params, base + ".ResourceType");
    spec["tags"] = std::move(tags);
    list.push_back(std::move(spec));
  }
  if (!list.empty()) out["tagSpecificationSet"] = {{"items", std::move(list)}};
}

// The group a call names: by id, or (the older form) by name.
void trail_target_group(OrderedJson& out, const Params& params) {
  copy(out, "groupId", params, "GroupId");
  copy(out, "groupName", params, "GroupName");
}

// Authorize*, Revoke* and UpdateSecurityGroupRuleDescriptions*.
OrderedJson rule_change(const Params& params) {
  OrderedJson out = OrderedJson::object();
  trail_target_group(out, params);
  out["ipPermissions"] = ip_permissions(params);
  // The older top-level ingress form is recorded as sent, beside an empty ipPermissions.
  copy(out, "ipProtocol", params, "IpProtocol");
  copy_number(out, "fromPort", params, "FromPort");
  copy_number(out, "toPort", params, "ToPort");
  copy(out, "cidrIp", params, "CidrIp");
  copy(out, "sourceSecurityGroupName", params, "SourceSecurityGroupName");
  copy(out, "sourceSecurityGroupOwnerId", params, "SourceSecurityGroupOwnerId");
  if (!list_indices(params, "SecurityGroupRuleId").empty()) {
    out["securityGroupRuleIds"] = value_items(params, "SecurityGroupRuleId", "securityGroupRuleId");
  }
  if (!list_indices(params, "SecurityGroupRuleDescription").empty()) {
    out["securityGroupRuleDescriptions"] =
        items(params, "SecurityGroupRuleDescription",
              {{"SecurityGroupRuleId", "securityGroupRuleId"}, {"Description", "description"}});
  }
  tag_specifications(out, params);
  return out;
}

// A list in the newer style: each member with its position as "tag"; one member alone.
OrderedJson tagged_list(OrderedJson list) {
  if (list.size() == 1) return std::move(list[0]);
  return list;
}

OrderedJson trail_modify_rules(const Params& params) {
  OrderedJson request = OrderedJson::object();
  copy(request, "GroupId", params, "GroupId");
  OrderedJson rules = OrderedJson::array();
  for (int i : list_indices(params, "SecurityGroupRule")) {
    const std::string base = at("SecurityGroupRule", i);
    const std::string rule = base + ".SecurityGroupRule";
    OrderedJson content = OrderedJson::object();
    copy(content, "IpProtocol", params, rule + ".IpProtocol");
    copy_number(content, "FromPort", params, rule + ".FromPort");
    copy_number(content, "ToPort", params, rule + ".ToPort");
    for (const char* peer : {"CidrIpv4", "CidrIpv6", "PrefixListId", "ReferencedGroupId"}) {
      copy(content, peer, params, rule + "." + peer);
    }
    copy(content, "Description", params, rule + ".Description");
    OrderedJson entry = OrderedJson::object();
    copy(entry, "SecurityGroupRuleId", params, base + ".SecurityGroupRuleId");
    entry["SecurityGroupRule"] = std::move(content);
    entry["tag"] = i;
    rules.push_back(std::move(entry));
  }
  if (!rules.empty()) request["SecurityGroupRule"] = tagged_list(std::move(rules));
  return {{"ModifySecurityGroupRulesRequest", std::move(request)}};
}

OrderedJson tags(const Params& params, bool values_optional) {
  OrderedJson out = OrderedJson::object();
  out["resourcesSet"] = value_items(params, "ResourceId", "resourceId");
  OrderedJson list = OrderedJson::array();
  for (int i : list_indices(params, "Tag")) {
    OrderedJson tag = OrderedJson::object();
    copy(tag, "key", params, at("Tag", i) + ".Key");
    if (!values_optional || params.count(at("Tag", i) + ".Value") != 0) {
      tag["value"] = param_or_empty(params, at("Tag", i) + ".Value");
    }
    list.push_back(std::move(tag));
  }
  out["tagSet"] = list.empty() ? OrderedJson::object() : OrderedJson{{"items", std::move(list)}};
  return out;
}

OrderedJson filters(const Params& params) {
  OrderedJson list = OrderedJson::array();
  for (int i : list_indices(params, "Filter")) {
    const std::string base = at("Filter", i);
    OrderedJson filter = OrderedJson::object();
    copy(filter, "name", params, base + ".Name");
    filter["valueSet"] = value_items(params, base + ".Value", "value");
    list.push_back(std::move(filter));
  }
  return list.empty() ? OrderedJson::object() : OrderedJson{{"items", std::move(list)}};
}

OrderedJson describe_groups(const Params& params) {
  OrderedJson out = OrderedJson::object();
  out["securityGroupSet"] = value_items(params, "GroupName", "groupName");
  out["securityGroupIdSet"] = value_items(params, "GroupId", "groupId");
  out["filterSet"] = filters(params);
  copy_number(out, "maxResults", params, "MaxResults");
  copy(out, "nextToken", params, "NextToken");
  return out;
}

OrderedJson describe_rules(const Params& params) {
  OrderedJson request = OrderedJson::object();
  OrderedJson ids = OrderedJson::array();
  for (int i : list_indices(params, "SecurityGroupRuleId")) {
    ids.push_back({{"content", param_or_empty(params, at("SecurityGroupRuleId", i))}, {"tag", i}});
  }
  if (!ids.empty()) request["SecurityGroupRuleId"] = tagged_list(std::move(ids));
  OrderedJson list = OrderedJson::array();
  for (int i : list_indices(params, "Filter")) {
    const std::string base = at("Filter", i);
    OrderedJson values = OrderedJson::array();
    for (int j : list_indices(params, base + ".Value")) {
      values.push_back({{"content", param_or_empty(params, at(base + ".Value", j))}, {"tag", j}});
    }
    OrderedJson filter = OrderedJson::object();
    copy(filter, "Name", params, base + ".Name");
    filter["Value"] = tagged_list(std::move(values));
    filter["tag"] = i;
    list.push_back(std::move(filter));
  }
  if (!list.empty()) request["Filter"] = tagged_list(std::move(list));
  copy_number(request, "MaxResults", params, "MaxResults");
  copy(request, "NextToken", params, "NextToken");
  return {{"DescribeSecurityGroupRulesRequest", std::move(request)}};
}

}  // namespace

nlohmann::ordered_json trail_request_parameters(const std::string& action,
                                                const Params& params) {
  if (action == "CreateSecurityGroup") {
    OrderedJson out = OrderedJson::object();
    copy(out, "groupName", params, "GroupName");
    copy(out, "groupDescription", params, "GroupDescription");
    copy(out, "vpcId", params, "VpcId");
    tag_specifications(out, params);
    return out;
  }
  if (action == "DeleteSecurityGroup") {
    OrderedJson out = OrderedJson::object();
    trail_target_group(out, params);
    return out;
  }
  if (action.starts_with("AuthorizeSecurityGroup") || action.starts_with("RevokeSecurityGroup") ||
      action.starts_with("UpdateSecurityGroupRuleDescriptions")) {
    return rule_change(params);
  }
  if (action == "ModifySecurityGroupRules") return trail_modify_rules(params);
  if (action == "CreateTags") return tags(params, /*values_optional=*/false);
  if (action == "DeleteTags") return tags(params, /*values_optional=*/true);
  if (action == "DescribeSecurityGroups") return describe_groups(params);
  if (action == "DescribeSecurityGroupRules") return describe_rules(params);
  if (action == "DescribeRegions") {
    OrderedJson out = OrderedJson::object();
    out["regionSet"] = value_items(params, "RegionName", "regionName");
    return out;
  }
  return nullptr;
}

}  // namespace sgwatch::emulator
