#include "emulator/ec2/ec2_filter.h"

#include <algorithm>
#include <string>

namespace sgwatch::emulator {
namespace {

constexpr std::string_view kIngressPrefix = "ip-permission.";
constexpr std::string_view kEgressPrefix = "egress.ip-permission.";

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool is_permission_field(std::string_view field) {
  static constexpr std::string_view kFields[] = {"cidr",     "ipv6-cidr", "prefix-list-id",
                                                 "group-id", "user-id",   "protocol",
                                                 "from-port", "to-port"};
  return std::find(std::begin(kFields), std::end(kFields), field) != std::end(kFields);
}

bool is_tag_filter(const std::string& name) {
  return (starts_with(name, "tag:") && name.size() > 4) || name == "tag-key" ||
         name == "tag-value";
}

tl::unexpected<Ec2Error> invalid_filter(const std::string& name) {
  return invalid_value("The filter '" + name + "' is invalid");
}

bool any_matches(const Filter& filter, const std::vector<std::string>& candidates) {
  for (const std::string& candidate : candidates) {
    for (const std::string& value : filter.values) {
      if (wildcard_match(value, candidate)) return true;
    }
  }
  return false;
}

std::vector<std::string> tag_values(const Tags& tags, const std::string& name) {
  std::vector<std::string> out;
  if (name == "tag-key") {
    for (const auto& [key, value] : tags) out.push_back(key);
  } else if (name == "tag-value") {
    for (const auto& [key, value] : tags) out.push_back(value);
  } else if (auto it = tags.find(name.substr(4)); it != tags.end()) {
    out.push_back(it->second);
  }
  return out;
}

std::string peer_field(const RuleSpec& spec, std::string_view field) {
  const Peer& peer = spec.peer;
  if (field == "cidr") return peer.kind == PeerKind::kIpv4 ? peer.value : "";
  if (field == "ipv6-cidr") return peer.kind == PeerKind::kIpv6 ? peer.value : "";
  if (field == "prefix-list-id") return peer.kind == PeerKind::kPrefixList ? peer.value : "";
  if (field == "group-id") return peer.kind == PeerKind::kGroup ? peer.value : "";
  if (field == "user-id") return peer.kind == PeerKind::kGroup ? peer.user_id : "";
  if (field == "protocol") return spec.protocol;
  if (field == "from-port") return std::to_string(spec.from_port);
  if (field == "to-port") return std::to_string(spec.to_port);
  return "";
}

std::vector<std::string> group_values(const StoredGroup& group, const std::string& name) {
  if (name == "group-id") return {group.id};
  if (name == "group-name") return {group.name};
  if (name == "description") return {group.description};
  if (name == "vpc-id") return {group.vpc_id};
  if (name == "owner-id") return {group.owner_id};
  if (is_tag_filter(name)) return tag_values(group.tags, name);

  const bool egress = starts_with(name, kEgressPrefix);
  const std::string_view field =
      std::string_view(name).substr(egress ? kEgressPrefix.size() : kIngressPrefix.size());
  std::vector<std::string> out;
  for (const StoredRule& rule : group.rules) {
    if (rule.spec.egress != egress) continue;
    std::string value = peer_field(rule.spec, field);
    if (!value.empty()) out.push_back(std::move(value));
  }
  return out;
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Iterative matching with one backtrack point for the last '*'.
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Ec2Status check_group_filters(const std::vector<Filter>& filters) {
  static constexpr std::string_view kNames[] = {"group-id", "group-name", "description",
                                                "vpc-id", "owner-id"};
  for (const Filter& filter : filters) {
    const std::string& name = filter.name;
    if (std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames)) continue;
    if (is_tag_filter(name)) continue;
    if (starts_with(name, kEgressPrefix) &&
        is_permission_field(std::string_view(name).substr(kEgressPrefix.size()))) {
      continue;
    }
    if (starts_with(name, kIngressPrefix) &&
        is_permission_field(std::string_view(name).substr(kIngressPrefix.size()))) {
      continue;
    }
    return invalid_filter(name);
  }
  return {};
}

bool group_matches(const StoredGroup& group, const std::vector<Filter>& filters) {
  return std::all_of(filters.begin(), filters.end(), [&](const Filter& filter) {
    return any_matches(filter, group_values(group, filter.name));
  });
}

Ec2Status check_rule_filters(const std::vector<Filter>& filters) {
  for (const Filter& filter : filters) {
    const std::string& name = filter.name;
    if (name == "group-id" || name == "security-group-rule-id" || is_tag_filter(name)) continue;
    return invalid_filter(name);
  }
  return {};
}

bool rule_matches(const StoredRule& rule, const std::vector<Filter>& filters) {
  return std::all_of(filters.begin(), filters.end(), [&](const Filter& filter) {
    if (filter.name == "group-id") return any_matches(filter, {rule.group_id});
    if (filter.name == "security-group-rule-id") return any_matches(filter, {rule.id});
    return any_matches(filter, tag_values(rule.tags, filter.name));
  });
}

}  // namespace sgwatch::emulator
