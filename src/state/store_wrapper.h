// A Store that forwards every call to another: derive from it and override the calls to
// change, as tests do to inject faults (leveldb's EnvWrapper is the model).
#pragma once

#include "state/store.h"

namespace sgwatch {

class StoreWrapper : public Store {
 public:
  explicit StoreWrapper(Store& target) : target_(target) {}

  Result<std::vector<Revision>> current_groups(const Scope& scope) override {
    return target_.current_groups(scope);
  }
  Result<std::vector<CurrentHash>> current_hashes(const Scope& scope) override {
    return target_.current_hashes(scope);
  }
  Result<std::optional<Revision>> latest(const GroupId& group) override {
    return target_.latest(group);
  }
  Result<std::optional<Revision>> revision_at(const GroupId& group, Timestamp at) override {
    return target_.revision_at(group, at);
  }
  Result<std::vector<Revision>> history(const GroupId& group) override {
    return target_.history(group);
  }
  Result<std::map<std::string, RuleId>> rule_ids(const Scope& scope,
                                                  const GroupId& group) override {
    return target_.rule_ids(scope, group);
  }
  Result<std::optional<SnapshotRecord>> last_snapshot(const Scope& scope) override {
    return target_.last_snapshot(scope);
  }
  Result<std::vector<Scope>> scopes() override { return target_.scopes(); }
  Status commit(const CycleWrite& cycle) override { return target_.commit(cycle); }
  Result<std::optional<Revision>> revision(int64_t number) override {
    return target_.revision(number);
  }
  Result<std::optional<Revision>> previous_revision(const Revision& revision) override {
    return target_.previous_revision(revision);
  }
  Result<std::vector<ChangeEntry>> changes(const ChangeQuery& query) override {
    return target_.changes(query);
  }
  Status update_changes(const std::vector<ChangeEntry>& entries) override {
    return target_.update_changes(entries);
  }
  Result<std::vector<std::string>> add_events(const std::vector<StoredEvent>& events) override {
    return target_.add_events(events);
  }
  Result<std::vector<StoredEvent>> events(const Scope& scope, Timestamp from,
                                          Timestamp to) override {
    return target_.events(scope, from, to);
  }
  Result<std::vector<StoredEvent>> events_by_id(const std::vector<std::string>& ids) override {
    return target_.events_by_id(ids);
  }
  Status report_changes(const std::vector<ChangeEntry>& reported,
                        const std::vector<Alert>& alerts) override {
    return target_.report_changes(reported, alerts);
  }
  Status queue_alerts(const std::vector<Alert>& alerts) override {
    return target_.queue_alerts(alerts);
  }
  Result<std::vector<OutboxEntry>> outbox(const OutboxQuery& query) override {
    return target_.outbox(query);
  }
  Status record_deliveries(const std::vector<DeliveryRecord>& records) override {
    return target_.record_deliveries(records);
  }
  Result<std::vector<OutboxBacklog>> outbox_backlog() override {
    return target_.outbox_backlog();
  }
  Result<std::optional<KnownCaller>> caller_identity(const std::string& access_key_id) override {
    return target_.caller_identity(access_key_id);
  }
  Status remember_caller_identity(const std::string& access_key_id, const KnownCaller& identity,
                                  Timestamp now) override {
    return target_.remember_caller_identity(access_key_id, identity, now);
  }
  Result<bool> sns_message_handled(const std::string& message_id) override {
    return target_.sns_message_handled(message_id);
  }
  Status remember_sns_message(const std::string& message_id, const std::string& topic_arn,
                              Timestamp now) override {
    return target_.remember_sns_message(message_id, topic_arn, now);
  }
  Result<std::optional<int64_t>> config_state(const GroupId& group) override {
    return target_.config_state(group);
  }
  Status remember_config_state(const GroupId& group, int64_t state_id,
                               Timestamp captured_at) override {
    return target_.remember_config_state(group, state_id, captured_at);
  }

  Result<int> count_scope_cycle(const Scope& scope, bool failed) override {
    return target_.count_scope_cycle(scope, failed);
  }

  Result<PruneCounts> prune(const RetentionPolicy& policy, Timestamp now) override {
    return target_.prune(policy, now);
  }

  Store& target() { return target_; }

 private:
  Store& target_;
};

}  // namespace sgwatch
