// SqliteStore's retention part: prune() deletes what the policy lets go, in one
// transaction, and then hands the freed pages back to the file system.
//
// Revisions go per group as a prefix: everything before the revision that was current at
// the policy's horizon (so `show --at` still answers for any time inside it), and never the
// latest. A revision that a pending change or alert names keeps the one before it too,
// since its diff is read against that. The change of the oldest revision left goes when the
// revision before it does: without it the change would read as the group's creation.
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>

#include <fmt/format.h>

#include "state/sqlite_columns.h"
#include "state/sqlite_store.h"

namespace sgwatch {

using namespace sqlite;

namespace {

// A change still in play: waiting for attribution, or not reported in its current state.
#define SGWATCH_UNSETTLED(c) \
  "(" c "state = 'pending' OR coalesce(" c "state, '') IS NOT " c "reported)"

// How far before an unsettled change's window its scope's events stay: the attributor reads
// from `since` less the clock skew it allows, which is minutes.
constexpr std::chrono::milliseconds kWindowMargin = Days(1);

// Runs a statement that returns no rows, binding `params` as ?1, ?2, ...; returns how many
// rows it changed.
Result<int64_t> run_counted(sqlite3* db, const std::string& path, const std::string& sql,
                            const char* what, std::initializer_list<int64_t> params = {}) {
  auto stmt = Statement::prepare(db, path, sql, what);
  if (!stmt) return tl::unexpected(stmt.error());
  int index = 1;
  for (int64_t param : params) stmt->bind_int(index++, param);
  if (auto ran = stmt->run(); !ran) return tl::unexpected(ran.error());
  return static_cast<int64_t>(sqlite3_changes(db));
}

Status run_plain(sqlite3* db, const std::string& path, const std::string& sql, const char* what,
                 std::initializer_list<int64_t> params = {}) {
  auto ran = run_counted(db, path, sql, what, params);
  if (!ran) return tl::unexpected(ran.error());
  return {};
}

// Inserts each space-separated word of the first column of `select`'s rows with `insert`
// (one parameter). The lists are short: pending alerts and unsettled changes only.
Status insert_words(sqlite3* db, const std::string& path, const char* select,
                    const char* insert_sql, bool numbers) {
  auto rows = Statement::prepare(db, path, select, "reading what a prune must keep");
  if (!rows) return tl::unexpected(rows.error());
  auto insert = Statement::prepare(db, path, insert_sql, "noting what a prune must keep");
  if (!insert) return tl::unexpected(insert.error());
  for (;;) {
    auto row = rows->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
    for (const std::string& word : split(rows->text(0).value_or(""))) {
      if (numbers) {
        int64_t number = 0;
        auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), number);
        if (error != std::errc() || end != word.data() + word.size()) continue;
        insert->bind_int(1, number);
      } else {
        insert->bind_text(1, word);
      }
      if (auto ran = insert->run(); !ran) return ran;
    }
  }
}

Result<int64_t> file_bytes(sqlite3* db, const std::string& path) {
  auto pages = query_int(db, path, "PRAGMA page_count");
  if (!pages) return pages;
  auto size = query_int(db, path, "PRAGMA page_size");
  if (!size) return size;
  return *pages * *size;
}

Status check_policy(const RetentionPolicy& policy) {
  for (const auto& age : {policy.revisions, policy.events, policy.delivered_alerts,
                          policy.snapshots}) {
    if (age && *age < kShortestRetention) {
      return invalid("a retention age under a day would remove what sgwatch still reads");
    }
  }
  return {};
}

// The same group in two tables' columns (account, region, group_id).
#define SGWATCH_SAME_GROUP(a, b)                                                  \
  a ".account = " b ".account AND " a ".region = " b ".region AND " a ".group_id = " \
  b ".group_id"

}  // namespace

Result<PruneCounts> SqliteStore::delete_expired(const RetentionPolicy& policy, Timestamp now) {
  PruneCounts counts;
  // Temporary tables live in the connection's own temp schema; a rollback empties them.
  if (auto made = exec(db_, path_,
                       "CREATE TEMP TABLE IF NOT EXISTS prune_protected "
                       "(number INTEGER PRIMARY KEY); "
                       "CREATE TEMP TABLE IF NOT EXISTS prune_events (event_id TEXT PRIMARY KEY); "
                       "CREATE TEMP TABLE IF NOT EXISTS prune_keep (account TEXT, region TEXT, "
                       "group_id TEXT, first INTEGER, keep_from INTEGER, latest INTEGER, "
                       "PRIMARY KEY (account, region, group_id)); "
                       "DELETE FROM prune_protected; DELETE FROM prune_events; "
                       "DELETE FROM prune_keep;",
                       "preparing a prune");
      !made) {
    return tl::unexpected(made.error());
  }

  if (policy.revisions) {
    const int64_t horizon = to_ms(now - *policy.revisions);
    if (auto noted = run_plain(db_, path_,
                               "INSERT OR IGNORE INTO prune_protected SELECT revision FROM changes "
                               "WHERE " SGWATCH_UNSETTLED(""),
                               "noting the revisions of unsettled changes");
        !noted) {
      return tl::unexpected(noted.error());
    }
    if (auto noted = insert_words(db_, path_,
                                  "SELECT revisions FROM alerts WHERE state = 'pending'",
                                  "INSERT OR IGNORE INTO prune_protected VALUES (?1)", true);
        !noted) {
      return tl::unexpected(noted.error());
    }
    // Per group: keep from the revision current at the horizon (the first one when all
    // are younger).
    if (auto planned = run_plain(
            db_, path_,
            "INSERT INTO prune_keep (account, region, group_id, first, keep_from, latest) "
            "SELECT account, region, group_id, min(number), coalesce(max(CASE WHEN "
            "observed_at <= ?1 THEN number END), min(number)), max(number) FROM revisions "
            "GROUP BY account, region, group_id",
            "planning which revisions go", {horizon});
        !planned) {
      return tl::unexpected(planned.error());
    }
    // A group deleted before the horizon goes whole: no cycle diffs against a deletion.
    if (auto planned = run_plain(
            db_, path_,
            "UPDATE prune_keep SET keep_from = latest + 1 WHERE EXISTS (SELECT 1 FROM "
            "revisions r WHERE r.number = prune_keep.latest AND r.content IS NULL AND "
            "r.observed_at < ?1)",
            "planning which deleted groups go", {horizon});
        !planned) {
      return tl::unexpected(planned.error());
    }
    // A protected revision keeps itself and the one before it.
    if (auto planned = run_plain(
            db_, path_,
            "UPDATE prune_keep SET keep_from = min(keep_from, coalesce((SELECT "
            "min(coalesce((SELECT max(b.number) FROM revisions b WHERE " SGWATCH_SAME_GROUP(
                "b", "x") " AND b.number < x.number), x.number)) FROM prune_protected p "
            "JOIN revisions x ON x.number = p.number WHERE " SGWATCH_SAME_GROUP(
                "x", "prune_keep") "), keep_from))",
            "keeping what pending changes and alerts need");
        !planned) {
      return tl::unexpected(planned.error());
    }
    auto changes = run_counted(
        db_, path_,
        "DELETE FROM changes WHERE revision IN (SELECT r.number FROM prune_keep k JOIN "
        "revisions r ON " SGWATCH_SAME_GROUP("r", "k") " WHERE k.first < k.keep_from AND "
        "r.number <= k.keep_from)",
        "pruning changes");
    if (!changes) return tl::unexpected(changes.error());
    counts.changes = *changes;
    auto revisions = run_counted(
        db_, path_,
        "DELETE FROM revisions WHERE number IN (SELECT r.number FROM prune_keep k JOIN "
        "revisions r ON " SGWATCH_SAME_GROUP("r", "k") " WHERE r.number < k.keep_from)",
        "pruning revisions");
    if (!revisions) return tl::unexpected(revisions.error());
    counts.revisions = *revisions;
    // Rule ids outlive removed rules (to attribute the removal), but not their group.
    auto rule_ids = run_counted(
        db_, path_,
        "DELETE FROM rule_ids WHERE NOT EXISTS (SELECT 1 FROM revisions r WHERE "
        SGWATCH_SAME_GROUP("r", "rule_ids") ")",
        "pruning the rule ids of groups gone");
    if (!rule_ids) return tl::unexpected(rule_ids.error());
    counts.rule_ids = *rule_ids;
  }

  if (policy.events) {
    const int64_t horizon = to_ms(now - *policy.events);
    for (const char* select : {"SELECT event_ids FROM changes WHERE " SGWATCH_UNSETTLED(""),
                               "SELECT events FROM alerts WHERE state = 'pending'"}) {
      if (auto noted = insert_words(db_, path_, select,
                                    "INSERT OR IGNORE INTO prune_events VALUES (?1)", false);
          !noted) {
        return tl::unexpected(noted.error());
      }
    }
    auto events = run_counted(
        db_, path_,
        "DELETE FROM trail_events WHERE event_time < ?1 AND event_id NOT IN (SELECT event_id "
        "FROM prune_events) AND NOT EXISTS (SELECT 1 FROM changes c WHERE " SGWATCH_UNSETTLED(
            "c.") " AND c.account = trail_events.account AND c.region = trail_events.region "
        "AND trail_events.event_time >= c.since - ?2)",
        "pruning trail events", {horizon, kWindowMargin.count()});
    if (!events) return tl::unexpected(events.error());
    counts.events = *events;
    // SNS redelivers for up to kSnsMessageMemory; forgetting an id sooner would take a
    // message in twice.
    const auto sns_age = std::max<std::chrono::milliseconds>(*policy.events, kSnsMessageMemory);
    auto sns = run_counted(db_, path_, "DELETE FROM sns_messages WHERE received_at < ?1",
                           "pruning SNS message ids", {to_ms(now - sns_age)});
    if (!sns) return tl::unexpected(sns.error());
    counts.sns_messages = *sns;
    // A group's newest Config state stops late items of older states; it goes only with
    // the group's last revision.
    auto states = run_counted(
        db_, path_,
        "DELETE FROM config_states WHERE captured_at < ?1 AND NOT EXISTS (SELECT 1 FROM "
        "revisions r WHERE r.group_id = config_states.group_id)",
        "pruning Config item states", {horizon});
    if (!states) return tl::unexpected(states.error());
    counts.config_states = *states;
  }

  if (policy.delivered_alerts) {
    // A given-up alert ages from its last attempt, a delivered one from its delivery.
    auto alerts = run_counted(
        db_, path_,
        "DELETE FROM alerts WHERE state <> 'pending' AND (CASE WHEN state = 'delivered' THEN "
        "coalesce(delivered_at, created_at) ELSE max(created_at, next_attempt_at) END) < ?1",
        "pruning delivered alerts", {to_ms(now - *policy.delivered_alerts)});
    if (!alerts) return tl::unexpected(alerts.error());
    counts.alerts = *alerts;
  }

  if (policy.snapshots) {
    // A scope with unsettled changes keeps its record: attribution works through scopes().
    auto snapshots = run_counted(
        db_, path_,
        "DELETE FROM snapshots WHERE observed_at < ?1 AND NOT EXISTS (SELECT 1 FROM changes c "
        "WHERE " SGWATCH_UNSETTLED("c.") " AND c.account = snapshots.account AND "
        "c.region = snapshots.region)",
        "pruning snapshot records", {to_ms(now - *policy.snapshots)});
    if (!snapshots) return tl::unexpected(snapshots.error());
    counts.snapshots = *snapshots;
  }
  return counts;
}

Status SqliteStore::give_back_space(PruneCounts& counts) {
  auto free_pages = query_int(db_, path_, "PRAGMA freelist_count");
  if (!free_pages) return tl::unexpected(free_pages.error());
  auto pages = query_int(db_, path_, "PRAGMA page_count");
  if (!pages) return tl::unexpected(pages.error());
  auto mode = query_int(db_, path_, "PRAGMA auto_vacuum");
  if (!mode) return tl::unexpected(mode.error());
  constexpr int64_t kIncremental = 2;
  // Measured (bench/retention_bench.cc, a year of 1,000 groups pruned to 90 days, 620 MB to
  // 150 MB): moving pages one by one took twice as long as rewriting the file whole. So a
  // prune that frees a quarter or more of the file rewrites it (VACUUM: as much free disk
  // again, the write lock meanwhile), which also moves a store from before retention to
  // incremental vacuum; a daily prune, which frees little, only moves the tail's pages.
  if (*free_pages > 0 && *free_pages * 4 >= *pages) {
    if (auto done = exec(db_, path_, "PRAGMA auto_vacuum = INCREMENTAL; VACUUM",
                         "rewriting the store (VACUUM)");
        !done) {
      return done;
    }
    counts.vacuumed = true;
  } else if (*free_pages > 0 && *mode == kIncremental) {
    if (auto done = exec(db_, path_, "PRAGMA incremental_vacuum", "returning free pages");
        !done) {
      return done;
    }
  }
  // In WAL mode the file shrinks when the log is written back; readers may delay that,
  // which is no error (the next checkpoint does it).
  if (auto done = exec(db_, path_, "PRAGMA wal_checkpoint(TRUNCATE)", "checkpointing"); !done) {
    return done;
  }
  auto after = file_bytes(db_, path_);
  if (!after) return tl::unexpected(after.error());
  counts.bytes_after = *after;
  return {};
}

Result<PruneCounts> SqliteStore::prune(const RetentionPolicy& policy, Timestamp now) {
  if (auto writer = require_writer("prune"); !writer) return tl::unexpected(writer.error());
  if (auto checked = check_policy(policy); !checked) return tl::unexpected(checked.error());
  auto before = file_bytes(db_, path_);
  if (!before) return tl::unexpected(before.error());
  auto tx = Transaction::begin(db_, path_);
  if (!tx) return tl::unexpected(tx.error());
  auto counts = delete_expired(policy, now);
  if (!counts) return counts;
  if (auto done = tx->commit(); !done) return tl::unexpected(done.error());
  counts->bytes_before = *before;
  if (auto given = give_back_space(*counts); !given) return tl::unexpected(given.error());
  return counts;
}

Result<PruneCounts> SqliteStore::preview_prune(const RetentionPolicy& policy, Timestamp now) {
  if (auto writer = require_writer("prune"); !writer) return tl::unexpected(writer.error());
  if (auto checked = check_policy(policy); !checked) return tl::unexpected(checked.error());
  auto before = file_bytes(db_, path_);
  if (!before) return tl::unexpected(before.error());
  auto tx = Transaction::begin(db_, path_);
  if (!tx) return tl::unexpected(tx.error());
  auto counts = delete_expired(policy, now);
  if (!counts) return counts;
  counts->bytes_before = counts->bytes_after = *before;
  return counts;  // the transaction rolls back as it goes
}

}  // namespace sgwatch

#undef SGWATCH_UNSETTLED
#undef SGWATCH_SAME_GROUP
