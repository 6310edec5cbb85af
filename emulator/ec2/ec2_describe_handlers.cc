// DescribeSecurityGroups, DescribeSecurityGroupRules and DescribeRegions.
#include <algorithm>
#include <set>

#include "emulator/ec2/ec2_filter.h"
#include "emulator/ec2/ec2_handlers.h"
#include "emulator/ec2/ec2_paging.h"
#include "emulator/ec2/ec2_params.h"
#include "emulator/ec2/ec2_xml.h"

namespace sgwatch::emulator::ec2_handlers {
namespace {

constexpr char kGroupTokenKind[] = "sg";
constexpr char kRuleTokenKind[] = "sgr";

// Walks [first, last) (ordered by id), keeping the entries `keep` accepts, up to
// `max_results`; returns them and the next token ("" on the last page). `id_of` gives an
// entry's id.
template <typename It, typename IdOf, typename Keep>
std::pair<std::vector<It>, std::string> page(It first, It last, std::optional<size_t> max_results,
                                             std::string_view kind, IdOf id_of, Keep keep) {
  std::vector<It> kept;
  for (It it = first; it != last; ++it) {
    if (!keep(it)) continue;
    if (max_results && kept.size() == *max_results) {
      // One more match exists, so this page is not the last.
      std::string token = make_next_token(kind, id_of(kept.back()));
      return {std::move(kept), std::move(token)};
    }
    kept.push_back(it);
  }
  return {std::move(kept), ""};
}

Ec2Status refuse_with_max_results(const std::vector<std::string>& list, const char* name,
                                  bool has_max_results) {
  if (has_max_results && !list.empty()) {
    return ec2_fail("InvalidParameterCombination", std::string("The parameter ") + name +
                                                       " cannot be used with the parameter "
                                                       "maxResults");
  }
  return {};
}

}  // namespace

Ec2Result<Outcome> describe_security_groups(const Call& call) {
  const std::vector<std::string> ids = string_list(call.params, "GroupId");
  const std::vector<std::string> names = string_list(call.params, "GroupName");
  auto filters = read_filters(call.params);
  if (!filters) return tl::unexpected(filters.error());
  if (auto ok = check_group_filters(*filters); !ok) return tl::unexpected(ok.error());
  auto max_results = read_max_results(call.params);
  if (!max_results) return tl::unexpected(max_results.error());
  if (auto ok = refuse_with_max_results(ids, "groupIds", max_results->has_value()); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = refuse_with_max_results(names, "groupNames", max_results->has_value()); !ok) {
    return tl::unexpected(ok.error());
  }
  auto after = read_next_token(call.params, kGroupTokenKind);
  if (!after) return tl::unexpected(after.error());

  // Named groups must all exist; the filters then narrow them.
  std::set<std::string> wanted;
  for (const std::string& id : ids) {
    auto group = call.scope.group_by_id(id);
    if (!group) return tl::unexpected(group.error());
    wanted.insert(id);
  }
  for (const std::string& name : names) {
    auto group = call.scope.group_by_name(name);
    if (!group) return tl::unexpected(group.error());
    wanted.insert((*group)->id);
  }
  const bool all = ids.empty() && names.empty();
  const auto& all_groups = call.scope.groups();
  auto [groups, next_token] = page(
      after->empty() ? all_groups.begin() : all_groups.upper_bound(*after), all_groups.end(),
      *max_results, kGroupTokenKind, [](auto it) { return it->first; },
      [&](auto it) {
        return (all || wanted.count(it->first) != 0) && group_matches(it->second, *filters);
      });

  XmlReply reply(call.action, call.request_id);
  pugi::xml_node info = reply.root().append_child("securityGroupInfo");
  for (auto group : groups) write_group(info.append_child("item"), group->second, call.scope);
  if (!next_token.empty()) add_text(reply.root(), "nextToken", next_token);
  return Outcome{reply.response(), "", {}};
}

Ec2Result<Outcome> describe_security_group_rules(const Call& call) {
  const std::vector<std::string> ids = string_list(call.params, "SecurityGroupRuleId");
  auto filters = read_filters(call.params);
  if (!filters) return tl::unexpected(filters.error());
  if (auto ok = check_rule_filters(*filters); !ok) return tl::unexpected(ok.error());
  auto max_results = read_max_results(call.params);
  if (!max_results) return tl::unexpected(max_results.error());
  auto after = read_next_token(call.params, kRuleTokenKind);
  if (!after) return tl::unexpected(after.error());

  std::set<std::string> wanted;
  for (const std::string& id : ids) {
    if (!is_resource_id(id, "sgr")) {
      return malformed_id("InvalidSecurityGroupRuleId.Malformed", id, "sgr-");
    }
    if (call.scope.find_rule(id) == nullptr) return rule_id_not_found(id);
    wanted.insert(id);
  }
  const std::vector<const std::string*>& sorted = call.scope.sorted_rule_ids();
  // Every id sorts after "", so no token starts at the beginning.
  auto start = std::upper_bound(sorted.begin(), sorted.end(), *after,
                                [](const std::string& id, const std::string* entry) {
                                  return id < *entry;
                                });
  auto [rules, next_token] = page(
      start, sorted.end(), *max_results, kRuleTokenKind, [](auto it) { return **it; },
      [&](auto it) {
        if (!ids.empty() && wanted.count(**it) == 0) return false;
        const StoredRule* rule = call.scope.find_rule(**it);
        return rule != nullptr && rule_matches(*rule, *filters);
      });

  XmlReply reply(call.action, call.request_id);
  pugi::xml_node set = reply.root().append_child("securityGroupRuleSet");
  for (auto entry : rules) {
    write_rule(set.append_child("item"), *call.scope.find_rule(**entry), call.region);
  }
  if (!next_token.empty()) add_text(reply.root(), "nextToken", next_token);
  return Outcome{reply.response(), "", {}};
}

Ec2Result<Outcome> describe_regions(const Call& call) {
  const std::vector<std::string> names = string_list(call.params, "RegionName");
  for (const std::string& name : names) {
    if (std::find(call.regions.begin(), call.regions.end(), name) == call.regions.end()) {
      return invalid_value("Invalid region: " + name);
    }
  }
  auto filters = read_filters(call.params);
  if (!filters) return tl::unexpected(filters.error());
  for (const Filter& filter : *filters) {
    if (filter.name != "region-name" && filter.name != "endpoint" &&
        filter.name != "opt-in-status") {
      return invalid_value("The filter '" + filter.name + "' is invalid");
    }
  }

  XmlReply reply(call.action, call.request_id);
  pugi::xml_node info = reply.root().append_child("regionInfo");
  for (const std::string& region : call.regions) {
    if (!names.empty() && std::find(names.begin(), names.end(), region) == names.end()) continue;
    const std::string endpoint = "ec2." + region + ".amazonaws.com";
    const std::string opt_in = "opt-in-not-required";
    const bool matches = std::all_of(filters->begin(), filters->end(), [&](const Filter& f) {
      const std::string& value =
          f.name == "region-name" ? region : f.name == "endpoint" ? endpoint : opt_in;
      return std::any_of(f.values.begin(), f.values.end(),
                         [&](const std::string& pattern) { return wildcard_match(pattern, value); });
    });
    if (!matches) continue;
    pugi::xml_node item = info.append_child("item");
    add_text(item, "regionName", region);
    add_text(item, "regionEndpoint", endpoint);
    add_text(item, "optInStatus", opt_in);
  }
  return Outcome{reply.response(), "", {}};
}

}  // namespace sgwatch::emulator::ec2_handlers
