#include "aws/ec2_xml.h"

#include <charconv>

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

// Each element's children are read in one pass: looking each one up by name scans the
// siblings every time, and a page holds a thousand groups of a dozen rules.
bool named(xml_node node, std::string_view name) { return name == node.name(); }

// `path` and `index` name the permission in errors; formatted only then.
Result<std::optional<int>> port_value(xml_node node, std::string_view path, size_t index) {
  std::string_view value = node.text().as_string();
  int number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
    return invalid(
        fmt::format("{}[{}].{}: '{}' is not an integer", path, index, node.name(), value));
  }
  return std::optional<int>(number);
}

IpPermission::Range read_range(xml_node item, const char* cidr_name) {
  IpPermission::Range range;
  for (xml_node field : item.children()) {
    if (named(field, cidr_name)) range.cidr = field.text().as_string();
    else if (named(field, "description")) range.description = field.text().as_string();
  }
  return range;
}

IpPermission::GroupPair read_group_pair(xml_node item) {
  IpPermission::GroupPair pair;
  for (xml_node field : item.children()) {
    std::string_view name = field.name();
    std::string value = field.text().as_string();
    if (name == "groupId") pair.group_id = std::move(value);
    else if (name == "userId") pair.user_id = std::move(value);
    else if (name == "vpcId") pair.vpc_id = std::move(value);
    else if (name == "vpcPeeringConnectionId") pair.peering_id = std::move(value);
    else if (name == "description") pair.description = std::move(value);
  }
  return pair;
}

// <ipPermissions><item>...</item></ipPermissions> in EC2's XML names.
Result<std::vector<IpPermission>> read_permissions(xml_node list, std::string_view path) {
  std::vector<IpPermission> permissions;
  size_t index = 0;
  for (xml_node item : list.children("item")) {
    IpPermission permission;
    for (xml_node field : item.children()) {
      std::string_view name = field.name();
      if (name == "ipProtocol") {
        permission.ip_protocol = field.text().as_string();
      } else if (name == "fromPort" || name == "toPort") {
        auto port = port_value(field, path, index);
        if (!port) return tl::unexpected(port.error());
        (name == "fromPort" ? permission.from_port : permission.to_port) = *port;
      } else if (name == "ipRanges") {
        for (xml_node range : field.children("item")) {
          permission.ipv4_ranges.push_back(read_range(range, "cidrIp"));
        }
      } else if (name == "ipv6Ranges") {
        for (xml_node range : field.children("item")) {
          permission.ipv6_ranges.push_back(read_range(range, "cidrIpv6"));
        }
      } else if (name == "prefixListIds") {
        for (xml_node list_item : field.children("item")) {
          IpPermission::Range range = read_range(list_item, "prefixListId");
          permission.prefix_lists.push_back({std::move(range.cidr), std::move(range.description)});
        }
      } else if (name == "groups") {
        for (xml_node pair : field.children("item")) {
          permission.group_pairs.push_back(read_group_pair(pair));
        }
      }
    }
    ++index;
    permissions.push_back(std::move(permission));
  }
  return permissions;
}

// `index` is the group's place on the page; paths for messages are built only on error.
Result<Group> read_xml_group(xml_node item, size_t index) {
  std::string_view id_text, owner_text, vpc_text;
  std::string group_name, description;
  std::map<std::string, std::string> tags;
  xml_node lists[2];  // ingress, egress
  for (xml_node field : item.children()) {
    std::string_view name = field.name();
    if (name == "groupId") id_text = field.text().as_string();
    else if (name == "ownerId") owner_text = field.text().as_string();
    else if (name == "vpcId") vpc_text = field.text().as_string();
    else if (name == "groupName") group_name = field.text().as_string();
    else if (name == "groupDescription") description = field.text().as_string();
    else if (name == "ipPermissions") lists[0] = field;
    else if (name == "ipPermissionsEgress") lists[1] = field;
    else if (name == "tagSet") {
      for (xml_node tag : field.children("item")) {
        tags[text(tag, "key")] = text(tag, "value");
      }
    }
  }
  auto id = GroupId::parse(id_text);
  if (!id) {
    return tl::unexpected(id.error().within(fmt::format("securityGroupInfo[{}].groupId", index)));
  }
  auto at = [&](std::string_view field) {
    return fmt::format("securityGroupInfo[{}] ({}).{}", index, id->view(), field);
  };
  auto owner = AccountId::parse(owner_text);
  if (!owner) return tl::unexpected(owner.error().within(at("ownerId")));
  std::optional<VpcId> vpc;
  if (!vpc_text.empty()) {
    auto parsed = VpcId::parse(vpc_text);
    if (!parsed) return tl::unexpected(parsed.error().within(at("vpcId")));
    vpc = *parsed;
  }
  Group group{*id, std::move(group_name), std::move(description), vpc, *owner, std::move(tags), {}};
  for (bool egress : {false, true}) {
    const std::string list = egress ? "ipPermissionsEgress" : "ipPermissions";
    auto permissions = read_permissions(lists[egress ? 1 : 0], list);
    if (!permissions) return tl::unexpected(permissions.error().within(at(list)));
    auto rules = to_rules(std::move(*permissions),
                          egress ? Direction::kEgress : Direction::kIngress, list);
    if (!rules) return tl::unexpected(rules.error().within(at(list)));
    group.rules.insert(group.rules.end(), std::make_move_iterator(rules->begin()),
                       std::make_move_iterator(rules->end()));
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
  size_t index = 0;
  for (xml_node item : root.child("securityGroupInfo").children("item")) {
    auto group = read_xml_group(item, index++);
    if (!group) return tl::unexpected(group.error());
    page.groups.push_back(std::move(*group));
  }
  std::vector<GroupId> ids;
  ids.reserve(page.groups.size());
  for (const Group& group : page.groups) ids.push_back(group.id);
  if (auto twice = first_duplicate(std::move(ids))) {
    return invalid("the page lists " + twice->str() + " twice");
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
