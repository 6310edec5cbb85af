#include "trail/record_parser.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/ip_permission.h"
#include "core/json_element.h"
#include "core/time_format.h"

namespace sgwatch {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::string_view kEc2 = "ec2.amazonaws.com";

template <typename T>
tl::unexpected<Error> pass(const Result<T>& result) {
  return tl::unexpected(result.error());
}

// How an object's keys are looked up.
enum class Keys {
  kExact,
  kAnyCase,   // userIdentity: some tools lower-case every key
  kTolerant,  // any case, and a value may be wrapped in a one-element list or in
              // {"content": ...}: ModifySecurityGroupRules' request is a converted Query
              // request whose shape varies between records
};

// Strips the wrappers Keys::kTolerant allows.
element unwrap(element value) {
  for (int depth = 0; depth < 4; ++depth) {
    array list;
    object obj;
    element inner;
    if (value.get_array().get(list) == SUCCESS && list.size() == 1) {
      value = list.at(0).value_unsafe();
    } else if (value.get_object().get(obj) == SUCCESS &&
               obj.at_key_case_insensitive("content").get(inner) == SUCCESS) {
      value = inner;
    } else {
      break;
    }
  }
  return value;
}

// Typed access to one JSON object's members; errors name the member by its path. Absent
// and null are the same: CloudTrail writes null for parameters a call did not take.
class Node {
 public:
  Node(object obj, std::string path, Keys keys = Keys::kExact)
      : obj_(obj), path_(std::move(path)), keys_(keys) {}
  // An object with no members, standing in for one the record leaves out.
  static Node absent(std::string path) {
    Node node(object(), std::move(path));
    node.absent_ = true;
    return node;
  }

  std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  const std::string& path() const { return path_; }
  Keys keys() const { return keys_; }
  Node with_keys(Keys keys) const {
    Node node(obj_, path_, keys);
    node.absent_ = absent_;
    return node;
  }

  std::optional<element> member(std::string_view key) const {
    if (absent_) return std::nullopt;
    element value;
    auto found = keys_ == Keys::kExact ? obj_.at_key(key) : obj_.at_key_case_insensitive(key);
    if (found.get(value) != SUCCESS) return std::nullopt;
    if (keys_ == Keys::kTolerant) value = unwrap(value);
    if (value.is_null()) return std::nullopt;
    return value;
  }

  Result<std::optional<std::string_view>> string(std::string_view key) const {
    auto value = member(key);
    if (!value) return std::optional<std::string_view>();
    std::string_view text;
    if (value->get_string().get(text) != SUCCESS) return wrong_json_type(path(key), "a string", *value);
    return std::optional<std::string_view>(text);
  }

  Result<std::string> string_or_empty(std::string_view key) const {
    auto text = string(key);
    if (!text) return pass(text);
    return std::string(text->value_or(""));
  }

  Result<std::string_view> required_string(std::string_view key) const {
    auto text = string(key);
    if (!text) return pass(text);
    if (!*text) return invalid(path(key) + ": missing");
    return **text;
  }

  // An empty string counts as absent, as in core/ip_permission.cc.
  template <typename Id>
  Result<std::optional<Id>> id(std::string_view key) const {
    auto text = string(key);
    if (!text) return pass(text);
    if (!*text || (*text)->empty()) return std::optional<Id>();
    auto parsed = Id::parse(**text);
    if (!parsed) return tl::unexpected(parsed.error().within(path(key)));
    return std::optional<Id>(*parsed);
  }

  template <typename Id>
  Result<Id> required_id(std::string_view key) const {
    auto parsed = id<Id>(key);
    if (!parsed) return pass(parsed);
    if (!*parsed) return invalid(path(key) + ": missing");
    return **parsed;
  }

  // Ports arrive as numbers or as strings ("443"), depending on the record's writer.
  Result<std::optional<int>> port(std::string_view key) const {
    auto value = member(key);
    if (!value) return std::optional<int>();
    int64_t number = 0;
    std::string_view text;
    if (value->get_int64().get(number) == SUCCESS) {
      if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max()) {
        return invalid(path(key) + ": " + std::to_string(number) + " is not a port");
      }
      return std::optional<int>(int(number));
    }
    if (value->get_string().get(text) == SUCCESS) {
      int parsed = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
      if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return invalid(path(key) + ": '" + std::string(text) + "' is not a port");
      }
      return std::optional<int>(parsed);
    }
    return wrong_json_type(path(key), "a port (a number or a string)", *value);
  }

  // A protocol: a string ("tcp", "6", "-1") or, from some writers, a number.
  Result<std::string> protocol(std::string_view key) const {
    auto value = member(key);
    if (!value) return invalid(path(key) + ": missing");
    std::string_view text;
    int64_t number = 0;
    if (value->get_string().get(text) == SUCCESS) return std::string(text);
    if (value->get_int64().get(number) == SUCCESS) return std::to_string(number);
    return wrong_json_type(path(key), "a protocol", *value);
  }

  Result<std::optional<bool>> boolean(std::string_view key) const {
    auto value = member(key);
    if (!value) return std::optional<bool>();
    bool flag = false;
    std::string_view text;
    if (value->get_bool().get(flag) == SUCCESS) return std::optional<bool>(flag);
    if (value->get_string().get(text) == SUCCESS && (text == "true" || text == "false")) {
      return std::optional<bool>(text == "true");
    }
    return wrong_json_type(path(key), "a boolean", *value);
  }

  Result<std::optional<Node>> child(std::string_view key, Keys keys) const {
    auto value = member(key);
    if (!value) return std::optional<Node>();
    object obj;
    if (value->get_object().get(obj) != SUCCESS) return wrong_json_type(path(key), "an object", *value);
    return std::optional<Node>(Node(obj, path(key), keys));
  }
  Result<std::optional<Node>> child(std::string_view key) const { return child(key, keys_); }

  // Calls `each(Node)` for every object of a list, which is either EC2's `{"items": [...]}`
  // (`wrapped`) or a plain array; either may be absent or empty. A single object where
  // a list is expected is taken as a list of one when the keys are tolerant.
  template <typename Each>
  Status for_each(std::string_view key, bool wrapped, Each&& each) const {
    auto value = member(key);
    if (!value) return {};
    std::string list_path = path(key);
    if (wrapped) {
      object holder;
      if (value->get_object().get(holder) != SUCCESS) {
        return wrong_json_type(list_path, "an object with items", *value);
      }
      element items;
      if (holder.at_key("items").get(items) != SUCCESS || items.is_null()) return {};
      value = items;
      list_path += ".items";
    }
    array list;
    if (value->get_array().get(list) != SUCCESS) {
      object single;
      if (keys_ == Keys::kTolerant && value->get_object().get(single) == SUCCESS) {
        return each(Node(single, list_path, keys_));
      }
      return wrong_json_type(list_path, "an array", *value);
    }
    size_t index = 0;
    for (element item : list) {
      std::string item_path = list_path + "[" + std::to_string(index++) + "]";
      if (keys_ == Keys::kTolerant) item = unwrap(item);
      object obj;
      if (item.get_object().get(obj) != SUCCESS) return wrong_json_type(item_path, "an object", item);
      if (Status status = each(Node(obj, std::move(item_path), keys_)); !status) return status;
    }
    return {};
  }

 private:
  object obj_;
  std::string path_;
  Keys keys_;
  bool absent_ = false;
};

// ---- who made the call ----

Status read_actor(const Node& record, Actor& actor) {
  auto identity = record.child("userIdentity", Keys::kAnyCase);
  if (!identity) return pass(identity);
  if (!*identity) return {};
  const Node& who = **identity;
  struct Field {
    std::string_view key;
    std::string* out;
  };
  for (Field field : {Field{"type", &actor.type}, Field{"arn", &actor.arn},
                      Field{"principalId", &actor.principal_id},
                      Field{"accountId", &actor.account_id},
                      Field{"accessKeyId", &actor.access_key_id},
                      Field{"userName", &actor.user_name},
                      Field{"invokedBy", &actor.invoked_by}}) {
    auto text = who.string_or_empty(field.key);
    if (!text) return pass(text);
    *field.out = std::move(*text);
  }
  auto session = who.child("sessionContext");
  if (!session) return pass(session);
  if (*session) {
    auto issuer = (*session)->child("sessionIssuer");
    if (!issuer) return pass(issuer);
    if (*issuer) {
      auto arn = (*issuer)->string_or_empty("arn");
      if (!arn) return pass(arn);
      auto name = (*issuer)->string_or_empty("userName");
      if (!name) return pass(name);
      actor.session_issuer_arn = std::move(*arn);
      actor.session_issuer_name = std::move(*name);
    }
  }
  // An assumed role's ARN ends in the session name, which is who acted: a person's name
  // or an instance id, where userName would be empty.
  if (actor.type == "AssumedRole" && actor.user_name.empty()) {
    if (size_t slash = actor.arn.rfind('/'); slash != std::string::npos) {
      actor.user_name = actor.arn.substr(slash + 1);
    }
  }
  return {};
}

// ---- security-group payloads ----

bool ends_with_egress(std::string_view name) { return name.ends_with("Egress"); }

GroupEffect& effect_for(ApiCall& call, const GroupId& group) {
  for (GroupEffect& effect : call.effects) {
    if (effect.group == group) return effect;
  }
  call.effects.push_back(GroupEffect{group, {}, {}, {}, {}});
  return call.effects.back();
}

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

// The group a request names: groupId, else (EC2-Classic, default VPC) groupName, kept in
// ApiCall::group_name.
Result<std::optional<GroupId>> request_group(const Node& params, ApiCall& call) {
  auto group = params.id<GroupId>("groupId");
  if (!group) return pass(group);
  if (!*group) {
    auto name = params.string_or_empty("groupName");
    if (!name) return pass(name);
    call.group_name = std::move(*name);
  }
  return *group;
}

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

Status create_group_call(const Node& record, const Node& params, ApiCall& call) {
  auto name = params.string_or_empty("groupName");
  if (!name) return pass(name);
  call.group_name = std::move(*name);
  auto description = params.string_or_empty("groupDescription");
  if (!description) return pass(description);
  call.group_description = std::move(*description);
  auto vpc = params.id<VpcId>("vpcId");
  if (!vpc) return pass(vpc);
  call.vpc = *vpc;
  auto response = record.child("responseElements");
  if (!response) return pass(response);
  if (!*response) return {};
  auto group = (*response)->id<GroupId>("groupId");
  if (!group) return pass(group);
  if (*group) effect_for(call, **group);
  return {};
}

Status tags_call(const Node& params, ApiCall& call) {
  const bool create = call.event_name == "CreateTags";
  std::vector<TagChange> tags;
  Status read_tags = params.for_each("tagSet", true, [&](const Node& item) -> Status {
    auto key = item.required_string("key");
    if (!key) return pass(key);
    auto value = item.string("value");
    if (!value) return pass(value);
    TagChange change{std::string(*key), std::nullopt, std::nullopt};
    std::optional<std::string> text;
    if (*value) text = std::string(**value);
    if (create) {
      change.after = text.value_or("");
    } else {
      change.before = std::move(text);
    }
    tags.push_back(std::move(change));
    return {};
  });
  if (!read_tags) return read_tags;
  return params.for_each("resourcesSet", true, [&](const Node& item) -> Status {
    auto resource = item.string_or_empty("resourceId");
    if (!resource) return pass(resource);
    if (resource->starts_with("sg-")) {
      auto group = GroupId::parse(*resource);
      if (!group) return tl::unexpected(group.error().within(item.path("resourceId")));
      effect_for(call, *group).tags = tags;
    } else if (resource->starts_with("sgr-")) {
      auto rule = RuleId::parse(*resource);
      if (!rule) return tl::unexpected(rule.error().within(item.path("resourceId")));
      call.tagged_rules.push_back(*rule);
      call.rule_tags = tags;
    }
    return {};
  });
}

Status vpc_association_call(const Node& params, ApiCall& call) {
  const Node any_case = params.with_keys(Keys::kAnyCase);
  auto group = any_case.required_id<GroupId>("groupId");
  if (!group) return pass(group);
  auto vpc = any_case.id<VpcId>("vpcId");
  if (!vpc) return pass(vpc);
  call.vpc = *vpc;
  effect_for(call, *group);
  return {};
}

Status security_group_effects(const Node& record, ApiCall& call) {
  auto params_node = record.child("requestParameters");
  if (!params_node) return pass(params_node);
  const std::string_view name = call.event_name;
  if (!*params_node) {
    // Failed calls may carry no parameters; CreateSecurityGroup's group id is in the response.
    if (name != "CreateSecurityGroup") return {};
  }
  const Node params = *params_node ? **params_node : Node::absent("requestParameters");

  if (name.starts_with("AuthorizeSecurityGroup") || name.starts_with("RevokeSecurityGroup") ||
      name.starts_with("UpdateSecurityGroupRuleDescriptions")) {
    return permission_call(record, params, call);
  }
  if (name == "ModifySecurityGroupRules") return modify_call(params, call);
  if (name == "CreateSecurityGroup") return create_group_call(record, params, call);
  if (name == "DeleteSecurityGroup") {
    auto group = request_group(params, call);
    if (!group) return pass(group);
    if (*group) effect_for(call, **group);
    return {};
  }
  if (name == "CreateTags" || name == "DeleteTags") return tags_call(params, call);
  return vpc_association_call(params, call);
}

// CloudTrail's own form, "2024-05-01T10:00:00Z", read without parse_time()'s stream: it
// is on every record and dominated the time to read a log. Anything else goes to
// parse_time().
std::optional<Timestamp> canonical_time(std::string_view text) {
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
      text[13] != ':' || text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  auto number = [&](size_t at, size_t length, int& out) {
    auto [end, error] = std::from_chars(text.data() + at, text.data() + at + length, out);
    return error == std::errc() && end == text.data() + at + length;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day) ||
      !number(11, 2, hour) || !number(14, 2, minute) || !number(17, 2, second)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(day)};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

Status read_call(const Node& record, RecordDetail detail, ApiCall& call) {
  auto time_text = record.required_string("eventTime");
  if (!time_text) return pass(time_text);
  const std::optional<Timestamp> fast = canonical_time(*time_text);
  auto time = fast ? Result<Timestamp>(*fast) : parse_time(*time_text);
  if (!time) return tl::unexpected(time.error().within("eventTime"));
  call.event_time = *time;
  auto name = record.required_string("eventName");
  if (!name) return pass(name);
  call.event_name = std::string(*name);
  auto source = record.string_or_empty("eventSource");
  if (!source) return pass(source);
  call.event_source = std::move(*source);
  const bool security_group_event = is_security_group_event(call.event_source, call.event_name);
  if (detail == RecordDetail::kSecurityGroupCalls && !security_group_event) return {};

  auto region = record.id<Region>("awsRegion");
  if (!region) return pass(region);
  call.region = *region;
  struct Field {
    std::string_view key;
    std::string* out;
  };
  for (Field field : {Field{"sourceIPAddress", &call.source_ip},
                      Field{"userAgent", &call.user_agent}, Field{"errorCode", &call.error_code},
                      Field{"errorMessage", &call.error_message},
                      Field{"requestID", &call.request_id}}) {
    auto text = record.string_or_empty(field.key);
    if (!text) return pass(text);
    *field.out = std::move(*text);
  }
  if (Status actor = read_actor(record, call.actor); !actor) return actor;
  auto account = record.id<AccountId>("recipientAccountId");
  if (!account) return pass(account);
  call.account = *account;
  if (!call.account && !call.actor.account_id.empty()) {
    auto fallback = AccountId::parse(call.actor.account_id);
    if (!fallback) return tl::unexpected(fallback.error().within("userIdentity.accountId"));
    call.account = *fallback;
  }
  call.agent = classify_agent(call.user_agent, call.actor.invoked_by);

  if (!security_group_event) return {};
  Status effects = security_group_effects(record, call);
  if (!effects) {
    if (!call.attempt()) return effects;
    // EC2 refused the call, perhaps for these very parameters: keep the attempt.
    call.effects.clear();
    call.tagged_rules.clear();
    call.notes.push_back("the failed call's parameters are not valid: " +
                         effects.error().message);
  }
  return {};
}

constexpr std::string_view kSecurityGroupEvents[] = {
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "ModifySecurityGroupRules",
    "UpdateSecurityGroupRuleDescriptionsIngress",
    "UpdateSecurityGroupRuleDescriptionsEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
    "CreateTags",
    "DeleteTags",
    "AssociateSecurityGroupVpc",
    "DisassociateSecurityGroupVpc",
};

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace

std::string to_string(AgentClass agent) {
  switch (agent) {
    case AgentClass::kConsole: return "console";
    case AgentClass::kAwsCli: return "awscli";
    case AgentClass::kSdk: return "sdk";
    case AgentClass::kTerraform: return "terraform";
    case AgentClass::kCloudFormation: return "cloudformation";
    case AgentClass::kAwsService: return "aws-service";
    case AgentClass::kOther: return "other";
  }
  return "other";
}

AgentClass classify_agent(std::string_view agent, std::string_view invoked_by) {
  // Terraform speaks through aws-sdk-go, so it is recognised before the SDKs.
  if (contains(agent, "Terraform/") || contains(agent, "terraform-provider-aws")) {
    return AgentClass::kTerraform;
  }
  if (agent == "console.amazonaws.com" || agent == "console.ec2.amazonaws.com" ||
      agent == "signin.amazonaws.com" || agent == "AWS Internal") {
    return AgentClass::kConsole;
  }
  if (contains(agent, "cloudformation.amazonaws.com")) return AgentClass::kCloudFormation;
  // awscli's agent names botocore too: it is recognised before the SDKs.
  if (contains(agent, "aws-cli/")) return AgentClass::kAwsCli;
  if (agent.ends_with(".amazonaws.com") || !invoked_by.empty()) return AgentClass::kAwsService;
  for (std::string_view sdk : {"aws-sdk-", "Boto3/", "botocore/", "APN/1.0", "aws-internal/"}) {
    if (contains(agent, sdk)) return AgentClass::kSdk;
  }
  return AgentClass::kOther;
}

bool is_security_group_event(std::string_view event_source, std::string_view event_name) {
  if (event_source != kEc2) return false;
  return std::find(std::begin(kSecurityGroupEvents), std::end(kSecurityGroupEvents),
                   event_name) != std::end(kSecurityGroupEvents);
}

bool is_security_group_call(const ApiCall& call) {
  if (!is_security_group_event(call.event_source, call.event_name)) return false;
  if (!call.effects.empty()) return true;
  if (call.event_name == "CreateTags" || call.event_name == "DeleteTags") {
    return !call.tagged_rules.empty();
  }
  return call.attempt() || !call.group_name.empty() || call.event_name == "CreateSecurityGroup";
}

Result<ApiCall> parse_record(element record, size_t index, RecordDetail detail) {
  const std::string label = "record " + std::to_string(index);
  object obj;
  if (record.get_object().get(obj) != SUCCESS) {
    return invalid(label + ": expected an object, got " + json_type_name(record));
  }
  const Node node(obj, "");
  auto id = node.string("eventID");
  if (!id) return tl::unexpected(id.error().within(label));
  if (!*id || (*id)->empty()) return invalid(label + ": eventID: missing");
  ApiCall call;
  call.event_id = std::string(**id);
  try {
    if (Status read = read_call(node, detail, call); !read) {
      return tl::unexpected(read.error().within(label + " (eventID " + call.event_id + ")"));
    }
  } catch (const std::exception& e) {
    // simdjson's DOM accessors return error codes; this guards the allocations.
    return invalid(label + " (eventID " + call.event_id + "): " + e.what());
  }
  return call;
}

}  // namespace sgwatch
