#include "app/scope_cycle.h"

#include "sources/ec2_snapshot.h"

namespace sgwatch {

Result<CycleOutcome> run_scope_cycle(QueryClient& client, const AwsCredentials& credentials,
                                     Store& store, const Scope& scope, Timestamp observed_at) {
  auto snapshot = read_scope_snapshot(client, credentials, scope, observed_at);
  if (!snapshot) return tl::unexpected(snapshot.error());

  // Rule ids cost a call per 200 groups: ask only for groups whose content changed.
  auto current = store.current_groups(scope);
  if (!current) return tl::unexpected(current.error());
  std::map<GroupId, const Group*> previous;
  for (const Revision& revision : *current) previous.emplace(revision.group, &*revision.content);
  std::vector<GroupId> changed;
  for (const Group& group : snapshot->groups) {
    auto before = previous.find(group.id);
    if (before == previous.end() || !same_content(*before->second, group)) changed.push_back(group.id);
  }
  if (!changed.empty()) {
    auto rules = read_rule_ids(client, credentials, scope, changed);
    if (!rules) return tl::unexpected(rules.error());
    snapshot->known_rule_ids = std::move(*rules);
  }
  auto recorded = record_snapshot(store, *snapshot);
  if (!recorded) return tl::unexpected(recorded.error());
  return CycleOutcome{std::move(*snapshot), std::move(*recorded)};
}

}  // namespace sgwatch
