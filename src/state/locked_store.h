// A Store that several threads may share: each call runs alone. Scopes are observed
// concurrently, and each one's reads and commit go through here; a cycle's writes are
// still one transaction (Store::commit), so interleaving calls of different scopes is safe.
#pragma once

#include <mutex>

#include "state/store.h"

namespace sgwatch {

class LockedStore final : public Store {
 public:
  explicit LockedStore(Store& inner) : inner_(inner) {}

  Result<std::vector<Revision>> current_groups(const Scope& scope) override {
    std::lock_guard lock(mutex_);
    return inner_.current_groups(scope);
  }
  Result<std::vector<CurrentHash>> current_hashes(const Scope& scope) override {
    std::lock_guard lock(mutex_);
    return inner_.current_hashes(scope);
  }
  Result<std::optional<Revision>> latest(const GroupId& group) override {
    std::lock_guard lock(mutex_);
    return inner_.latest(group);
  }
  Result<std::optional<Revision>> revision_at(const GroupId& group, Timestamp at) override {
    std::lock_guard lock(mutex_);
    return inner_.revision_at(group, at);
  }
  Result<std::vector<Revision>> history(const GroupId& group) override {
    std::lock_guard lock(mutex_);
    return inner_.history(group);
  }
  Result<std::map<std::string, RuleId>> rule_ids(const Scope& scope,
                                                  const GroupId& group) override {
    std::lock_guard lock(mutex_);
    return inner_.rule_ids(scope, group);
  }
  Result<std::optional<SnapshotRecord>> last_snapshot(const Scope& scope) override {
    std::lock_guard lock(mutex_);
    return inner_.last_snapshot(scope);
  }
  Result<std::vector<Scope>> scopes() override {
    std::lock_guard lock(mutex_);
    return inner_.scopes();
  }
  Status commit(const CycleWrite& cycle) override {
    std::lock_guard lock(mutex_);
    return inner_.commit(cycle);
  }
  Result<std::optional<Revision>> revision(int64_t number) override {
    std::lock_guard lock(mutex_);
    return inner_.revision(number);
  }
  Result<std::optional<Revision>> previous_revision(const Revision& revision) override {
    std::lock_guard lock(mutex_);
    return inner_.previous_revision(revision);
  }
  Result<std::vector<ChangeEntry>> changes(const ChangeQuery& query) override {
    std::lock_guard lock(mutex_);
    return inner_.changes(query);
  }
  Status update_changes(const std::vector<ChangeEntry>& entries) override {
    std::lock_guard lock(mutex_);
    return inner_.update_changes(entries);
  }
  Result<std::vector<std::string>> add_events(const std::vector<StoredEvent>& events) override {
    std::lock_guard lock(mutex_);
    return inner_.add_events(events);
  }
  Result<std::vector<StoredEvent>> events(const Scope& scope, Timestamp from,
                                          Timestamp to) override {
    std::lock_guard lock(mutex_);
    return inner_.events(scope, from, to);
  }
  Result<std::vector<StoredEvent>> events_by_id(const std::vector<std::string>& ids) override {
    std::lock_guard lock(mutex_);
    return inner_.events_by_id(ids);
  }
  Status report_changes(const std::vector<ChangeEntry>& reported,
                        const std::vector<Alert>& alerts) override {
    std::lock_guard lock(mutex_);
    return inner_.report_changes(reported, alerts);
  }
  Status queue_alerts(const std::vector<Alert>& alerts) override {
    std::lock_guard lock(mutex_);
    return inner_.queue_alerts(alerts);
  }
  Result<std::vector<OutboxEntry>> outbox(const OutboxQuery& query) override {
    std::lock_guard lock(mutex_);
    return inner_.outbox(query);
  }
  Status record_deliveries(const std::vector<DeliveryRecord>& records) override {
    std::lock_guard lock(mutex_);
    return inner_.record_deliveries(records);
  }
  Result<std::vector<OutboxBacklog>> outbox_backlog() override {
    std::lock_guard lock(mutex_);
    return inner_.outbox_backlog();
  }
  Result<std::optional<KnownCaller>> caller_identity(const std::string& access_key_id) override {
    std::lock_guard lock(mutex_);
    return inner_.caller_identity(access_key_id);
  }
  Status remember_caller_identity(const std::string& access_key_id, const KnownCaller& identity,
                                  Timestamp now) override {
    std::lock_guard lock(mutex_);
    return inner_.remember_caller_identity(access_key_id, identity, now);
  }
  Result<bool> sns_message_handled(const std::string& message_id) override {
    std::lock_guard lock(mutex_);
    return inner_.sns_message_handled(message_id);
  }
  Status remember_sns_message(const std::string& message_id, const std::string& topic_arn,
                              Timestamp now) override {
    std::lock_guard lock(mutex_);
    return inner_.remember_sns_message(message_id, topic_arn, now);
  }
  Result<std::optional<int64_t>> config_state(const GroupId& group) override {
    std::lock_guard lock(mutex_);
    return inner_.config_state(group);
  }
  Status remember_config_state(const GroupId& group, int64_t state_id,
                               Timestamp captured_at) override {
    std::lock_guard lock(mutex_);
    return inner_.remember_config_state(group, state_id, captured_at);
  }

  Result<int> count_scope_cycle(const Scope& scope, bool failed) override {
    std::lock_guard lock(mutex_);
    return inner_.count_scope_cycle(scope, failed);
  }

  Result<PruneCounts> prune(const RetentionPolicy& policy, Timestamp now) override {
    std::lock_guard lock(mutex_);
    return inner_.prune(policy, now);
  }

 private:
  Store& inner_;
  std::mutex mutex_;
};

}  // namespace sgwatch
