#include "emulator/cloudtrail/trail_request_parameters.h"

#include <charconv>
#include <utility>
#include <vector>

#include "emulator/ec2/ec2_params.h"

namespace sgwatch::emulator {
namespace {

using Json = nlohmann::ordered_json;
// A Query member name and the name CloudTrail gives it.
using Members = std::vector<std::pair<const char*, const char*>>;

std::string at(const std::string& prefix, int index) {
  return prefix + "." + std::to_string(index);
}

// Integers travel as numbers; anything else (a client's mistake) as sent, so a record of a
// refused call still shows what was asked.
Json number_or_text(const std::string& text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!text.empty() && error == std::errc() && end == text.data() + text.size()) return value;
  return text;
}

void copy(Json& out, const char* name, const Params& params, const std::string& key) {
  if (auto value = param(params, key)) out[name] = *value;
}

void copy_number(Json& out, const char* name, const Params& params, const std::string& key) {
  if (auto value = param(params, key)) out[name] = number_or_text(*value);
}

// `prefix`.N.Member for each member, as {"items": [{...}]}; {} when the list is absent.
Json items(const Params& params, const std::string& prefix, const Members& members) {
  Json list = Json::array();
  for (int i : list_indices(params, prefix)) {
    Json item = Json::object();
    for (const auto& [member, name] : members) copy(item, name, params, at(prefix, i) + "." + member);
    list.push_back(std::move(item));
  }
  return list.empty() ? Json::object() : Json{{"items", std::move(list)}};
}

// `prefix`.N as {"items": [{name: value}]}; {} when absent.
Json value_items(const Params& params, const std::string& prefix, const char* name) {
  Json list = Json::array();
  for (const std::string& value : string_list(params, prefix)) list.push_back({{name, value}});
  return list.empty() ? Json::object() : Json{{"items", std::move(list)}};
}

Json ip_permissions(const Params& params) {
  Json list = Json::array();
  for (int i : list_indices(params, "IpPermissions")) {
    const std::string base = at("IpPermissions", i);
    Json permission = Json::object();
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
  return list.empty() ? Json::object() : Json{{"items", std::move(list)}};
}

// TagSpecification.N as CloudTrail's tagSpecificationSet; absent when the call has none.
void tag_specifications(Json& out, const Params& params) {
  Json list = Json::array();
  for (int i : list_indices(params, "TagSpecification")) {
    const std::string base = at("TagSpecification", i);
    Json tags = Json::array();
    for (int j : list_indices(params, base + ".Tag")) {
      Json tag = Json::object();
      copy(tag, "key", params, at(base + ".Tag", j) + ".Key");
      copy(tag, "value", params, at(base + ".Tag", j) + ".Value");
      tags.push_back(std::move(tag));
    }
    Json spec = Json::object();
    copy(spec, "resourceType", params, base + ".ResourceType");
    spec["tags"] = std::move(tags);
    list.push_back(std::move(spec));
  }
  if (!list.empty()) out["tagSpecificationSet"] = {{"items", std::move(list)}};
}

// The group a call names: by id, or (the older form) by name.
void target_group(Json& out, const Params& params) {
  copy(out, "groupId", params, "GroupId");
  copy(out, "groupName", params, "GroupName");
}

// Authorize*, Revoke* and UpdateSecurityGroupRuleDescriptions*.
Json rule_change(const Params& params) {
  Json out = Json::object();
  target_group(out, params);
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
Json tagged_list(Json list) {
  if (list.size() == 1) return std::move(list[0]);
  return list;
}

Json modify_rules(const Params& params) {
  Json request = Json::object();
  copy(request, "GroupId", params, "GroupId");
  Json rules = Json::array();
  for (int i : list_indices(params, "SecurityGroupRule")) {
    const std::string base = at("SecurityGroupRule", i);
    const std::string rule = base + ".SecurityGroupRule";
    Json content = Json::object();
    copy(content, "IpProtocol", params, rule + ".IpProtocol");
    copy_number(content, "FromPort", params, rule + ".FromPort");
    copy_number(content, "ToPort", params, rule + ".ToPort");
    for (const char* peer : {"CidrIpv4", "CidrIpv6", "PrefixListId", "ReferencedGroupId"}) {
      copy(content, peer, params, rule + "." + peer);
    }
    copy(content, "Description", params, rule + ".Description");
    Json entry = Json::object();
    copy(entry, "SecurityGroupRuleId", params, base + ".SecurityGroupRuleId");
    entry["SecurityGroupRule"] = std::move(content);
    entry["tag"] = i;
    rules.push_back(std::move(entry));
  }
  if (!rules.empty()) request["SecurityGroupRule"] = tagged_list(std::move(rules));
  return {{"ModifySecurityGroupRulesRequest", std::move(request)}};
}

Json tags(const Params& params, bool values_optional) {
  Json out = Json::object();
  out["resourcesSet"] = value_items(params, "ResourceId", "resourceId");
  Json list = Json::array();
  for (int i : list_indices(params, "Tag")) {
    Json tag = Json::object();
    copy(tag, "key", params, at("Tag", i) + ".Key");
    if (!values_optional || params.count(at("Tag", i) + ".Value") != 0) {
      tag["value"] = param_or_empty(params, at("Tag", i) + ".Value");
    }
    list.push_back(std::move(tag));
  }
  out["tagSet"] = list.empty() ? Json::object() : Json{{"items", std::move(list)}};
  return out;
}

Json filters(const Params& params) {
  Json list = Json::array();
  for (int i : list_indices(params, "Filter")) {
    const std::string base = at("Filter", i);
    Json filter = Json::object();
    copy(filter, "name", params, base + ".Name");
    filter["valueSet"] = value_items(params, base + ".Value", "value");
    list.push_back(std::move(filter));
  }
  return list.empty() ? Json::object() : Json{{"items", std::move(list)}};
}

Json describe_groups(const Params& params) {
  Json out = Json::object();
  out["securityGroupSet"] = value_items(params, "GroupName", "groupName");
  out["securityGroupIdSet"] = value_items(params, "GroupId", "groupId");
  out["filterSet"] = filters(params);
  copy_number(out, "maxResults", params, "MaxResults");
  copy(out, "nextToken", params, "NextToken");
  return out;
}

Json describe_rules(const Params& params) {
  Json request = Json::object();
  Json ids = Json::array();
  for (int i : list_indices(params, "SecurityGroupRuleId")) {
    ids.push_back({{"content", param_or_empty(params, at("SecurityGroupRuleId", i))}, {"tag", i}});
  }
  if (!ids.empty()) request["SecurityGroupRuleId"] = tagged_list(std::move(ids));
  Json list = Json::array();
  for (int i : list_indices(params, "Filter")) {
    const std::string base = at("Filter", i);
    Json values = Json::array();
    for (int j : list_indices(params, base + ".Value")) {
      values.push_back({{"content", param_or_empty(params, at(base + ".Value", j))}, {"tag", j}});
    }
    Json filter = Json::object();
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
    Json out = Json::object();
    copy(out, "groupName", params, "GroupName");
    copy(out, "groupDescription", params, "GroupDescription");
    copy(out, "vpcId", params, "VpcId");
    tag_specifications(out, params);
    return out;
  }
  if (action == "DeleteSecurityGroup") {
    Json out = Json::object();
    target_group(out, params);
    return out;
  }
  if (action.starts_with("AuthorizeSecurityGroup") || action.starts_with("RevokeSecurityGroup") ||
      action.starts_with("UpdateSecurityGroupRuleDescriptions")) {
    return rule_change(params);
  }
  if (action == "ModifySecurityGroupRules") return modify_rules(params);
  if (action == "CreateTags") return tags(params, /*values_optional=*/false);
  if (action == "DeleteTags") return tags(params, /*values_optional=*/true);
  if (action == "DescribeSecurityGroups") return describe_groups(params);
  if (action == "DescribeSecurityGroupRules") return describe_rules(params);
  if (action == "DescribeRegions") {
    Json out = Json::object();
    out["regionSet"] = value_items(params, "RegionName", "regionName");
    return out;
  }
  return nullptr;
}

}  // namespace sgwatch::emulator
