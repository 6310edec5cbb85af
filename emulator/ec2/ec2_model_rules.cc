// Ec2Scope's rule mutations: authorize, revoke, modify, and update descriptions.
#include <algorithm>

#include "emulator/ec2/ec2_model.h"

namespace sgwatch::emulator {
namespace {

tl::unexpected<Ec2Error> duplicate(const RuleSpec& spec) {
  return ec2_fail("InvalidPermission.Duplicate",
                  "the specified rule \"" + rule_summary(spec) + "\" already exists");
}

tl::unexpected<Ec2Error> permission_not_found() {
  return ec2_fail("InvalidPermission.NotFound",
                  "The specified rule does not exist in this security group.");
}

tl::unexpected<Ec2Error> rule_limit() {
  return ec2_fail("RulesPerSecurityGroupLimitExceeded",
                  "The maximum number of rules per security group has been reached.");
}

}  // namespace

const StoredRule& Ec2Scope::insert_rule(StoredGroup& group, RuleSpec spec, const Tags& tags) {
  StoredRule rule;
  // Claiming the id in the index is also the uniqueness check: one map operation per rule
  // keeps seeding 100,000 rules quick.
  do {
    rule.id = ids_.next("sgr");
  } while (!rule_index_.try_emplace(rule.id, group.id).second);
  sorted_rule_ids_valid_ = false;
  rule.group_id = group.id;
  rule.owner_id = group.owner_id;
  rule.spec = std::move(spec);
  rule.tags = tags;
  return group.rules.emplace_back(std::move(rule));
}

void Ec2Scope::erase_rule(StoredGroup& group, const std::string& rule_id) {
  auto& rules = group.rules;
  rules.erase(std::remove_if(rules.begin(), rules.end(),
                             [&](const StoredRule& rule) { return rule.id == rule_id; }),
              rules.end());
  rule_index_.erase(rule_id);
  sorted_rule_ids_valid_ = false;
}

Ec2Result<RuleSpec> Ec2Scope::resolve(const RuleRequest& request, bool egress) const {
  RuleRequest resolved = request;
  PeerRequest& peer = resolved.peer;
  if (peer.kind == PeerKind::kGroup) {
    const bool same_account = peer.user_id.empty() || peer.user_id == account_;
    if (peer.value.empty() && !peer.group_name.empty()) {
      if (!same_account) {
        // Another account's group can only be named by id from a VPC.
        return invalid_value("You must specify the group ID of the security group owned by "
                             "account " + peer.user_id + ".");
      }
      auto group = group_by_name(peer.group_name);
      if (!group) return tl::unexpected(group.error());
      peer.value = (*group)->id;
    } else if (same_account && !peer.value.empty()) {
      auto group = group_by_id(peer.value);
      if (!group) return tl::unexpected(group.error());
    }
    // Groups of other accounts are not modelled; they are taken on trust.
    if (peer.user_id.empty()) peer.user_id = account_;
  }
  return validate_rule(resolved, egress);
}

const StoredRule* Ec2Scope::match(const StoredGroup& group, const RuleSpec& spec) const {
  for (const StoredRule& rule : group.rules) {
    if (same_rule(rule.spec, spec)) return &rule;
  }
  return nullptr;
}

size_t Ec2Scope::count_rules(const StoredGroup& group, bool egress) const {
  return static_cast<size_t>(
      std::count_if(group.rules.begin(), group.rules.end(),
                    [&](const StoredRule& rule) { return rule.spec.egress == egress; }));
}

Ec2Result<std::vector<StoredRule>> Ec2Scope::authorize(const std::string& group_id,
                                                       bool egress,
                                                       const std::vector<RuleRequest>& rules,
                                                       const Tags& tags) {
  auto found = group_by_id(group_id);
  if (!found) return tl::unexpected(found.error());
  if (auto ok = validate_tags(tags); !ok) return tl::unexpected(ok.error());

  std::vector<RuleSpec> specs;
  specs.reserve(rules.size());
  for (const RuleRequest& request : rules) {
    auto spec = resolve(request, egress);
    if (!spec) return tl::unexpected(spec.error());
    if (match(**found, *spec) != nullptr) return duplicate(*spec);
    for (const RuleSpec& earlier : specs) {
      if (same_rule(earlier, *spec)) return duplicate(*spec);
    }
    specs.push_back(std::move(*spec));
  }
  if (count_rules(**found, egress) + specs.size() > kMaxRulesPerDirection) return rule_limit();

  StoredGroup& group = *mutable_group(group_id);
  group.rules.reserve(group.rules.size() + specs.size());
  std::vector<StoredRule> added;
  added.reserve(specs.size());
  for (RuleSpec& spec : specs) added.push_back(insert_rule(group, std::move(spec), tags));
  return added;
}

Ec2Result<std::vector<StoredRule>> Ec2Scope::revoke(const std::string& group_id, bool egress,
                                                    const std::vector<RuleRequest>& rules) {
  auto found = group_by_id(group_id);
  if (!found) return tl::unexpected(found.error());
  std::vector<StoredRule> removed;
  for (const RuleRequest& request : rules) {
    auto spec = resolve(request, egress);
    if (!spec) return tl::unexpected(spec.error());
    const StoredRule* rule = match(**found, *spec);
    if (rule == nullptr) return permission_not_found();
    const bool seen = std::any_of(removed.begin(), removed.end(),
                                  [&](const StoredRule& r) { return r.id == rule->id; });
    if (!seen) removed.push_back(*rule);
  }
  StoredGroup& group = *mutable_group(group_id);
  for (const StoredRule& rule : removed) erase_rule(group, rule.id);
  return removed;
}

Ec2Result<std::vector<StoredRule>> Ec2Scope::revoke_ids(
    const std::string& group_id, bool egress, const std::vector<std::string>& rule_ids) {
  auto found = group_by_id(group_id);
  if (!found) return tl::unexpected(found.error());
  std::vector<StoredRule> removed;
  for (const std::string& id : rule_ids) {
    if (!is_resource_id(id, "sgr")) {
      return malformed_id("InvalidSecurityGroupRuleId.Malformed", id, "sgr-");
    }
    const StoredRule* rule = find_rule(id);
    // A rule of another group, or of the other direction, is not in this list of rules.
    if (rule == nullptr || rule->group_id != group_id || rule->spec.egress != egress) {
      return rule_id_not_found(id);
    }
    const bool seen = std::any_of(removed.begin(), removed.end(),
                                  [&](const StoredRule& r) { return r.id == id; });
    if (!seen) removed.push_back(*rule);
  }
  StoredGroup& group = *mutable_group(group_id);
  for (const StoredRule& rule : removed) erase_rule(group, rule.id);
  return removed;
}

Ec2Result<std::vector<StoredRule>> Ec2Scope::modify(const std::string& group_id,
                                                    const std::vector<RuleUpdate>& updates) {
  auto found = group_by_id(group_id);
  if (!found) return tl::unexpected(found.error());
  const StoredGroup& group = **found;

  // The group's rules as they would be after the change, to check for duplicates.
  std::map<std::string, RuleSpec> after;
  for (const StoredRule& rule : group.rules) after.emplace(rule.id, rule.spec);
  for (const RuleUpdate& update : updates) {
    if (!is_resource_id(update.rule_id, "sgr")) {
      return malformed_id("InvalidSecurityGroupRuleId.Malformed", update.rule_id, "sgr-");
    }
    auto current = after.find(update.rule_id);
    if (current == after.end()) return rule_id_not_found(update.rule_id);
    auto spec = resolve(update.rule, current->second.egress);
    if (!spec) return tl::unexpected(spec.error());
    if (spec->peer.kind != current->second.peer.kind) {
      return invalid_value("The type of security group rule " + update.rule_id +
                           " cannot be changed: specify a peer of the same type (IPv4 CIDR, "
                           "IPv6 CIDR, prefix list or security group).");
    }
    current->second = std::move(*spec);
  }
  for (auto a = after.begin(); a != after.end(); ++a) {
    for (auto b = std::next(a); b != after.end(); ++b) {
      if (same_rule(a->second, b->second)) return duplicate(a->second);
    }
  }

  std::vector<StoredRule> changed;
  for (const RuleUpdate& update : updates) {
    StoredRule& rule = *mutable_rule(update.rule_id);
    rule.spec = after.at(update.rule_id);
    changed.push_back(rule);
  }
  return changed;
}

Ec2Result<std::vector<StoredRule>> Ec2Scope::update_descriptions(
    const std::string& group_id, bool egress, const std::vector<RuleRequest>& rules) {
  auto found = group_by_id(group_id);
  if (!found) return tl::unexpected(found.error());
  std::vector<std::pair<std::string, std::string>> changes;  // rule id, description
  for (const RuleRequest& request : rules) {
    auto spec = resolve(request, egress);
    if (!spec) return tl::unexpected(spec.error());
    const StoredRule* rule = match(**found, *spec);
    if (rule == nullptr) return permission_not_found();
    changes.emplace_back(rule->id, spec->description);
  }
  std::vector<StoredRule> changed;
  for (const auto& [id, description] : changes) {
    StoredRule& rule = *mutable_rule(id);
    rule.spec.description = description;
    changed.push_back(rule);
  }
  return changed;
}

Ec2Result<std::vector<StoredRule>> Ec2Scope::update_descriptions(
    const std::string& group_id, bool egress, const std::vector<DescriptionUpdate>& updates) {
  auto found = group_by_id(group_id);
  if (!found) return tl::unexpected(found.error());
  for (const DescriptionUpdate& update : updates) {
    if (!is_resource_id(update.rule_id, "sgr")) {
      return malformed_id("InvalidSecurityGroupRuleId.Malformed", update.rule_id, "sgr-");
    }
    const StoredRule* rule = find_rule(update.rule_id);
    if (rule == nullptr || rule->group_id != group_id || rule->spec.egress != egress) {
      return rule_id_not_found(update.rule_id);
    }
    if (auto ok = validate_rule_description(update.description); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  std::vector<StoredRule> changed;
  for (const DescriptionUpdate& update : updates) {
    StoredRule& rule = *mutable_rule(update.rule_id);
    rule.spec.description = update.description;
    changed.push_back(rule);
  }
  return changed;
}

}  // namespace sgwatch::emulator
