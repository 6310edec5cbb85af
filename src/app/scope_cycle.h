// One observation cycle of one account and region: read every group, learn the rule ids
// of the groups that changed (all of them at the baseline), record, and report.
#pragma once

#include <functional>

#include "app/record_snapshot.h"
#include "attribution/attributor.h"
#include "attribution/change_view.h"
#include "aws/credentials.h"
#include "aws/query_client.h"
#include "state/store.h"

namespace sgwatch {

struct CycleOutcome {
  Snapshot snapshot;
  RecordResult result;
  // What the trail lookup after the cycle found; nullopt when lookups are off or it failed.
  std::optional<ScopeAttribution> attribution;
  std::string attribution_error;  // why the lookup failed; empty when it did not
  // The changes to report now: found this cycle, or settled since (see due_reports.h).
  std::vector<ChangeView> reports;
};

// The alerts of a scope's baseline, from its snapshot (every group of the scope).
using BaselineAlerts = std::function<std::vector<Alert>(const Snapshot& snapshot)>;

// Nothing is recorded for the scope when any read fails. `attribute`: changes are
// recorded pending attribution. At the baseline, `baseline_alerts` (when set) gives the
// alerts queued with it, in the same transaction.
Result<CycleOutcome> run_scope_cycle(QueryClient& client, const AwsCredentials& credentials,
                                     Store& store, const Scope& scope, Timestamp observed_at,
                                     bool attribute = false,
                                     const BaselineAlerts& baseline_alerts = {});

}  // namespace sgwatch
