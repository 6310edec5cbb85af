#include "app/record_snapshot.h"

#include <algorithm>

#include "core/time_format.h"

namespace sgwatch {
namespace {

// The group with the rule ids learned this cycle put onto its rules, so the diff names them.
Group with_known_ids(const Group& listed, const std::vector<Rule>& known) {
  Group out = listed;
  std::map<std::string, RuleId> ids;
  for (const Rule& rule : known) {
    if (rule.id) ids.insert_or_assign(rule.key_string(), *rule.id);
  }
  for (Rule& rule : out.rules) {
    if (auto id = ids.find(rule.key_string()); id != ids.end() && !rule.id) rule.id = id->second;
  }
  return out;
}

// The group's latest stored content, or nullopt when it was deleted or never seen.
Result<std::optional<Group>> stored_content(Store& store, const GroupId& group) {
  auto latest = store.latest(group);
  if (!latest) return tl::unexpected(latest.error());
  if (!*latest) return std::optional<Group>();
  return std::move((*latest)->content);
}

}  // namespace

ChangeFinder::ChangeFinder(Scope scope, bool baseline, std::vector<CurrentHash> stored)
    : scope_(std::move(scope)), stored_(std::move(stored)), stored_seen_(stored_.size(), false) {
  changes_.baseline = baseline;
  std::sort(stored_.begin(), stored_.end(),
            [](const CurrentHash& a, const CurrentHash& b) { return a.group < b.group; });
}

Result<ChangeFinder> ChangeFinder::load(Store& store, const Scope& scope) {
  auto last = store.last_snapshot(scope);
  if (!last) return tl::unexpected(last.error());
  auto stored = store.current_hashes(scope);
  if (!stored) return tl::unexpected(stored.error());
  return ChangeFinder(scope, !last->has_value(), std::move(*stored));
}

Result<bool> ChangeFinder::observe(const Group& group, size_t index) {
  auto at = std::lower_bound(
      stored_.begin(), stored_.end(), group.id,
      [](const CurrentHash& entry, const GroupId& key) { return entry.group < key; });
  const bool was_stored = at != stored_.end() && at->group == group.id;
  bool twice = false;
  if (was_stored) {
    auto seen = stored_seen_.begin() + (at - stored_.begin());
    twice = *seen;
    *seen = true;
  } else {
    twice = !new_seen_.insert(group.id).second;
  }
  if (twice) {
    return invalid("group " + group.id.str() + " appears twice in the snapshot of " +
                   scope_.str());
  }
  ++changes_.groups_seen;
  if (was_stored && at->content_hash == content_hash(group)) return false;
  changes_.changed.push_back({index, was_stored});
  return true;
}

ScopeChanges ChangeFinder::finish(bool partial) && {
  if (!partial) {
    for (size_t i = 0; i < stored_.size(); ++i) {
      if (!stored_seen_[i]) changes_.missing.push_back(stored_[i].group);
    }
  }
  return std::move(changes_);
}

Result<ScopeChanges> find_changes(Store& store, const Snapshot& snapshot) {
  auto finder = ChangeFinder::load(store, snapshot.scope);
  if (!finder) return tl::unexpected(finder.error());
  for (size_t i = 0; i < snapshot.groups.size(); ++i) {
    auto observed = finder->observe(snapshot.groups[i], i);
    if (!observed) return tl::unexpected(observed.error());
  }
  ScopeChanges changes = std::move(*finder).finish(snapshot.partial);
  return changes;
}

Result<RecordResult> record_snapshot(Store& store, const Snapshot& snapshot) {
  auto changes = find_changes(store, snapshot);
  if (!changes) return tl::unexpected(changes.error());
  return record_snapshot(store, snapshot, *changes);
}

Result<RecordResult> record_snapshot(Store& store, const Snapshot& snapshot,
                                     const ScopeChanges& changes, bool attribute,
                                     std::vector<Alert> alerts,
                                     std::optional<Timestamp> event_since) {
  auto last = store.last_snapshot(snapshot.scope);
  if (!last) return tl::unexpected(last.error());
  if (*last && snapshot.observed_at < (*last)->observed_at) {
    return invalid("a snapshot of " + snapshot.scope.str() + " observed at " +
                   format_utc(snapshot.observed_at) + " is older than the one already stored (" +
                   format_utc((*last)->observed_at) + "); revisions must stay in time order");
  }

  CycleWrite cycle{snapshot.scope,       snapshot.observed_at, snapshot.partial,
                   changes.groups_seen, {},                   {},
                   attribute,           std::move(alerts),    event_since};
  RecordResult result;
  result.baseline = changes.baseline;
  result.groups_seen = changes.groups_seen;

  // The ids the rules carry: from the source, or learned from the rules listing.
  auto note_rule_ids = [&](const Group& group) {
    std::map<std::string, RuleId> ids;
    for (const Rule& rule : group.rules) {
      if (rule.id) ids.insert_or_assign(rule.key_string(), *rule.id);
    }
    result.rule_ids_learned += ids.size();
    if (!ids.empty()) cycle.rule_ids[group.id] = std::move(ids);
  };
  std::vector<const ChangedGroup*> changed(snapshot.groups.size(), nullptr);
  for (const ChangedGroup& group : changes.changed) changed[group.index] = &group;
  for (size_t i = 0; i < snapshot.groups.size(); ++i) {
    const Group& listed = snapshot.groups[i];
    auto known = snapshot.known_rule_ids.find(listed.id);
    std::optional<Group> with_ids;
    if (known != snapshot.known_rule_ids.end()) with_ids = with_known_ids(listed, known->second);
    const Group& observed = with_ids ? *with_ids : listed;
    note_rule_ids(observed);
    if (!changed[i]) continue;

    std::optional<Group> before;
    if (changed[i]->was_stored) {
      auto stored = stored_content(store, observed.id);
      if (!stored) return tl::unexpected(stored.error());
      before = std::move(*stored);
    }
    if (auto change = diff(before ? &*before : nullptr, &observed)) {
      cycle.changed.emplace_back(observed.id, observed);
      result.diffs.push_back(std::move(*change));
    }
  }
  for (const GroupId& id : changes.missing) {
    auto stored = stored_content(store, id);
    if (!stored) return tl::unexpected(stored.error());
    if (!*stored) continue;
    cycle.changed.emplace_back(id, std::nullopt);
    result.diffs.push_back(*diff(&**stored, nullptr));
  }
  if (auto status = store.commit(cycle); !status) return tl::unexpected(status.error());
  return result;
}

}  // namespace sgwatch
