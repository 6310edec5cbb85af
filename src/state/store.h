// Where sgwatch keeps every revision of every group it has observed. One interface, with
// SQLite now and PostgreSQL later; both pass the same tests.
//
// Thread-safety: a Store object is used from one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/group.h"
#include "core/scope.h"

namespace sgwatch {

// One observed state of a group. A revision is written only when the content changed
// (or the group appeared or disappeared), so consecutive revisions always differ.
struct Revision {
  int64_t number = 0;  // increasing in write order; unique within a store
  Scope scope;
  GroupId group;
  Timestamp observed_at;
  std::optional<Group> content;  // nullopt: the group was deleted at observed_at
  std::string content_hash;      // content_hash(*content); empty when deleted

  bool deleted() const { return !content.has_value(); }
};

// Everything one observation cycle writes for one scope, committed atomically: either all
// of it is stored or none of it.
struct CycleWrite {
  Scope scope;
  Timestamp observed_at;
  bool partial = false;  // the snapshot listed only some groups of the scope
  size_t groups_seen = 0;
  // Groups whose content changed, appeared (content set) or disappeared (content unset).
  std::vector<std::pair<GroupId, std::optional<Group>>> changed;
  // Rule ids learned this cycle, per group, keyed by Rule::key_string().
  std::map<GroupId, std::map<std::string, RuleId>> rule_ids;
};

// The content hash of a group's current revision: enough to tell whether an observation
// changed it without reading the content.
struct CurrentHash {
  GroupId group;
  std::string content_hash;
};

// The account and principal behind an access key, as sts:GetCallerIdentity told it. A key
// id never moves to another account, so the answer can be kept.
struct KnownCaller {
  AccountId account;
  std::string arn;
};

// The last snapshot recorded for a scope.
struct SnapshotRecord {
  Scope scope;
  Timestamp observed_at;
  bool partial = false;
  size_t groups_seen = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // The latest revision of every group in `scope` that is not deleted, by group id.
  virtual Result<std::vector<Revision>> current_groups(const Scope& scope) = 0;
  // current_groups() without the content: the hash of each group's latest revision, by
  // group id. What a quiet cycle reads.
  virtual Result<std::vector<CurrentHash>> current_hashes(const Scope& scope) = 0;
  // The newest revision of the group in any scope, deleted or not.
  virtual Result<std::optional<Revision>> latest(const GroupId& group) = 0;
  // The newest revision observed at or before `at`.
  virtual Result<std::optional<Revision>> revision_at(const GroupId& group, Timestamp at) = 0;
  // Every revision of the group, oldest first.
  virtual Result<std::vector<Revision>> history(const GroupId& group) = 0;
  // The rule ids last known for the group's rules, keyed by Rule::key_string(). Ids of
  // rules that were since removed stay, for attributing their removal.
  virtual Result<std::map<std::string, RuleId>> rule_ids(const Scope& scope,
                                                          const GroupId& group) = 0;
  // The latest snapshot recorded for the scope, if any.
  virtual Result<std::optional<SnapshotRecord>> last_snapshot(const Scope& scope) = 0;
  // Every scope with a recorded snapshot, ordered (by account, then region).
  virtual Result<std::vector<Scope>> scopes() = 0;

  // Writes one cycle in one transaction.
  virtual Status commit(const CycleWrite& cycle) = 0;

  // Who owns an access key id, if sgwatch asked before.
  virtual Result<std::optional<KnownCaller>> caller_identity(
      const std::string& access_key_id) = 0;
  // Keeps the answer; forgets keys not seen for a week (temporary keys rotate).
  virtual Status remember_caller_identity(const std::string& access_key_id,
                                          const KnownCaller& identity, Timestamp now) = 0;
};

}  // namespace sgwatch
