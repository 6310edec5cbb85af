// The rules of a CloudTrail security-group call, read into the core types: ipPermissions
// items and the older top-level form of requestParameters (through to_rules(), with its
// error paths rewritten to the record's), the flat rule shape of responseElements'
// securityGroupRuleSet and of ModifySecurityGroupRules, lists of rule ids, and the
// rule-description updates. Apart because it is most of the parser and the only part that
// knows rule shapes; group_events.cc dispatches here.
#include "trail/rule_payloads.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ip_permission.h"

namespace sgwatch::trail_detail {
namespace {

bool ends_with_egress(std::string_view name) { return name.ends_with("Egress"); }

// to_rules() names fields in the DescribeSecurityGroups shape ("[0].IpRanges[1].CidrIp");
// a record's reader needs its own ("[0].ipRanges.items[1].cidrIp"). Rewrites the path
// before the first ": " only; runs on errors only.
Error record_paths(Error error, const std::vector<std::pair<std::string_view, std::string_view>>&
                                    replacements) {
  size_t end = error.message.find(": ");
  if (end == std::string::npos) return error;
  std::string path = error.message.substr(0, end);
  for (const auto& [from, to] : replacements) {
    for (size_t at = path.find(from); at != std::string::npos;
         at = path.find(from, at + to.size())) {
      path.replace(at, from.size(), to);
    }
  }
  error.message = path + error.message.substr(end);
  return error;
}

const std::vector<std::pair<std::string_view, std::string_view>> kItemPaths = {
    {".IpRanges[", ".ipRanges.items["},      {".Ipv6Ranges[", ".ipv6Ranges.items["},
    {".PrefixListIds[", ".prefixListIds.items["}, {".UserIdGroupPairs[", ".groups.items["},
    {".CidrIpv6", ".cidrIpv6"},              {".CidrIp", ".cidrIp"},
    {".PrefixListId", ".prefixListId"},      {".GroupId", ".groupId"},
    {".UserId", ".userId"},                  {".VpcId", ".vpcId"},
    {".VpcPeeringConnectionId", ".vpcPeeringConnectionId"},
    {".IpProtocol", ".ipProtocol"},          {".FromPort/ToPort", ".fromPort/toPort"},
};
const std::vector<std::pair<std::string_view, std::string_view>> kTopLevelPaths = {
    {"[0].IpRanges[0].CidrIp", ".cidrIp"},
    {"[0].IpProtocol", ".ipProtocol"},
    {"[0].FromPort/ToPort", ".fromPort/toPort"},
};

// One ipPermissions item, into IpPermission's shape; to_rules() validates the values.
Result<IpPermission> read_permission(const Node& item, std::vector<std::string>& notes) {
  IpPermission permission;
  auto protocol = item.protocol("ipProtocol");
  if (!protocol) return pass(protocol);
  permission.ip_protocol = std::move(*protocol);
  auto from = item.port("fromPort");
  if (!from) return pass(from);
  auto to = item.port("toPort");
  if (!to) return pass(to);
  permission.from_port = *from;
  permission.to_port = *to;

  auto ranges = [&](std::string_view list, std::string_view key, auto& out) -> Status {
    return item.for_each(list, true, [&](const Node& range) -> Status {
      auto value = range.required_string(key);
      if (!value) return pass(value);
      auto description = range.string_or_empty("description");
      if (!description) return pass(description);
      out.push_back({std::string(*value), std::move(*description)});
      return {};
    });
  };
  if (Status s = ranges("ipRanges", "cidrIp", permission.ipv4_ranges); !s) return pass(s);
  if (Status s = ranges("ipv6Ranges", "cidrIpv6", permission.ipv6_ranges); !s) return pass(s);
  if (Status s = ranges("prefixListIds", "prefixListId", permission.prefix_lists); !s) {
    return pass(s);
  }
  Status groups = item.for_each("groups", true, [&](const Node& pair) -> Status {
    IpPermission::GroupPair out;
    auto group_id = pair.string_or_empty("groupId");
    if (!group_id) return pass(group_id);
    if (group_id->empty()) {
      // EC2-Classic and default-VPC requests may name the peer group; a rule needs its id.
      auto name = pair.string_or_empty("groupName");
      if (!name) return pass(name);
      if (name->empty()) return invalid(pair.path("groupId") + ": missing");
      notes.push_back(pair.path("groupName") + ": peer group named '" + *name +
                      "' without an id; not shown as a rule");
      return {};
    }
    out.group_id = std::move(*group_id);
    for (auto [key, field] : {std::pair{"userId", &out.user_id}, std::pair{"vpcId", &out.vpc_id},
                              std::pair{"vpcPeeringConnectionId", &out.peering_id}}) {
      auto text = pair.string(key);
      if (!text) return pass(text);
      if (*text) *field = std::string(**text);
    }
    auto description = pair.string_or_empty("description");
    if (!description) return pass(description);
    out.description = std::move(*description);
    permission.group_pairs.push_back(std::move(out));
    return {};
  });
  if (!groups) return pass(groups);
  return permission;
}

// The rules of requestParameters: ipPermissions.items[], or the older top-level form.
Result<std::vector<Rule>> request_rules(const Node& params, Direction direction,
                                        std::vector<std::string>& notes) {
  std::vector<IpPermission> permissions;
  const bool listed = params.member("ipPermissions").has_value();
  Status read = params.for_each("ipPermissions", true, [&](const Node& item) -> Status {
    auto permission = read_permission(item, notes);
    if (!permission) return pass(permission);
    permissions.push_back(std::move(*permission));
    return {};
  });
  if (!read) return pass(read);
  if (listed) {
    auto rules = to_rules(std::move(permissions), direction, params.path("ipPermissions.items"));
    if (!rules) return tl::unexpected(record_paths(rules.error(), kItemPaths));
    return rules;
  }

  // The older form: one permission's fields directly in requestParameters.
  auto cidr = params.string("cidrIp");
  if (!cidr) return pass(cidr);
  auto source_name = params.string_or_empty("sourceSecurityGroupName");
  if (!source_name) return pass(source_name);
  if (!source_name->empty()) {
    auto owner = params.string_or_empty("sourceSecurityGroupOwnerId");
    if (!owner) return pass(owner);
    notes.push_back(params.path("sourceSecurityGroupName") + ": peer group named '" +
                    *source_name + "'" + (owner->empty() ? "" : " of account " + *owner) +
                    " without an id; not shown as a rule");
  }
  if (!*cidr) return std::vector<Rule>();
  IpPermission permission;
  auto protocol = params.protocol("ipProtocol");
  if (!protocol) return pass(protocol);
  permission.ip_protocol = std::move(*protocol);
  auto from = params.port("fromPort");
  if (!from) return pass(from);
  auto to = params.port("toPort");
  if (!to) return pass(to);
  permission.from_port = *from;
  permission.to_port = *to;
  permission.ipv4_ranges.push_back({std::string(**cidr), ""});
  std::vector<IpPermission> one{std::move(permission)};
  auto rules = to_rules(std::move(one), direction, params.path());
  if (!rules) return tl::unexpected(record_paths(rules.error(), kTopLevelPaths));
  return rules;
}

// One rule in the flat shape of securityGroupRuleSet items (camelCase) and of
// ModifySecurityGroupRules' SecurityGroupRule (PascalCase): keys are matched in any case.
Result<Rule> read_flat_rule(const Node& node, Direction direction) {
  auto protocol_text = node.protocol("ipProtocol");
  if (!protocol_text) return pass(protocol_text);
  auto protocol = Protocol::parse(*protocol_text);
  if (!protocol) return tl::unexpected(protocol.error().within(node.path("ipProtocol")));
  auto from = node.port("fromPort");
  if (!from) return pass(from);
  auto to = node.port("toPort");
  if (!to) return pass(to);
  auto ports = PortRange::make(*protocol, *from, *to);
  if (!ports) return tl::unexpected(ports.error().within(node.path("fromPort/toPort")));
  auto description = node.string_or_empty("description");
  if (!description) return pass(description);

  std::vector<Peer> peers;
  for (auto [key, family] : {std::pair{"cidrIpv4", Cidr::Family::kIpv4},
                             std::pair{"cidrIpv6", Cidr::Family::kIpv6}}) {
    auto text = node.string(key);
    if (!text) return pass(text);
    if (!*text || (*text)->empty()) continue;
    auto cidr = Cidr::parse(**text, family);
    if (!cidr) return tl::unexpected(cidr.error().within(node.path(key)));
    peers.push_back(*cidr);
  }
  auto list = node.id<PrefixListId>("prefixListId");
  if (!list) return pass(list);
  if (*list) peers.push_back(**list);
  auto referenced = node.id<GroupId>("referencedGroupId");
  if (!referenced) return pass(referenced);
  if (*referenced) peers.push_back(GroupRef{**referenced, {}, {}, {}});
  auto info = node.child("referencedGroupInfo");
  if (!info) return pass(info);
  if (*info) {
    const Node& ref = **info;
    auto group = ref.required_id<GroupId>("groupId");
    if (!group) return pass(group);
    auto user = ref.id<AccountId>("userId");
    if (!user) return pass(user);
    auto vpc = ref.id<VpcId>("vpcId");
    if (!vpc) return pass(vpc);
    auto peering = ref.id<PeeringId>("vpcPeeringConnectionId");
    if (!peering) return pass(peering);
    peers.push_back(GroupRef{*group, *user, *vpc, *peering});
  }
  if (peers.size() != 1) {
    return invalid(node.path() + ": " + (peers.empty() ? "no peer" : "several peers") +
                   ": expected exactly one of cidrIpv4, cidrIpv6, prefixListId, "
                   "referencedGroupInfo");
  }
  return Rule{direction, *protocol, *ports, std::move(peers.front()), std::move(*description),
              {}};
}

// responseElements.securityGroupRuleSet.items[] (and revokedSecurityGroupRuleSet): the
// rules EC2 made or removed, with their ids. Rules the request listed get their ids from
// here, matched by identity; when the request listed none, these are the rules.
Status response_rules(const Node& record, ApiCall& call, Direction direction) {
  auto response = record.child("responseElements");
  if (!response) return pass(response);
  if (!*response) return {};
  for (std::string_view set : {"securityGroupRuleSet", "revokedSecurityGroupRuleSet"}) {
    Status read = (*response)->for_each(set, true, [&](const Node& exact) -> Status {
      const Node item = exact.with_keys(Keys::kAnyCase);
      auto group = item.required_id<GroupId>("groupId");
      if (!group) return pass(group);
      auto id = item.id<RuleId>("securityGroupRuleId");
      if (!id) return pass(id);
      auto egress = item.boolean("isEgress");
      if (!egress) return pass(egress);
      Direction rule_direction =
          *egress ? (**egress ? Direction::kEgress : Direction::kIngress) : direction;
      auto rule = read_flat_rule(item, rule_direction);
      if (!rule) return pass(rule);
      rule->id = *id;
      GroupEffect& effect = effect_for(call, *group);
      if (*id) effect.rule_ids.push_back(**id);
      auto same = std::find_if(effect.rules.begin(), effect.rules.end(),
                               [&](const Rule& listed) { return same_identity(listed, *rule); });
      if (same != effect.rules.end()) {
        if (*id) same->id = *id;
      } else {
        effect.rules.push_back(std::move(*rule));
      }
      return {};
    });
    if (!read) return read;
  }
  return {};
}

// A list of rule ids: `{"items":[{"securityGroupRuleId": ...}]}`, or plain strings.
Status rule_id_list(const Node& params, std::string_view key, std::vector<RuleId>& out) {
  auto value = params.member(key);
  if (!value) return {};
  std::string path = params.path(key);
  object holder;
  element items = *value;
  if (value->get_object().get(holder) == SUCCESS) {
    if (holder.at_key("items").get(items) != SUCCESS || items.is_null()) return {};
    path += ".items";
  }
  array list;
  if (items.get_array().get(list) != SUCCESS) return wrong_json_type(path, "an array", items);
  size_t index = 0;
  for (element item : list) {
    std::string item_path = path + "[" + std::to_string(index++) + "]";
    std::string_view text;
    object obj;
    if (item.get_object().get(obj) == SUCCESS) {
      auto id = Node(obj, item_path, Keys::kAnyCase).required_id<RuleId>("securityGroupRuleId");
      if (!id) return pass(id);
      out.push_back(*id);
      continue;
    }
    if (item.get_string().get(text) != SUCCESS) return wrong_json_type(item_path, "a rule id", item);
    auto id = RuleId::parse(text);
    if (!id) return tl::unexpected(id.error().within(item_path));
    out.push_back(*id);
  }
  return {};
}

}  // namespace

// Authorize*, Revoke*, UpdateSecurityGroupRuleDescriptions*.
Status permission_call(const Node& record, const Node& params, ApiCall& call) {
  const Direction direction = ends_with_egress(call.event_name) ? Direction::kEgress
                                                                : Direction::kIngress;
  auto group = request_group(params, call);
  if (!group) return pass(group);
  auto rules = request_rules(params, direction, call.notes);
  if (!rules) return pass(rules);
  std::vector<RuleId> ids;
  if (Status s = rule_id_list(params, "securityGroupRuleIds", ids); !s) return s;
  std::vector<GroupEffect::IdDescription> descriptions;
  Status described = params.for_each(
      "securityGroupRuleDescriptions", true, [&](const Node& item) -> Status {
        auto id = item.required_id<RuleId>("securityGroupRuleId");
        if (!id) return pass(id);
        auto description = item.string_or_empty("description");
        if (!description) return pass(description);
        descriptions.push_back({*id, std::move(*description)});
        return {};
      });
  if (!described) return described;
  if (*group) {
    GroupEffect& effect = effect_for(call, **group);
    effect.rules = std::move(*rules);
    effect.rule_ids = std::move(ids);
    for (const auto& entry : descriptions) effect.rule_ids.push_back(entry.id);
    effect.id_descriptions = std::move(descriptions);
  } else if (!rules->empty() || !ids.empty() || !descriptions.empty()) {
    // Rules of a group named only by name have no group to hang on.
    call.notes.push_back(params.path("groupName") + ": group named '" + call.group_name +
                         "' without an id; its rules are not shown");
  }
  return response_rules(record, call, direction);
}

// ModifySecurityGroupRules: a converted Query request, in PascalCase and of varying shape.
Status modify_call(const Node& params, ApiCall& call) {
  auto request = params.child("ModifySecurityGroupRulesRequest", Keys::kTolerant);
  if (!request) return pass(request);
  const Node body = *request ? **request : params.with_keys(Keys::kTolerant);
  auto group = body.required_id<GroupId>("GroupId");
  if (!group) return pass(group);
  GroupEffect& effect = effect_for(call, *group);
  return body.for_each("SecurityGroupRule", false, [&](const Node& entry) -> Status {
    auto id = entry.required_id<RuleId>("SecurityGroupRuleId");
    if (!id) return pass(id);
    effect.rule_ids.push_back(*id);
    auto content = entry.child("SecurityGroupRule");
    if (!content) return pass(content);
    if (!*content) return {};
    // The request does not say whether the rule is ingress or egress; the id names it.
    auto rule = read_flat_rule(**content, Direction::kIngress);
    if (!rule) return pass(rule);
    rule->id = *id;
    effect.rules.push_back(std::move(*rule));
    return {};
  });
}

}  // namespace sgwatch::trail_detail
