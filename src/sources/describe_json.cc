#include "sources/describe_json.h"

#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <simdjson.h>

#include "core/ip_permission.h"
#include "core/json_element.h"
#include "core/json_fields.h"

namespace sgwatch {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// `error` placed in the document: "source: SecurityGroups[2] (sg-...): message".
tl::unexpected<Error> located(const Error& error, const std::string& where,
                              const std::string& source) {
  return tl::unexpected(error.within(where).within(source));
}

// The document's top-level array `key`. `parser` owns the parsed document, so it must
// outlive the array.
Result<array> top_level_array(simdjson::dom::parser& parser, const simdjson::padded_string& text,
                              std::string_view key) {
  element root;
  if (auto error = parser.parse(text).get(root); error) {
    return invalid(std::string("malformed JSON: ") + simdjson::error_message(error));
  }
  object root_object;
  if (root.get_object().get(root_object) != SUCCESS) {
    return invalid(std::string("expected a JSON object at the top level, got ") +
                   json_type_name(root));
  }
  const JsonFields fields(root_object, "");
  auto value = fields.member(key);
  if (!value) return invalid(std::string(key) + ": missing");
  array list;
  if (value->get_array().get(list) != SUCCESS) {
    return wrong_json_type(std::string(key), "an array", *value);
  }
  return list;
}

// ---- DescribeSecurityGroups ----

// IpRanges, Ipv6Ranges and PrefixListIds entries: one required string `key` and an
// optional Description. `Entry` is IpPermission::Range or IpPermission::PrefixList.
template <typename Entry>
Result<Entry> read_entry(object obj, const std::string& path, std::string_view key) {
  const JsonFields fields(obj, path);
  auto value = fields.required_string(key);
  if (!value) return tl::unexpected(value.error());
  auto description = fields.string_or_empty("Description");
  if (!description) return tl::unexpected(description.error());
  return Entry{std::move(*value), std::move(*description)};
}

Result<IpPermission::GroupPair> read_group_pair(object obj, const std::string& path) {
  const JsonFields fields(obj, path);
  // GroupName and PeeringStatus are left out: the id names the group, and the peering's
  // state is not part of what the rule allows.
  auto group_id = fields.required_string("GroupId");
  if (!group_id) return tl::unexpected(group_id.error());
  auto user = fields.optional_string("UserId");
  if (!user) return tl::unexpected(user.error());
  auto vpc = fields.optional_string("VpcId");
  if (!vpc) return tl::unexpected(vpc.error());
  auto peering = fields.optional_string("VpcPeeringConnectionId");
  if (!peering) return tl::unexpected(peering.error());
  auto description = fields.string_or_empty("Description");
  if (!description) return tl::unexpected(description.error());
  return IpPermission::GroupPair{std::move(*group_id), std::move(*user), std::move(*vpc),
                                 std::move(*peering), std::move(*description)};
}

// Reads the JSON into IpPermission's shape, checking only JSON types; to_rules() then
// validates the values, so every source shares one set of checks.
Result<IpPermission> read_permission(object obj, const std::string& path) {
  const JsonFields fields(obj, path);
  IpPermission permission;
  auto protocol = fields.required_string("IpProtocol");
  if (!protocol) return tl::unexpected(protocol.error());
  permission.ip_protocol = std::move(*protocol);
  auto from = fields.optional_int("FromPort");
  if (!from) return tl::unexpected(from.error());
  auto to = fields.optional_int("ToPort");
  if (!to) return tl::unexpected(to.error());
  permission.from_port = *from;
  permission.to_port = *to;

  // Reads the entries of `list` into `out`.
  auto entries = [&fields](std::string_view list, std::string_view key, auto& out) -> Status {
    using Entry = typename std::decay_t<decltype(out)>::value_type;
    return fields.for_each_object(list, [&](object item, const std::string& path) -> Status {
      auto entry = read_entry<Entry>(item, path, key);
      if (!entry) return tl::unexpected(entry.error());
      out.push_back(std::move(*entry));
      return {};
    });
  };
  if (Status s = entries("IpRanges", "CidrIp", permission.ipv4_ranges); !s) {
    return tl::unexpected(s.error());
  }
  if (Status s = entries("Ipv6Ranges", "CidrIpv6", permission.ipv6_ranges); !s) {
    return tl::unexpected(s.error());
  }
  if (Status s = entries("PrefixListIds", "PrefixListId", permission.prefix_lists); !s) {
    return tl::unexpected(s.error());
  }
  Status pairs = fields.for_each_object(
      "UserIdGroupPairs", [&](object item, const std::string& item_path) -> Status {
        auto pair = read_group_pair(item, item_path);
        if (!pair) return tl::unexpected(pair.error());
        permission.group_pairs.push_back(std::move(*pair));
        return {};
      });
  if (!pairs) return tl::unexpected(pairs.error());
  return permission;
}

// Appends the rules of the permission list `key` (absent means none) to `rules`.
Status read_permissions(const JsonFields& fields, std::string_view key, Direction direction,
                        std::vector<Rule>& rules) {
  std::vector<IpPermission> permissions;
  Status read = fields.for_each_object(key, [&](object item, const std::string& path) -> Status {
    auto permission = read_permission(item, path);
    if (!permission) return tl::unexpected(permission.error());
    permissions.push_back(std::move(*permission));
    return {};
  });
  if (!read) return read;
  auto flat = to_rules(std::move(permissions), direction, key);
  if (!flat) return tl::unexpected(flat.error());
  rules.insert(rules.end(), std::make_move_iterator(flat->begin()),
               std::make_move_iterator(flat->end()));
  return {};
}

Status read_tags(const JsonFields& fields, std::map<std::string, std::string>& tags) {
  return fields.for_each_object("Tags", [&](object item, const std::string& path) -> Status {
    const JsonFields tag(item, path);
    auto key = tag.required_string("Key");
    if (!key) return tl::unexpected(key.error());
    auto value = tag.string_or_empty("Value");
    if (!value) return tl::unexpected(value.error());
    // EC2 keeps tag keys unique; a repeat means the document is not what EC2 returned.
    if (!tags.emplace(*key, std::move(*value)).second) {
      return invalid(tag.path("Key") + ": duplicate tag key '" + *key + "'");
    }
    return {};
  });
}

// Reads everything but GroupId, which the caller has already read to name the group.
Result<Group> read_json_group(object obj, GroupId id) {
  const JsonFields fields(obj, "");
  auto name = fields.required_string("GroupName");
  if (!name) return tl::unexpected(name.error());
  auto description = fields.required_string("Description");
  if (!description) return tl::unexpected(description.error());
  auto owner = fields.required_id<AccountId>("OwnerId");
  if (!owner) return tl::unexpected(owner.error());
  auto vpc = fields.optional_id<VpcId>("VpcId");
  if (!vpc) return tl::unexpected(vpc.error());
  Group group{std::move(id), std::move(*name), std::move(*description), *vpc, *owner, {}, {}};
  if (Status tags = read_tags(fields, group.tags); !tags) return tl::unexpected(tags.error());
  if (Status in = read_permissions(fields, "IpPermissions", Direction::kIngress, group.rules);
      !in) {
    return tl::unexpected(in.error());
  }
  if (Status out =
          read_permissions(fields, "IpPermissionsEgress", Direction::kEgress, group.rules);
      !out) {
    return tl::unexpected(out.error());
  }
  canonicalize(group);
  return group;
}

// ---- DescribeSecurityGroupRules ----

constexpr std::string_view kPeerKeys[] = {"CidrIpv4", "CidrIpv6", "PrefixListId",
                                          "ReferencedGroupInfo"};

std::string peer_key_list() {
  std::string text;
  for (std::string_view key : kPeerKeys) {
    if (!text.empty()) text += ", ";
    text += key;
  }
  return text;
}

Result<Peer> read_rule_peer(const JsonFields& fields, const std::optional<AccountId>& owner) {
  std::vector<std::string_view> present;
  for (std::string_view key : kPeerKeys) {
    if (fields.member(key)) present.push_back(key);
  }
  if (present.empty()) {
    return invalid("no peer: expected exactly one of " + peer_key_list());
  }
  if (present.size() > 1) {
    std::string names;
    for (std::string_view key : present) names += (names.empty() ? "" : ", ") + std::string(key);
    return invalid("several peers (" + names + "): expected exactly one of " + peer_key_list());
  }
  const std::string_view key = present.front();
  if (key == "CidrIpv4" || key == "CidrIpv6") {
    auto text = fields.required_string(key);
    if (!text) return tl::unexpected(text.error());
    auto cidr = Cidr::parse(*text, key == "CidrIpv4" ? Cidr::Family::kIpv4 : Cidr::Family::kIpv6);
    if (!cidr) return tl::unexpected(cidr.error().within(fields.path(key)));
    return Peer(*cidr);
  }
  if (key == "PrefixListId") {
    auto id = fields.required_id<PrefixListId>(key);
    if (!id) return tl::unexpected(id.error());
    return Peer(*id);
  }
  auto info = fields.required_object(key);
  if (!info) return tl::unexpected(info.error());
  const JsonFields ref(*info, fields.path(key));
  auto group = ref.required_id<GroupId>("GroupId");
  if (!group) return tl::unexpected(group.error());
  auto user = ref.optional_id<AccountId>("UserId");
  if (!user) return tl::unexpected(user.error());
  auto vpc = ref.optional_id<VpcId>("VpcId");
  if (!vpc) return tl::unexpected(vpc.error());
  auto peering = ref.optional_id<PeeringId>("VpcPeeringConnectionId");
  if (!peering) return tl::unexpected(peering.error());
  // EC2 means the group's own account when it leaves UserId out.
  return Peer(GroupRef{*group, user->has_value() ? *user : owner, *vpc, *peering});
}

// Reads everything but SecurityGroupRuleId, which the caller has already read to name the
// rule, and GroupId, which it returns beside the rule.
Result<std::pair<GroupId, Rule>> read_rule(object obj, RuleId id) {
  const JsonFields fields(obj, "");
  auto group = fields.required_id<GroupId>("GroupId");
  if (!group) return tl::unexpected(group.error());
  auto owner = fields.optional_id<AccountId>("GroupOwnerId");
  if (!owner) return tl::unexpected(owner.error());
  auto is_egress = fields.required_bool("IsEgress");
  if (!is_egress) return tl::unexpected(is_egress.error());
  auto protocol_text = fields.required_string("IpProtocol");
  if (!protocol_text) return tl::unexpected(protocol_text.error());
  auto protocol = Protocol::parse(*protocol_text);
  if (!protocol) return tl::unexpected(protocol.error().within("IpProtocol"));
  auto from = fields.optional_int("FromPort");
  if (!from) return tl::unexpected(from.error());
  auto to = fields.optional_int("ToPort");
  if (!to) return tl::unexpected(to.error());
  auto ports = PortRange::make(*protocol, *from, *to);
  if (!ports) return tl::unexpected(ports.error().within("FromPort/ToPort"));
  auto peer = read_rule_peer(fields, *owner);
  if (!peer) return tl::unexpected(peer.error());
  auto description = fields.string_or_empty("Description");
  if (!description) return tl::unexpected(description.error());
  Rule rule{*is_egress ? Direction::kEgress : Direction::kIngress,
            *protocol,
            *ports,
            std::move(*peer),
            std::move(*description),
            std::move(id)};
  return std::pair<GroupId, Rule>(std::move(*group), std::move(rule));
}

}  // namespace

Result<std::vector<Group>> parse_describe_security_groups(std::string_view json,
                                                          std::string_view source_name) {
  const std::string source(source_name);
  simdjson::dom::parser parser;
  const simdjson::padded_string text(json);
  auto list = top_level_array(parser, text, "SecurityGroups");
  if (!list) return tl::unexpected(list.error().within(source));

  std::vector<Group> groups;
  std::map<GroupId, size_t> seen;  // id -> index of the group that had it
  size_t index = 0;
  for (element item : *list) {
    std::string where = indexed_path("SecurityGroups", index);
    object obj;
    if (item.get_object().get(obj) != SUCCESS) {
      return tl::unexpected(wrong_json_type(where, "an object", item).value().within(source));
    }
    // The id comes first so that every later error can name the group.
    auto id = JsonFields(obj, "").required_id<GroupId>("GroupId");
    if (!id) return located(id.error(), where, source);
    where += " (" + id->str() + ")";
    if (auto [it, fresh] = seen.emplace(*id, index); !fresh) {
      return located(Error{ErrorCode::kInvalidInput,
                           "GroupId: duplicate of " + indexed_path("SecurityGroups", it->second)},
                     where, source);
    }
    auto group = read_json_group(obj, *id);
    if (!group) return located(group.error(), where, source);
    groups.push_back(std::move(*group));
    ++index;
  }
  return groups;
}

Result<std::vector<GroupRules>> parse_describe_security_group_rules(std::string_view json,
                                                                    std::string_view source_name) {
  const std::string source(source_name);
  simdjson::dom::parser parser;
  const simdjson::padded_string text(json);
  auto list = top_level_array(parser, text, "SecurityGroupRules");
  if (!list) return tl::unexpected(list.error().within(source));

  std::vector<GroupRules> result;
  std::map<GroupId, size_t> position;  // group -> its index in `result`
  std::map<RuleId, size_t> seen;       // rule id -> index of the rule that had it
  size_t index = 0;
  for (element item : *list) {
    std::string where = indexed_path("SecurityGroupRules", index);
    object obj;
    if (item.get_object().get(obj) != SUCCESS) {
      return tl::unexpected(wrong_json_type(where, "an object", item).value().within(source));
    }
    auto id = JsonFields(obj, "").required_id<RuleId>("SecurityGroupRuleId");
    if (!id) return located(id.error(), where, source);
    where += " (" + id->str() + ")";
    if (auto [it, fresh] = seen.emplace(*id, index); !fresh) {
      return located(Error{ErrorCode::kInvalidInput,
                           "SecurityGroupRuleId: duplicate of " +
                               indexed_path("SecurityGroupRules", it->second)},
                     where, source);
    }
    auto rule = read_rule(obj, *id);
    if (!rule) return located(rule.error(), where, source);
    auto [slot, added] = position.emplace(rule->first, result.size());
    if (added) result.push_back(GroupRules{rule->first, {}});
    result[slot->second].rules.push_back(std::move(rule->second));
    ++index;
  }
  return result;
}

}  // namespace sgwatch
