#include "app/scope_cycle.h"

#include "sources/ec2_snapshot.h"

namespace sgwatch {

Result<CycleOutcome> run_scope_cycle(QueryClient& client, const AwsCredentials& credentials,
                                     Store& store, const Scope& scope, Timestamp observed_at,
                                     bool attribute, const BaselineAlerts& baseline_alerts) {
  auto finder = ChangeFinder::load(store, scope);
  if (!finder) return tl::unexpected(finder.error());
  // Unchanged groups are dropped as their page is read: only changes are held.
  auto snapshot = read_scope_snapshot(
      client, credentials, scope, observed_at,
      [&](const Group& group, size_t index) { return finder->observe(group, index); });
  if (!snapshot) return tl::unexpected(snapshot.error());
  ScopeChanges changes = std::move(*finder).finish(snapshot->partial);

  // Rule ids cost a call per 200 groups: ask only for groups whose content changed.
  if (!changes.changed.empty()) {
    std::vector<GroupId> changed;
    for (const ChangedGroup& group : changes.changed) {
      changed.push_back(snapshot->groups[group.index].id);
    }
    auto rules = read_rule_ids(client, credentials, scope, changed);
    if (!rules) return tl::unexpected(rules.error());
    snapshot->known_rule_ids = std::move(*rules);
  }
  std::vector<Alert> alerts;
  if (changes.baseline && baseline_alerts) alerts = baseline_alerts(*snapshot);
  auto recorded = record_snapshot(store, *snapshot, changes, attribute, std::move(alerts));
  if (!recorded) return tl::unexpected(recorded.error());
  return CycleOutcome{std::move(*snapshot), std::move(*recorded), std::nullopt, {}, {}};
}

}  // namespace sgwatch
