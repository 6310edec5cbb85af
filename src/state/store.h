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
#include "notify/alert.h"
#include "state/attribution_records.h"
#include "state/retention.h"

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
  // When the scope had a snapshot before, each changed group is a change (ChangeEntry,
  // since = that snapshot's time), pending attribution when `attribute`, else without
  // attribution state. At the baseline nothing is a change.
  bool attribute = false;
  // Alerts queued in the same transaction: a baseline's summary, which no later cycle
  // could recompute (the next one is no baseline).
  std::vector<Alert> alerts{};
  // Set when one group was observed by an event source (an AWS Config item), not by a
  // cycle over the scope: the time the group's previous state was last known, which starts
  // its change's window. The scope's snapshot record is then left as it is, and the scope
  // must have had its baseline.
  std::optional<Timestamp> event_since{};
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

// Which outbox rows to list. Every field narrows.
struct OutboxQuery {
  std::optional<std::string> destination;
  std::vector<AlertState> states;  // empty: any state
  std::optional<std::string> id;
  size_t limit = 0;  // 0: no limit
};

// What one destination is owed: its pending rows, and when the oldest was queued.
struct OutboxBacklog {
  std::string destination;
  size_t pending = 0;
  Timestamp oldest_created_at;
};

// What one delivery attempt changed of an outbox row.
struct DeliveryRecord {
  std::string id;
  AlertState state = AlertState::kPending;
  int attempts = 0;
  Timestamp next_attempt_at;
  std::string last_error;
  std::optional<Timestamp> delivered_at;
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

  // Writes one cycle in one transaction, its changes included.
  virtual Status commit(const CycleWrite& cycle) = 0;

  // The revision numbered `number`, if any.
  virtual Result<std::optional<Revision>> revision(int64_t number) = 0;
  // The group's revision just before `revision`; nullopt for its first.
  virtual Result<std::optional<Revision>> previous_revision(const Revision& revision) = 0;

  // The changes the query selects, oldest first (by observed_at, then revision).
  virtual Result<std::vector<ChangeEntry>> changes(const ChangeQuery& query) = 0;
  // Writes state, event_ids, lookups and reported of each entry, found by revision.
  virtual Status update_changes(const std::vector<ChangeEntry>& entries) = 0;
  // Keeps the events not kept yet (by event id), in one transaction; returns the ids of
  // those that were new, in the order given.
  virtual Result<std::vector<std::string>> add_events(const std::vector<StoredEvent>& events) = 0;
  // The kept events of `scope` with event_time in [from, to], oldest first.
  virtual Result<std::vector<StoredEvent>> events(const Scope& scope, Timestamp from,
                                                  Timestamp to) = 0;
  // The kept events with these ids, in the order given; ids not kept are left out.
  virtual Result<std::vector<StoredEvent>> events_by_id(const std::vector<std::string>& ids) = 0;

  // The outbox. Marks the changes reported (as update_changes) and queues the alerts, in
  // one transaction: a change is never marked reported without its alerts, nor alerted
  // twice. An alert whose id is queued already is left as it is (recomputed after a crash).
  virtual Status report_changes(const std::vector<ChangeEntry>& reported,
                                const std::vector<Alert>& alerts) = 0;
  // Queues alerts in one transaction, leaving ids queued already as they are.
  virtual Status queue_alerts(const std::vector<Alert>& alerts) = 0;
  // The rows the query selects, in queueing order.
  virtual Result<std::vector<OutboxEntry>> outbox(const OutboxQuery& query) = 0;
  // Writes each row's delivery state, in one transaction; kNotFound for an unknown id.
  virtual Status record_deliveries(const std::vector<DeliveryRecord>& records) = 0;
  // Every destination with pending rows, by name: what /metrics shows of the outbox, right
  // after a restart too. This default reads the pending rows whole; a store may count them
  // in place.
  virtual Result<std::vector<OutboxBacklog>> outbox_backlog() {
    OutboxQuery pending;
    pending.states = {AlertState::kPending};
    auto rows = outbox(pending);
    if (!rows) return tl::unexpected(rows.error());
    std::map<std::string, OutboxBacklog> by_destination;
    for (const OutboxEntry& row : *rows) {
      OutboxBacklog& backlog = by_destination[row.alert.destination];
      if (backlog.pending == 0 || row.alert.created_at < backlog.oldest_created_at) {
        backlog.oldest_created_at = row.alert.created_at;
      }
      backlog.destination = row.alert.destination;
      ++backlog.pending;
    }
    std::vector<OutboxBacklog> backlogs;
    for (auto& [destination, backlog] : by_destination) backlogs.push_back(std::move(backlog));
    return backlogs;
  }

  // Who owns an access key id, if sgwatch asked before.
  virtual Result<std::optional<KnownCaller>> caller_identity(
      const std::string& access_key_id) = 0;
  // Keeps the answer; forgets keys not seen for a week (temporary keys rotate).
  virtual Status remember_caller_identity(const std::string& access_key_id,
                                          const KnownCaller& identity, Timestamp now) = 0;

  // Event-driven intake. SNS delivers a message at least once, under the same MessageId
  // each time: an id handled before is acknowledged and nothing more.
  virtual Result<bool> sns_message_handled(const std::string& message_id) = 0;
  // Remembers a handled message; forgets those older than kSnsMessageMemory.
  virtual Status remember_sns_message(const std::string& message_id,
                                      const std::string& topic_arn, Timestamp now) = 0;
  // The newest AWS Config configurationStateId taken in for the group (they only grow),
  // so that a re-sent or late item of an older state is recognised.
  virtual Result<std::optional<int64_t>> config_state(const GroupId& group) = 0;
  virtual Status remember_config_state(const GroupId& group, int64_t state_id,
                                       Timestamp captured_at) = 0;

  // Self-alerts: how many cycles of the scope failed in a row, kept across runs (a timer's
  // `once` counts too). Records one cycle's outcome and returns the count after it: 0 for
  // a good cycle, which forgets the failures.
  virtual Result<int> count_scope_cycle(const Scope& scope, bool failed) = 0;

  // Retention. Removes, in one transaction, what `policy` lets go as of `now`, then gives
  // the freed space back to the file system. Never removes a group's latest revision, a
  // revision (or the one before it) that a pending change or alert needs, a pending alert,
  // nor the events a pending change may still be attributed to; changes go with their
  // revisions. Only the writer may prune.
  virtual Result<PruneCounts> prune(const RetentionPolicy& policy, Timestamp now) = 0;
};

// How long a handled SNS message id is remembered: longer than SNS retries a delivery (at
// most 23 days under a custom delivery policy).
inline constexpr auto kSnsMessageMemory = std::chrono::hours(24 * 30);

}  // namespace sgwatch
