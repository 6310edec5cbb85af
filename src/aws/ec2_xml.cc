#include "aws/ec2_xml.h"

#include <charconv>
#include <set>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "core/ip_permission.h"

namespace sgwatch {
namespace {

using pugi::xml_node;

// Parses `xml` into `doc` (owned by the caller: nodes point into it) and finds the root.
Status load(pugi::xml_document& doc, std::string_view xml, const char* root_name,
            xml_node& root) {
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return invalid(fmt::format("the {} response is not XML: {} at offset {}", root_name,
                               parsed.description(), parsed.offset));
  }
  root = doc.child(root_name);
  if (!root) return invalid(fmt::format("the response has no <{}> element", root_name));
  return {};
}

std::string text(xml_node node, const char* name) { return node.child(name).text().as_string(); }

std::optional<std::string> optional_text(xml_node node, const char* name) {
  xml_node child = node.child(name);
  if (!child) return std::nullopt;
  return std::string(child.text().as_string());
}

Result<std::optional<int>> optional_int(xml_node node, const char* name, const std::string& path) {
  xml_node child = node.child(name);
  if (!child) return std::optional<int>();
  std::string_view value = child.text().as_string();
  int number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
    return invalid(fmt::format("{}.{}: '{}' is not an integer", path, name, value));
  }
  return std::optional<int>(number);
}

std::optional<std::string> next_token(xml_node root) {
  std::string token = text(root, "nextToken");
  return token.empty() ? std::nullopt : std::optional<std::string>(token);
}

// <ipPermissions><item>...</item></ipPermissions> in EC2's XML names.
Result<std::vector<IpPermission>> read_permissions(xml_node list, const std::string& path) {
  std::vector<IpPermission> permissions;
  size_t index = 0;
  for (xml_node item : list.children("item")) {
    const std::string at = fmt::format("{}[{}]", path, index++);
    IpPermission permission;
    permission.ip_protocol = text(item, "ipProtocol");
    auto from = optional_int(item, "fromPort", at);
    if (!from) return tl::unexpected(from.error());
    auto to = optional_int(item, "toPort", at);
    if (!to) return tl::unexpected(to.error());
    permission.from_port = *from;
    permission.to_port = *to;
    for (xml_node range : item.child("ipRanges").children("item")) {
      permission.ipv4_ranges.push_back({text(range, "cidrIp"), text(range, "description")});
    }
    for (xml_node range : item.child("ipv6Ranges").children("item")) {
      permission.ipv6_ranges.push_back({text(range, "cidrIpv6"), text(range, "description")});
    }
    for (xml_node list_item : item.child("prefixListIds").children("item")) {
      permission.prefix_lists.push_back(
          {text(list_item, "prefixListId"), text(list_item, "description")});
    }
    for (xml_node pair : item.child("groups").children("item")) {
      permission.group_pairs.push_back({text(pair, "groupId"), optional_text(pair, "userId"),
                                        optional_text(pair, "vpcId"),
                                        optional_text(pair, "vpcPeeringConnectionId"),
                                        text(pair, "description")});
    }
    permissions.push_back(std::move(permission));
  }
  return permissions;
}

Result<Group> read_group(xml_node item, const std::string& path) {
  auto id = GroupId::parse(text(item, "groupId"));
  if (!id) return tl::unexpected(id.error().within(path + ".groupId"));
  const std::string at = fmt::format("{} ({})", path, id->str());
  auto owner = AccountId::parse(text(item, "ownerId"));
  if (!owner) return tl::unexpected(owner.error().within(at + ".ownerId"));
  std::optional<VpcId> vpc;
  if (auto vpc_text = optional_text(item, "vpcId"); vpc_text && !vpc_text->empty()) {
    auto parsed = VpcId::parse(*vpc_text);
    if (!parsed) return tl::unexpected(parsed.error().within(at + ".vpcId"));
    vpc = *parsed;
  }
  Group group{*id, text(item, "groupName"), text(item, "groupDescription"), vpc, *owner, {}, {}};
  for (xml_node tag : item.child("tagSet").children("item")) {
    group.tags[text(tag, "key")] = text(tag, "value");
  }
  for (bool egress : {false, true}) {
    const char* list = egress ? "ipPermissionsEgress" : "ipPermissions";
    auto permissions = read_permissions(item.child(list), at + "." + list);
    if (!permissions) return tl::unexpected(permissions.error());
    auto rules = to_rules(*permissions, egress ? Direction::kEgress : Direction::kIngress,
                          at + "." + list);
    if (!rules) return tl::unexpected(rules.error());
    group.rules.insert(group.rules.end(), rules->begin(), rules->end());
  }
  canonicalize(group);
  return group;
}

}  // namespace

Result<SecurityGroupsPage> parse_describe_security_groups_xml(std::string_view xml) {
  pugi::xml_document doc;
  xml_node root;
  if (auto loaded = load(doc, xml, "DescribeSecurityGroupsResponse", root); !loaded) {
    return tl::unexpected(loaded.error());
  }
  SecurityGroupsPage page;
  std::set<GroupId> seen;
  size_t index = 0;
  for (xml_node item : root.child("securityGroupInfo").children("item")) {
    auto group = read_group(item, fmt::format("securityGroupInfo[{}]", index++));
    if (!group) return tl::unexpected(group.error());
    if (!seen.insert(group->id).second) {
      return invalid("the page lists " + group->id.str() + " twice");
    }
    page.groups.push_back(std::move(*group));
  }
  page.next_token = next_token(root);
  return page;
}

Result<SecurityGroupRulesPage> parse_describe_security_group_rules_xml(std::string_view xml) {
  pugi::xml_document doc;
  xml_node root;
  if (auto loaded = load(doc, xml, "DescribeSecurityGroupRulesResponse", root); !loaded) {
    return tl::unexpected(loaded.error());
  }
  SecurityGroupRulesPage page;
  size_t index = 0;
  for (xml_node item : root.child("securityGroupRuleSet").children("item")) {
    const std::string path = fmt::format("securityGroupRuleSet[{}]", index++);
    auto group = GroupId::parse(text(item, "groupId"));
    if (!group) return tl::unexpected(group.error().within(path + ".groupId"));
    auto rule_id = RuleId::parse(text(item, "securityGroupRuleId"));
    if (!rule_id) return tl::unexpected(rule_id.error().within(path + ".securityGroupRuleId"));
    // One flat rule is a permission with exactly one peer; to_rules validates it.
    IpPermission permission;
    permission.ip_protocol = text(item, "ipProtocol");
    auto from = optional_int(item, "fromPort", path);
    if (!from) return tl::unexpected(from.error());
    auto to = optional_int(item, "toPort", path);
    if (!to) return tl::unexpected(to.error());
    permission.from_port = *from;
    permission.to_port = *to;
    const std::string description = text(item, "description");
    int peers = 0;
    if (auto cidr = optional_text(item, "cidrIpv4")) {
      permission.ipv4_ranges.push_back({*cidr, description});
      ++peers;
    }
    if (auto cidr = optional_text(item, "cidrIpv6")) {
      permission.ipv6_ranges.push_back({*cidr, description});
      ++peers;
    }
    if (auto list = optional_text(item, "prefixListId")) {
      permission.prefix_lists.push_back({*list, description});
      ++peers;
    }
    if (xml_node ref = item.child("referencedGroupInfo")) {
      std::optional<std::string> user = optional_text(ref, "userId");
      if (!user) user = optional_text(item, "groupOwnerId");
      permission.group_pairs.push_back({text(ref, "groupId"), user, optional_text(ref, "vpcId"),
                                        optional_text(ref, "vpcPeeringConnectionId"),
                                        description});
      ++peers;
    }
    if (peers != 1) {
      return invalid(fmt::format("{} ({}): expected exactly one peer, found {}", path,
                                 rule_id->str(), peers));
    }
    bool egress = std::string_view(text(item, "isEgress")) == "true";
    auto rules = to_rules({permission}, egress ? Direction::kEgress : Direction::kIngress, path);
    if (!rules) return tl::unexpected(rules.error());
    Rule rule = std::move(rules->front());
    rule.id = *rule_id;
    page.rules.emplace_back(*group, std::move(rule));
  }
  page.next_token = next_token(root);
  return page;
}

Result<std::vector<std::string>> parse_describe_regions_xml(std::string_view xml) {
  pugi::xml_document doc;
  xml_node root;
  if (auto loaded = load(doc, xml, "DescribeRegionsResponse", root); !loaded) {
    return tl::unexpected(loaded.error());
  }
  std::vector<std::string> regions;
  for (xml_node item : root.child("regionInfo").children("item")) {
    auto region = Region::parse(text(item, "regionName"));
    if (!region) return tl::unexpected(region.error().within("regionInfo"));
    regions.push_back(region->str());
  }
  return regions;
}

}  // namespace sgwatch
