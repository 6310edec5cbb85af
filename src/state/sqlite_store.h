// The SQLite implementation of Store: one file, WAL journal, so `sgwatch` readers
// (history, show) run beside the one writer (ingest, watch).
//
// The file is identified as sgwatch's by PRAGMA application_id and its schema version is
// PRAGMA user_version. sgwatch never writes to a file it did not create: a file that is
// not SQLite, an SQLite database of another application, or a schema newer than this
// build is refused with kIncompatible and left byte-for-byte as it was.
//
// Revision content is stored as canonical JSON without rule ids (group_to_json(g, false)),
// so revisions returned carry no rule ids; ids live in their own table (rule_ids()).
//
// Thread-safety: as Store, one thread at a time per object. Any number of readers and one
// writer (per the StoreLock) may have the same file open in different processes.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "state/sqlite_schema.h"
#include "state/store.h"
#include "state/store_lock.h"

struct sqlite3;

namespace sgwatch {

// Where the store lives when the configuration does not say: $STATE_DIRECTORY (set by
// systemd's StateDirectory=; the first entry when it lists several) + "/sgwatch.db", else
// $XDG_STATE_HOME/sgwatch/sgwatch.db, else $HOME/.local/state/sgwatch/sgwatch.db.
std::string default_store_path();

class SqliteStore final : public Store {
 public:
  // The schema version this build writes and reads.
  static int schema_version();
  // The PRAGMA application_id marking sgwatch's files: 'SGWT'.
  static constexpr int32_t kApplicationId = kStoreApplicationId;

  // Opens the store for writing: creates missing parent directories (mode 0700) and the
  // file (0600), takes the writer lock (kBusy when another writer has it), and creates or
  // upgrades the schema.
  static Result<std::unique_ptr<SqliteStore>> open_writer(const std::string& path);
  // Opens an existing store for reading, without the lock. Never creates anything:
  // kNotFound when there is no store at `path`; kIncompatible when its schema is older
  // (a writing command upgrades it) or newer than this build's.
  static Result<std::unique_ptr<SqliteStore>> open_reader(const std::string& path);

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  const std::string& path() const { return path_; }

  Result<std::vector<Revision>> current_groups(const Scope& scope) override;
  Result<std::vector<CurrentHash>> current_hashes(const Scope& scope) override;
  Result<std::optional<Revision>> latest(const GroupId& group) override;
  Result<std::optional<Revision>> revision_at(const GroupId& group, Timestamp at) override;
  Result<std::vector<Revision>> history(const GroupId& group) override;
  Result<std::map<std::string, RuleId>> rule_ids(const Scope& scope,
                                                  const GroupId& group) override;
  Result<std::optional<SnapshotRecord>> last_snapshot(const Scope& scope) override;
  Result<std::vector<Scope>> scopes() override;
  // Also refuses (kInvalidInput) a cycle observed before the scope's last snapshot, a
  // changed group whose content has another id, and a group listed twice; on a store
  // opened for reading, kInvalidInput.
  Status commit(const CycleWrite& cycle) override;
  Result<std::optional<Revision>> revision(int64_t number) override;
  Result<std::optional<Revision>> previous_revision(const Revision& revision) override;
  // The attribution part lives in sqlite_attribution.cc.
  Result<std::vector<ChangeEntry>> changes(const ChangeQuery& query) override;
  Status update_changes(const std::vector<ChangeEntry>& entries) override;
  Result<std::vector<std::string>> add_events(const std::vector<StoredEvent>& events) override;
  Result<std::vector<StoredEvent>> events(const Scope& scope, Timestamp from,
                                          Timestamp to) override;
  Result<std::vector<StoredEvent>> events_by_id(const std::vector<std::string>& ids) override;
  // The outbox part lives in sqlite_outbox.cc.
  Status report_changes(const std::vector<ChangeEntry>& reported,
                        const std::vector<Alert>& alerts) override;
  Status queue_alerts(const std::vector<Alert>& alerts) override;
  Result<std::vector<OutboxEntry>> outbox(const OutboxQuery& query) override;
  Result<std::vector<OutboxBacklog>> outbox_backlog() override;
  Status record_deliveries(const std::vector<DeliveryRecord>& records) override;
  Result<std::optional<KnownCaller>> caller_identity(const std::string& access_key_id) override;
  Status remember_caller_identity(const std::string& access_key_id,
                                  const KnownCaller& identity, Timestamp now) override;
  Result<bool> sns_message_handled(const std::string& message_id) override;
  Status remember_sns_message(const std::string& message_id, const std::string& topic_arn,
                              Timestamp now) override;
  Result<std::optional<int64_t>> config_state(const GroupId& group) override;
  Result<int> count_scope_cycle(const Scope& scope, bool failed) override;
  Status remember_config_state(const GroupId& group, int64_t state_id,
                               Timestamp captured_at) override;
  // The retention part lives in sqlite_retention.cc. After the prune, a quarter or more
  // of the file free: VACUUM rewrites it (into incremental auto-vacuum, for a store from
  // before retention); less: a store with incremental auto-vacuum (every store created
  // since retention) hands its free pages back.
  Result<PruneCounts> prune(const RetentionPolicy& policy, Timestamp now) override;
  // What prune() would remove, without removing it: the same transaction, rolled back.
  // Needs the writer too (the deletions are tried).
  Result<PruneCounts> preview_prune(const RetentionPolicy& policy, Timestamp now);

 private:
  SqliteStore(std::string path, sqlite3* db, std::optional<StoreLock> lock);
  Status require_writer(std::string_view what) const;
  // Inside commit()'s transaction: the changes of one cycle, after its revisions.
  Status insert_changes(const CycleWrite& cycle, Timestamp since,
                        const std::vector<std::pair<GroupId, int64_t>>& revisions);
  // Inside a transaction: update_changes() and queue_alerts() without their own.
  Status write_changes(const std::vector<ChangeEntry>& entries);
  Status insert_alerts(const std::vector<Alert>& alerts);
  // Inside prune()'s transaction: every deletion, counted.
  Result<PruneCounts> delete_expired(const RetentionPolicy& policy, Timestamp now);
  Status give_back_space(PruneCounts& counts);

  std::string path_;
  // Declared before db_ so that it is released after the connection is closed.
  std::optional<StoreLock> lock_;
  sqlite3* db_;
};

}  // namespace sgwatch
