#include "app/record_snapshot.h"

#include <set>

#include "core/time_format.h"

namespace sgwatch {

Result<RecordResult> record_snapshot(Store& store, const Snapshot& snapshot) {
  auto last = store.last_snapshot(snapshot.scope);
  if (!last) return tl::unexpected(last.error());
  if (*last && snapshot.observed_at < (*last)->observed_at) {
    return invalid("a snapshot of " + snapshot.scope.str() + " observed at " +
                   format_utc(snapshot.observed_at) + " is older than the one already stored (" +
                   format_utc((*last)->observed_at) + "); revisions must stay in time order");
  }
  auto current = store.current_groups(snapshot.scope);
  if (!current) return tl::unexpected(current.error());
  std::map<GroupId, const Revision*> previous;
  for (const Revision& revision : *current) previous.emplace(revision.group, &revision);

  CycleWrite cycle{snapshot.scope, snapshot.observed_at, snapshot.partial,
                   snapshot.groups.size(), {}, {}};
  RecordResult result;
  result.baseline = !last->has_value();
  result.groups_seen = snapshot.groups.size();
  std::set<GroupId> seen;
  for (const Group& listed : snapshot.groups) {
    // Rule ids learned this cycle go onto the rules, so the diff can name them.
    std::optional<Group> with_ids;
    if (auto known = snapshot.known_rule_ids.find(listed.id); known != snapshot.known_rule_ids.end()) {
      with_ids = listed;
      std::map<std::string, RuleId> ids;
      for (const Rule& rule : known->second) {
        if (rule.id) ids.insert_or_assign(rule.key_string(), *rule.id);
      }
      for (Rule& rule : with_ids->rules) {
        if (auto id = ids.find(rule.key_string()); id != ids.end() && !rule.id) rule.id = id->second;
      }
    }
    const Group& observed = with_ids ? *with_ids : listed;
    if (!seen.insert(observed.id).second) {
      return invalid("group " + observed.id.str() + " appears twice in the snapshot of " +
                     snapshot.scope.str());
    }
    // The ids the rules carry: from the source, or learned from the rules listing above.
    auto& ids = cycle.rule_ids[observed.id];
    for (const Rule& rule : observed.rules) {
      if (rule.id) ids.insert_or_assign(rule.key_string(), *rule.id);
    }
    result.rule_ids_learned += ids.size();
    if (ids.empty()) cycle.rule_ids.erase(observed.id);

    auto before = previous.find(observed.id);
    const Group* before_content = before == previous.end() ? nullptr : &*before->second->content;
    if (auto change = diff(before_content, &observed)) {
      cycle.changed.emplace_back(observed.id, observed);
      result.diffs.push_back(std::move(*change));
    }
  }
  if (!snapshot.partial) {
    for (const auto& [id, revision] : previous) {
      if (seen.count(id)) continue;
      cycle.changed.emplace_back(id, std::nullopt);
      result.diffs.push_back(*diff(&*revision->content, nullptr));
    }
  }
  if (auto status = store.commit(cycle); !status) return tl::unexpected(status.error());
  return result;
}

}  // namespace sgwatch
