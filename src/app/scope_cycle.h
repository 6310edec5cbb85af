// One observation cycle of one account and region: read every group, learn the rule ids
// of the groups that changed (all of them at the baseline), record, and report.
#pragma once

#include "app/record_snapshot.h"
#include "aws/credentials.h"
#include "aws/query_client.h"
#include "state/store.h"

namespace sgwatch {

struct CycleOutcome {
  Snapshot snapshot;
  RecordResult result;
};

// Nothing is recorded for the scope when any read fails.
Result<CycleOutcome> run_scope_cycle(QueryClient& client, const AwsCredentials& credentials,
                                     Store& store, const Scope& scope, Timestamp observed_at);

}  // namespace sgwatch
