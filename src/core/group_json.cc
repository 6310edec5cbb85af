#include "core/group_json.h"

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace sgwatch {

nlohmann::json rule_to_json(const Rule& rule, bool with_rule_id) {
  nlohmann::json out = {{"direction", to_string(rule.direction)},
                        {"protocol", rule.protocol.ec2_name()}};
  if (rule.protocol.has_ports() || rule.protocol.is_icmp()) {
    out["from_port"] = rule.ports.from;
    out["to_port"] = rule.ports.to;
  }
  if (const auto* cidr = std::get_if<Cidr>(&rule.peer)) {
    out["cidr"] = cidr->str();
  } else if (const auto* list = std::get_if<PrefixListId>(&rule.peer)) {
    out["prefix_list"] = list->str();
  } else {
    const auto& ref = std::get<GroupRef>(rule.peer);
    nlohmann::json group = {{"id", ref.group.str()}};
    if (ref.user) group["user"] = ref.user->str();
    if (ref.vpc) group["vpc"] = ref.vpc->str();
    if (ref.peering) group["peering"] = ref.peering->str();
    out["group"] = std::move(group);
  }
  out["description"] = rule.description;
  if (with_rule_id && rule.id) out["rule_id"] = rule.id->str();
  return out;
}

nlohmann::json group_to_json(const Group& group, bool with_rule_ids) {
  nlohmann::json rules = nlohmann::json::array();
  for (const Rule& rule : group.rules) rules.push_back(rule_to_json(rule, with_rule_ids));
  nlohmann::json out = {{"id", group.id.str()},
                        {"name", group.name},
                        {"description", group.description},
                        {"owner", group.owner.str()},
                        {"tags", group.tags},
                        {"rules", std::move(rules)}};
  out["vpc"] = group.vpc ? nlohmann::json(group.vpc->str()) : nlohmann::json(nullptr);
  return out;
}

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

Result<std::string> string_field(object obj, const char* key, const std::string& path) {
  std::string_view value;
  if (obj[key].get_string().get(value) != simdjson::SUCCESS) {
    return invalid(path + "." + key + ": missing or not a string");
  }
  return std::string(value);
}

Result<std::optional<std::string>> optional_string(object obj, const char* key,
                                                   const std::string& path) {
  element value;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null()) {
    return std::optional<std::string>();
  }
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return invalid(path + "." + key + ": not a string");
  }
  return std::optional<std::string>(std::string(text));
}

template <typename Id>
Result<Id> id_field(object obj, const char* key, const std::string& path) {
  auto text = string_field(obj, key, path);
  if (!text) return tl::unexpected(text.error());
  auto id = Id::parse(*text);
  if (!id) return tl::unexpected(id.error().within(path + "." + key));
  return *id;
}

template <typename Id>
Result<std::optional<Id>> optional_id(object obj, const char* key, const std::string& path) {
  auto text = optional_string(obj, key, path);
  if (!text) return tl::unexpected(text.error());
  if (!*text) return std::optional<Id>();
  auto id = Id::parse(**text);
  if (!id) return tl::unexpected(id.error().within(path + "." + key));
  return std::optional<Id>(*id);
}

Result<Rule> rule_from_json(object obj, const std::string& path) {
  Rule rule;
  auto direction = string_field(obj, "direction", path);
  if (!direction) return tl::unexpected(direction.error());
  if (*direction == "ingress") {
    rule.direction = Direction::kIngress;
  } else if (*direction == "egress") {
    rule.direction = Direction::kEgress;
  } else {
    return invalid(path + ".direction: '" + *direction + "' is neither ingress nor egress");
  }
  auto protocol_text = string_field(obj, "protocol", path);
  if (!protocol_text) return tl::unexpected(protocol_text.error());
  auto protocol = Protocol::parse(*protocol_text);
  if (!protocol) return tl::unexpected(protocol.error().within(path + ".protocol"));
  rule.protocol = *protocol;
  std::optional<int> from, to;
  int64_t number = 0;
  if (obj["from_port"].get_int64().get(number) == simdjson::SUCCESS) from = int(number);
  if (obj["to_port"].get_int64().get(number) == simdjson::SUCCESS) to = int(number);
  auto ports = PortRange::make(rule.protocol, from, to);
  if (!ports) return tl::unexpected(ports.error().within(path));
  rule.ports = *ports;

  object group;
  if (auto cidr = optional_string(obj, "cidr", path); cidr && *cidr) {
    auto parsed = Cidr::parse(**cidr);
    if (!parsed) return tl::unexpected(parsed.error().within(path + ".cidr"));
    rule.peer = *parsed;
  } else if (auto list = optional_id<PrefixListId>(obj, "prefix_list", path); !list) {
    return tl::unexpected(list.error());
  } else if (*list) {
    rule.peer = **list;
  } else if (obj["group"].get_object().get(group) == simdjson::SUCCESS) {
    const std::string group_path = path + ".group";
    auto id = id_field<GroupId>(group, "id", group_path);
    auto user = optional_id<AccountId>(group, "user", group_path);
    auto vpc = optional_id<VpcId>(group, "vpc", group_path);
    auto peering = optional_id<PeeringId>(group, "peering", group_path);
    if (!id) return tl::unexpected(id.error());
    if (!user) return tl::unexpected(user.error());
    if (!vpc) return tl::unexpected(vpc.error());
    if (!peering) return tl::unexpected(peering.error());
    rule.peer = GroupRef{*id, *user, *vpc, *peering};
  } else {
    return invalid(path + ": no peer (cidr, prefix_list or group)");
  }
  auto description = optional_string(obj, "description", path);
  if (!description) return tl::unexpected(description.error());
  rule.description = description->value_or("");
  auto rule_id = optional_id<RuleId>(obj, "rule_id", path);
  if (!rule_id) return tl::unexpected(rule_id.error());
  rule.id = *rule_id;
  return rule;
}

}  // namespace

Result<Group> group_from_json(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  object root;
  if (auto error = parser.parse(padded).get_object().get(root); error) {
    return invalid(std::string("group JSON is malformed: ") + simdjson::error_message(error));
  }
  const std::string path = "group";
  auto id = id_field<GroupId>(root, "id", path);
  if (!id) return tl::unexpected(id.error());
  auto owner = id_field<AccountId>(root, "owner", path);
  if (!owner) return tl::unexpected(owner.error());
  auto vpc = optional_id<VpcId>(root, "vpc", path);
  if (!vpc) return tl::unexpected(vpc.error());
  auto name = optional_string(root, "name", path);
  if (!name) return tl::unexpected(name.error());
  auto description = optional_string(root, "description", path);
  if (!description) return tl::unexpected(description.error());
  Group group{*id, name->value_or(""), description->value_or(""), *vpc, *owner, {}, {}};

  object tags;
  if (root["tags"].get_object().get(tags) == simdjson::SUCCESS) {
    for (auto [key, value] : tags) {
      std::string_view tag_value;
      if (value.get_string().get(tag_value) != simdjson::SUCCESS) {
        return invalid(path + ".tags." + std::string(key) + ": not a string");
      }
      group.tags.emplace(std::string(key), std::string(tag_value));
    }
  }
  simdjson::dom::array rules;
  if (root["rules"].get_array().get(rules) != simdjson::SUCCESS) {
    return invalid(path + ".rules: missing or not an array");
  }
  size_t index = 0;
  for (element item : rules) {
    const std::string rule_path = path + ".rules[" + std::to_string(index++) + "]";
    object rule_object;
    if (item.get_object().get(rule_object) != simdjson::SUCCESS) {
      return invalid(rule_path + ": not an object");
    }
    auto rule = rule_from_json(rule_object, rule_path);
    if (!rule) return tl::unexpected(rule.error());
    group.rules.push_back(std::move(*rule));
  }
  canonicalize(group);
  return group;
}

}  // namespace sgwatch
