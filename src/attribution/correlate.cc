#include "attribution/correlate.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>

namespace sgwatch {
namespace {

// What a call can do to a group, from its event name.
enum class Kind {
  kAuthorize,
  kRevoke,
  kModifyRules,
  kUpdateDescriptions,
  kCreateGroup,
  kDeleteGroup,
  kCreateTags,
  kDeleteTags,
  kVpcAssociation,
  kOther,
};

Kind kind_of(std::string_view name) {
  if (name.starts_with("AuthorizeSecurityGroup")) return Kind::kAuthorize;
  if (name.starts_with("RevokeSecurityGroup")) return Kind::kRevoke;
  if (name == "ModifySecurityGroupRules") return Kind::kModifyRules;
  if (name.starts_with("UpdateSecurityGroupRuleDescriptions")) return Kind::kUpdateDescriptions;
  if (name == "CreateSecurityGroup") return Kind::kCreateGroup;
  if (name == "DeleteSecurityGroup") return Kind::kDeleteGroup;
  if (name == "CreateTags") return Kind::kCreateTags;
  if (name == "DeleteTags") return Kind::kDeleteTags;
  if (name == "AssociateSecurityGroupVpc" || name == "DisassociateSecurityGroupVpc") {
    return Kind::kVpcAssociation;
  }
  return Kind::kOther;
}

// A call that counts for the diff, with its effect on the diff's group.
struct Candidate {
  size_t index;
  const ApiCall* call;
  const GroupEffect* effect;
  Kind kind;
};

const GroupEffect* effect_on(const ApiCall& call, const GroupId& group) {
  for (const GroupEffect& effect : call.effects) {
    if (effect.group == group) return &effect;
  }
  return nullptr;
}

// A record without recipientAccountId or awsRegion cannot be placed elsewhere; the group id
// (unique across accounts and regions) then decides alone.
bool in_scope(const ApiCall& call, const Scope& scope) {
  return (!call.account || *call.account == scope.account) &&
         (!call.region || *call.region == scope.region);
}

std::vector<Candidate> candidates(const GroupDiff& diff, const Scope& scope, ChangeWindow window,
                                  std::span<const ApiCall> calls) {
  std::vector<Candidate> out;
  for (size_t i = 0; i < calls.size(); ++i) {
    const ApiCall& call = calls[i];
    // A failed call changed nothing, however closely it matches.
    if (call.attempt() || !in_scope(call, scope)) continue;
    if (call.event_time < window.from || call.event_time > window.to) continue;
    const GroupEffect* effect = effect_on(call, diff.group);
    const Kind kind = kind_of(call.event_name);
    if (effect && kind != Kind::kOther) out.push_back({i, &call, effect, kind});
  }
  return out;
}

// ---- rules ----

// The ids a rule may be named by: its own, and the one the store learned for its identity
// (they can differ when the observation carried none, or an older one).
std::vector<RuleId> ids_of(const Rule& rule, const std::map<std::string, RuleId>& rule_ids) {
  std::vector<RuleId> ids;
  if (rule.id) ids.push_back(*rule.id);
  if (auto known = rule_ids.find(rule.key_string()); known != rule_ids.end()) {
    if (ids.empty() || ids.front() != known->second) ids.push_back(known->second);
  }
  return ids;
}

bool names_any(const GroupEffect& effect, const std::vector<RuleId>& ids) {
  return std::any_of(ids.begin(), ids.end(), [&](const RuleId& id) {
    return std::find(effect.rule_ids.begin(), effect.rule_ids.end(), id) !=
           effect.rule_ids.end();
  });
}

bool lists_rule(const GroupEffect& effect, const Rule& rule) {
  return std::any_of(effect.rules.begin(), effect.rules.end(),
                     [&](const Rule& listed) { return same_identity(listed, rule); });
}

// ModifySecurityGroupRules' record leaves every rule kIngress, so direction cannot count.
bool lists_traffic(const GroupEffect& effect, const Rule& rule) {
  return std::any_of(effect.rules.begin(), effect.rules.end(), [&](const Rule& listed) {
    return listed.protocol == rule.protocol && listed.ports == rule.ports &&
           listed.peer == rule.peer;
  });
}

// A modify names the rule it replaces by id; only when the store knows no id for the rule
// is its new content (by identity) the evidence left.
bool modify_touches(const GroupEffect& effect, const Rule& rule, const std::vector<RuleId>& ids) {
  return ids.empty() ? lists_traffic(effect, rule) : names_any(effect, ids);
}

// The rule EC2 itself adds to every new VPC group.
bool is_default_egress(const Rule& rule) {
  static const Rule kDefault{Direction::kEgress, Protocol::all(), PortRange{-1, -1},
                             Cidr::parse("0.0.0.0/0").value(), "", std::nullopt};
  return same_identity(rule, kDefault);
}

bool explains_added(const Candidate& c, const GroupDiff& diff, const Rule& rule,
                    const std::vector<RuleId>& ids) {
  switch (c.kind) {
    // By content only: the id an Authorize created stays with the rule when a later
    // ModifySecurityGroupRules changes its ports, so the id alone would credit the
    // Authorize with the modified rule.
    case Kind::kAuthorize: return lists_rule(*c.effect, rule);
    case Kind::kModifyRules: return modify_touches(*c.effect, rule, ids);
    case Kind::kCreateGroup:
      return diff.change == GroupChange::kCreated && is_default_egress(rule);
    default: return false;
  }
}

// A call of kind `undo` that did the opposite to the rule.
bool undoes_rule(const Candidate& c, Kind undo, const Rule& rule, const std::vector<RuleId>& ids) {
  if (c.kind != undo) return false;
  // An Authorize names the rule by content (see explains_added); a Revoke may name it by id.
  return lists_rule(*c.effect, rule) || (undo != Kind::kAuthorize && names_any(*c.effect, ids));
}

bool explains_removed(const Candidate& c, const GroupDiff& diff, const Rule& rule,
                      const std::vector<RuleId>& ids) {
  switch (c.kind) {
    case Kind::kRevoke: return lists_rule(*c.effect, rule) || names_any(*c.effect, ids);
    // The removed rule's content is the old one, which the modify's record does not carry:
    // only its id can match.
    case Kind::kModifyRules: return names_any(*c.effect, ids);
    // Only a group seen gone: a deletion the next observation contradicts explains nothing.
    case Kind::kDeleteGroup: return diff.change == GroupChange::kDeleted;
    default: return false;
  }
}

bool explains_modified(const Candidate& c, const RuleModification& change,
                       const std::vector<RuleId>& ids) {
  switch (c.kind) {
    case Kind::kUpdateDescriptions:
      return lists_rule(*c.effect, change.after) || names_any(*c.effect, ids);
    case Kind::kModifyRules: return modify_touches(*c.effect, change.after, ids);
    default: return false;
  }
}

// ---- tags and fields ----

const TagChange* tag_in(const GroupEffect& effect, const std::string& key) {
  for (const TagChange& tag : effect.tags) {
    if (tag.key == key) return &tag;
  }
  return nullptr;
}

bool explains_tag(const Candidate& c, const GroupDiff& diff, const TagChange& change) {
  const TagChange* tag = tag_in(*c.effect, change.key);
  switch (c.kind) {
    case Kind::kCreateTags:
    case Kind::kCreateGroup:  // TagSpecification, when the parser keeps it
      return tag && change.after && tag->after == change.after;
    // DeleteTags with a value deletes the tag only when it had that value.
    case Kind::kDeleteTags:
      return tag && !change.after && (!tag->before || tag->before == change.before);
    case Kind::kDeleteGroup: return diff.change == GroupChange::kDeleted && !change.after;
    default: return false;
  }
}

bool explains_field(const Candidate& c, const FieldChange& change) {
  const ApiCall& call = *c.call;
  const std::string vpc = call.vpc ? call.vpc->str() : "";
  if (c.kind == Kind::kVpcAssociation && change.field == "vpc") {
    return !call.vpc || vpc == change.before || vpc == change.after;
  }
  if (c.kind != Kind::kCreateGroup) return false;
  if (change.field == "name") return call.group_name == change.after;
  if (change.field == "description") return call.group_description == change.after;
  if (change.field == "vpc") return vpc == change.after;
  return false;  // "owner": no call changes a group's owner
}

// ---- what people read ----

std::string tag_text(const TagChange& change) {
  const char* what = !change.before ? "added" : !change.after ? "removed" : "changed";
  return "tag " + change.key + " " + what;
}

// Collects, part by part, which calls explain it.
class Attribution {
 public:
  Attribution(const std::vector<Candidate>& candidates, size_t call_count)
      : candidates_(candidates), used_(call_count, false) {}

  // `explains` says which calls made the part. `undoes` says which calls did the opposite
  // (revoked the rule that is now added, ...): those made between explaining calls are part
  // of how the change came about (added, revoked, added again), so they are listed too; on
  // their own they explain nothing.
  template <typename Explains, typename Undoes>
  void part(std::string text, Explains&& explains, Undoes&& undoes) {
    const Candidate* earliest = nullptr;
    const Candidate* latest = nullptr;
    for (const Candidate& candidate : candidates_) {
      if (!explains(candidate)) continue;
      used_[candidate.index] = true;
      if (!earliest || older(candidate, *earliest)) earliest = &candidate;
      if (!latest || older(*latest, candidate)) latest = &candidate;
    }
    if (!latest) {
      unexplained_.push_back(std::move(text));
      return;
    }
    // Only between explaining calls: an undo before the first one (say the Authorize of a
    // rule the previous observation already saw, inside the clock-skew margin) is history.
    for (const Candidate& candidate : candidates_) {
      if (older(*earliest, candidate) && older(candidate, *latest) && undoes(candidate)) {
        used_[candidate.index] = true;
      }
    }
  }
  template <typename Explains>
  void part(std::string text, Explains&& explains) {
    part(std::move(text), explains, [](const Candidate&) { return false; });
  }

  Correlation result(std::span<const ApiCall> calls) && {
    Correlation out;
    for (size_t i = 0; i < used_.size(); ++i) {
      if (used_[i]) out.calls.push_back(i);
    }
    // Indexes are ascending already, so a stable sort by time breaks ties by index.
    std::stable_sort(out.calls.begin(), out.calls.end(), [&](size_t a, size_t b) {
      return calls[a].event_time < calls[b].event_time;
    });
    out.complete = unexplained_.empty();
    out.unexplained = std::move(unexplained_);
    return out;
  }

 private:
  static bool older(const Candidate& a, const Candidate& b) {
    return std::pair(a.call->event_time, a.index) < std::pair(b.call->event_time, b.index);
  }

  const std::vector<Candidate>& candidates_;
  std::vector<bool> used_;
  std::vector<std::string> unexplained_;
};

void attribute_lifecycle(const GroupDiff& diff, Attribution& attribution) {
  if (diff.change == GroupChange::kCreated) {
    attribution.part("group created",
                     [](const Candidate& c) { return c.kind == Kind::kCreateGroup; });
  } else if (diff.change == GroupChange::kDeleted) {
    attribution.part("group deleted",
                     [](const Candidate& c) { return c.kind == Kind::kDeleteGroup; });
  }
}

void attribute_rules(const GroupDiff& diff, const std::map<std::string, RuleId>& rule_ids,
                     Attribution& attribution) {
  for (const Rule& rule : diff.added) {
    const auto ids = ids_of(rule, rule_ids);
    attribution.part(
        rule.summary() + " added",
        [&](const Candidate& c) { return explains_added(c, diff, rule, ids); },
        [&](const Candidate& c) { return undoes_rule(c, Kind::kRevoke, rule, ids); });
  }
  for (const Rule& rule : diff.removed) {
    const auto ids = ids_of(rule, rule_ids);
    attribution.part(
        rule.summary() + " removed",
        [&](const Candidate& c) { return explains_removed(c, diff, rule, ids); },
        [&](const Candidate& c) { return undoes_rule(c, Kind::kAuthorize, rule, ids); });
  }
  for (const RuleModification& change : diff.modified) {
    // Either side may carry the id; the identity (and so the store's key) is shared.
    auto ids = ids_of(change.after, rule_ids);
    for (const RuleId& id : ids_of(change.before, rule_ids)) {
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    attribution.part(change.after.summary() + " description changed",
                     [&](const Candidate& c) { return explains_modified(c, change, ids); });
  }
}

}  // namespace

Correlation correlate(const GroupDiff& diff, const Scope& scope, ChangeWindow window,
                      std::span<const ApiCall> calls,
                      const std::map<std::string, RuleId>& rule_ids) {
  const std::vector<Candidate> eligible = candidates(diff, scope, window, calls);
  Attribution attribution(eligible, calls.size());
  attribute_lifecycle(diff, attribution);
  attribute_rules(diff, rule_ids, attribution);
  for (const TagChange& change : diff.tags) {
    // A tag now set was perhaps deleted on the way, and one now gone perhaps set.
    const Kind undo = change.after ? Kind::kDeleteTags : Kind::kCreateTags;
    attribution.part(
        tag_text(change), [&](const Candidate& c) { return explains_tag(c, diff, change); },
        [&](const Candidate& c) { return c.kind == undo && tag_in(*c.effect, change.key); });
  }
  for (const FieldChange& change : diff.fields) {
    attribution.part("group " + change.field + " changed",
                     [&](const Candidate& c) { return explains_field(c, change); });
  }
  return std::move(attribution).result(calls);
}

}  // namespace sgwatch
