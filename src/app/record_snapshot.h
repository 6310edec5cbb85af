// Turning one observation of a scope into stored revisions: diff every observed group
// against its latest revision, write what changed in one transaction, and return the
// diffs. Used by `ingest` now and by the pollers later.
#pragma once

#include <map>
#include <set>
#include <vector>

#include "core/diff.h"
#include "core/error.h"
#include "core/scope.h"
#include "state/store.h"

namespace sgwatch {

struct Snapshot {
  Scope scope;
  Timestamp observed_at;
  // Canonical, unique ids. Every group of the scope, or, from a reader that dropped the
  // unchanged ones (see ChangeFinder), only those that changed.
  std::vector<Group> groups;
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

struct ChangedGroup {
  size_t index;     // into Snapshot::groups
  bool was_stored;  // false: new to the store
};

// What an observation changed, found by comparing content hashes with the store's current
// revisions, so that a quiet cycle reads no stored content at all.
struct ScopeChanges {
  std::vector<ChangedGroup> changed;  // new or different content, in snapshot order
  std::vector<GroupId> missing;       // current in the store, not observed (never for a partial)
  bool baseline = false;              // nothing of the scope was stored before
  size_t groups_seen = 0;             // observed, changed or not
};

// Finds the changes of a scope one observed group at a time, so that a reader can drop
// the unchanged groups as it goes: a quiet cycle then holds one page, not the scope.
class ChangeFinder {
 public:
  static Result<ChangeFinder> load(Store& store, const Scope& scope);

  // True when `group` is new or its content differs from its current revision: the
  // caller must keep it, at `index` of Snapshot::groups. Fails on a group seen twice.
  Result<bool> observe(const Group& group, size_t index);
  // The changes, once every group was observed. `partial`: absent groups are not missing.
  ScopeChanges finish(bool partial) &&;

 private:
  ChangeFinder(Scope scope, bool baseline, std::vector<CurrentHash> stored);

  Scope scope_;
  std::vector<CurrentHash> stored_;  // sorted by group id
  std::vector<bool> stored_seen_;    // parallel to stored_
  std::set<GroupId> new_seen_;       // observed groups the store does not have
  ScopeChanges changes_;
};

// ChangeFinder over every group of a complete snapshot.
Result<ScopeChanges> find_changes(Store& store, const Snapshot& snapshot);

// Precondition: the caller holds the store's writer lock. Nothing is written on error.
Result<RecordResult> record_snapshot(Store& store, const Snapshot& snapshot);
// The same, with `changes` already found by find_changes() for this snapshot. `attribute`:
// the changes (after the baseline) are recorded pending attribution. `alerts` are queued in
// the same transaction.
// `event_since`: the snapshot is one group seen by an event source (see
// CycleWrite::event_since).
Result<RecordResult> record_snapshot(Store& store, const Snapshot& snapshot,
                                     const ScopeChanges& changes, bool attribute = false,
                                     std::vector<Alert> alerts = {},
                                     std::optional<Timestamp> event_since = std::nullopt);

}  // namespace sgwatch
