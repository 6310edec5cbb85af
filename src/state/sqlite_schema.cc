#include "state/sqlite_schema.h"

#include <iterator>
#include <string>

#include <fmt/format.h>

#include "state/sqlite_db.h"

namespace sgwatch {

using namespace sqlite;

namespace {

// Each step moves the schema one version up; step i leaves the file at user_version i + 1.
// Steps are only ever appended: a released step never changes.
constexpr const char* kMigrations[] = {
    // 1: revisions, learned rule ids, the last snapshot of each scope.
    R"sql(
      CREATE TABLE revisions (
        number       INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after pruning
        account      TEXT NOT NULL,
        region       TEXT NOT NULL,
        group_id     TEXT NOT NULL,
        observed_at  INTEGER NOT NULL,  -- milliseconds since the Unix epoch, UTC
        content      TEXT,              -- canonical JSON without rule ids; NULL: deleted
        content_hash TEXT,              -- content_hash(content); NULL when deleted
        CHECK ((content IS NULL) = (content_hash IS NULL))
      );
      -- Every index ends with the rowid (number), so these also order ties by number.
      CREATE INDEX revisions_by_group_time ON revisions (group_id, observed_at);
      CREATE INDEX revisions_by_scope_group ON revisions (account, region, group_id);

      CREATE TABLE rule_ids (
        account    TEXT NOT NULL,
        region     TEXT NOT NULL,
        group_id   TEXT NOT NULL,
        rule_key   TEXT NOT NULL,     -- Rule::key_string()
        rule_id    TEXT NOT NULL,
        learned_at INTEGER NOT NULL,  -- observed_at of the cycle that last reported it
        PRIMARY KEY (account, region, group_id, rule_key)
      ) WITHOUT ROWID;

      -- Only the latest snapshot per scope: a row per cycle would grow by the poll rate
      -- times the number of scopes, for nothing that reads it.
      CREATE TABLE snapshots (
        account     TEXT NOT NULL,
        region      TEXT NOT NULL,
        observed_at INTEGER NOT NULL,
        partial     INTEGER NOT NULL CHECK (partial IN (0, 1)),
        groups_seen INTEGER NOT NULL CHECK (groups_seen >= 0),
        PRIMARY KEY (account, region)
      ) WITHOUT ROWID;
    )sql",
    // 2: whose credentials are whose, so that a quiet `once` makes no STS call.
    R"sql(
      CREATE TABLE caller_identities (
        access_key_id TEXT PRIMARY KEY,
        account       TEXT NOT NULL,
        arn           TEXT NOT NULL,
        learned_at    INTEGER NOT NULL
      ) WITHOUT ROWID;
    )sql",
    // 3: current_hashes() from the index alone. content_hash follows content in the row,
    // so reading it from the table walks through every group's content.
    R"sql(
      CREATE INDEX revisions_current_hash ON revisions (account, region, group_id, number,
                                                        content_hash);
    )sql",
    // 4: attribution: every change found after a scope's baseline, and the CloudTrail
    // records of security-group calls that explain changes or are attempts.
    R"sql(
      CREATE TABLE changes (
        revision    INTEGER PRIMARY KEY REFERENCES revisions (number),
        account     TEXT NOT NULL,
        region      TEXT NOT NULL,
        group_id    TEXT NOT NULL,
        since       INTEGER NOT NULL,  -- the scope's previous observation (ms)
        observed_at INTEGER NOT NULL,
        state       TEXT CHECK (state IN ('pending', 'attributed', 'unattributed')),
        event_ids   TEXT NOT NULL DEFAULT '',  -- space-separated, oldest call first
        lookups     INTEGER NOT NULL DEFAULT 0,
        -- the state last reported; '' for a change without state; NULL: never reported
        reported    TEXT CHECK (reported IN ('', 'pending', 'attributed', 'unattributed'))
      );
      CREATE INDEX changes_by_time ON changes (observed_at);
      CREATE INDEX changes_by_group ON changes (group_id, observed_at);
      CREATE INDEX changes_unsettled ON changes (account, region)
          WHERE state = 'pending' OR coalesce(state, '') IS NOT reported;

      CREATE TABLE trail_events (
        event_id   TEXT PRIMARY KEY,
        account    TEXT NOT NULL,
        region     TEXT NOT NULL,
        event_time INTEGER NOT NULL,
        event_name TEXT NOT NULL,
        failed     INTEGER NOT NULL CHECK (failed IN (0, 1)),
        group_ids  TEXT NOT NULL,  -- space-separated
        record     TEXT NOT NULL   -- the CloudTrail record, as JSON
      ) WITHOUT ROWID;
      CREATE INDEX trail_events_by_scope_time ON trail_events (account, region, event_time);
    )sql",
    // 5: the outbox: one row per alert item (a change, an attempt, a baseline) and
    // destination, written before anything is sent and kept with its delivery's outcome.
    R"sql(
      CREATE TABLE alerts (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- queueing order
        id              TEXT NOT NULL UNIQUE,               -- alert_id(): deterministic
        destination     TEXT NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('change', 'attempt', 'baseline')),
        account         TEXT NOT NULL,
        region          TEXT NOT NULL,
        group_id        TEXT NOT NULL,                      -- '' for a baseline
        revisions       TEXT NOT NULL DEFAULT '',           -- space-separated
        events          TEXT NOT NULL DEFAULT '',           -- space-separated
        severity        TEXT,
        recipients      TEXT NOT NULL DEFAULT '',           -- space-separated addresses
        body            TEXT NOT NULL,                      -- the item's JSON document
        created_at      INTEGER NOT NULL,
        deliver_after   INTEGER NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error      TEXT NOT NULL DEFAULT '',
        delivered_at    INTEGER
      );
      CREATE INDEX alerts_pending ON alerts (destination, seq) WHERE state = 'pending';
      CREATE INDEX alerts_by_state ON alerts (state, seq);
    )sql",
    // 6: event-driven intake: SNS message ids handled (SNS may deliver one twice), and the
    // newest AWS Config item state taken in per group.
    R"sql(
      CREATE TABLE sns_messages (
        message_id  TEXT PRIMARY KEY,
        topic_arn   TEXT NOT NULL,
        received_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sns_messages_by_time ON sns_messages (received_at);
      CREATE TABLE config_states (
        group_id    TEXT PRIMARY KEY,
        state_id    INTEGER NOT NULL,
        captured_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    )sql",
    // 7: self-alerts. Each scope's failed cycles in a row (a row only while it fails), and
    // health alerts in the outbox: SQLite cannot change a CHECK constraint in place, so the
    // table is rebuilt, rows, queueing order and indexes kept.
    R"sql(
      CREATE TABLE scope_failures (
        account  TEXT NOT NULL,
        region   TEXT NOT NULL,
        failures INTEGER NOT NULL,
        PRIMARY KEY (account, region)
      ) WITHOUT ROWID;
      CREATE TABLE alerts_new (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        id              TEXT NOT NULL UNIQUE,
        destination     TEXT NOT NULL,
        kind            TEXT NOT NULL
                        CHECK (kind IN ('change', 'attempt', 'baseline', 'health')),
        account         TEXT NOT NULL,
        region          TEXT NOT NULL,
        group_id        TEXT NOT NULL,                      -- '' for a baseline, a health alert
        revisions       TEXT NOT NULL DEFAULT '',
        events          TEXT NOT NULL DEFAULT '',
        severity        TEXT,
        recipients      TEXT NOT NULL DEFAULT '',
        body            TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        deliver_after   INTEGER NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error      TEXT NOT NULL DEFAULT '',
        delivered_at    INTEGER
      );
      INSERT INTO alerts_new SELECT * FROM alerts;
      -- The old table's sequence goes on, so numbers of pruned rows are not handed out again.
      DELETE FROM sqlite_sequence WHERE name = 'alerts_new';
      UPDATE sqlite_sequence SET name = 'alerts_new' WHERE name = 'alerts';
      DROP TABLE alerts;
      ALTER TABLE alerts_new RENAME TO alerts;
      CREATE INDEX alerts_pending ON alerts (destination, seq) WHERE state = 'pending';
      CREATE INDEX alerts_by_state ON alerts (state, seq);
    )sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

}  // namespace

int store_schema_version() { return kSchemaVersion; }

Result<StoredSchema> stored_schema(sqlite3* db, const std::string& path) {
  auto app = query_int(db, path, "PRAGMA application_id");
  if (!app) return tl::unexpected(app.error());
  auto version = query_int(db, path, "PRAGMA user_version");
  if (!version) return tl::unexpected(version.error());
  auto objects = query_int(db, path, "SELECT count(*) FROM sqlite_master");
  if (!objects) return tl::unexpected(objects.error());

  if (*app == kStoreApplicationId) {
    if (*version > kSchemaVersion) {
      return fail(ErrorCode::kIncompatible,
                  fmt::format("the sgwatch store '{}' was created by a newer sgwatch (schema "
                              "{}; this build knows up to {}); run that version instead",
                              path, *version, kSchemaVersion));
    }
    return StoredSchema{true, static_cast<int>(*version)};
  }
  if (*app != 0) {
    return fail(ErrorCode::kIncompatible,
                fmt::format("'{}' is an SQLite database of another application "
                            "(application_id 0x{:08x}), not an sgwatch store; sgwatch will "
                            "not touch it (choose another store path)",
                            path, static_cast<uint32_t>(*app)));
  }
  if (*objects > 0) {
    return fail(ErrorCode::kIncompatible,
                "'" + path +
                    "' is an SQLite database that sgwatch did not create (it has tables "
                    "but no sgwatch application id); sgwatch will not touch it (choose "
                    "another store path)");
  }
  return StoredSchema{};
}

Status migrate(sqlite3* db, const std::string& path, int from, std::optional<int> to) {
  for (int version = from; version < to.value_or(kSchemaVersion); ++version) {
    auto tx = Transaction::begin(db, path);
    if (!tx) return tl::unexpected(tx.error());
    // The pragmas take only literals; both values are this build's constants.
    std::string sql = std::string(kMigrations[version]) +
                      fmt::format("; PRAGMA application_id = {}; PRAGMA user_version = {};",
                                  kStoreApplicationId, version + 1);
    auto what = fmt::format("upgrading the schema to version {}", version + 1);
    if (auto applied = exec(db, path, sql, what); !applied) return applied;
    if (auto done = tx->commit(); !done) return done;
  }
  return {};
}

}  // namespace sgwatch
