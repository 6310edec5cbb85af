// Turning one observation of a scope into stored revisions: diff every observed group
// against its latest revision, write what changed in one transaction, and return the
// diffs. Used by `ingest` now and by the pollers later.
#pragma once

#include <map>
#include <vector>

#include "core/diff.h"
#include "core/error.h"
#include "core/scope.h"
#include "state/store.h"

namespace sgwatch {

struct Snapshot {
  Scope scope;
  Timestamp observed_at;
  std::vector<Group> groups;  // canonical, unique ids
  // True when `groups` is only part of the scope: absent groups are then not deleted.
  bool partial = false;
  // Rule ids learned from DescribeSecurityGroupRules, by group; attached to matching rules.
  std::map<GroupId, std::vector<Rule>> known_rule_ids;
};

struct RecordResult {
  bool baseline = false;  // the scope had no snapshot before: every group is "created"
  size_t groups_seen = 0;
  std::vector<GroupDiff> diffs;  // created and modified in snapshot order, then deleted
  size_t rule_ids_learned = 0;
};

// Precondition: the caller holds the store's writer lock. Nothing is written on error.
Result<RecordResult> record_snapshot(Store& store, const Snapshot& snapshot);

}  // namespace sgwatch
