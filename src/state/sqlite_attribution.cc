// SqliteStore's attribution part: the changes table (one row per change found after a
// scope's baseline) and the trail_events table (CloudTrail records of security-group
// calls).
#include <sqlite3.h>

#include <fmt/format.h>

#include "state/sqlite_columns.h"
#include "state/sqlite_store.h"

namespace sgwatch {

using namespace sqlite;

namespace {

void bind_state(Statement& stmt, int index, const std::optional<AttributionState>& state) {
  if (state) {
    stmt.bind_text(index, to_string(*state));
  } else {
    stmt.bind_null(index);
  }
}

Result<std::optional<AttributionState>> read_state(const Statement& row, int column,
                                                   const std::string& path) {
  auto text = row.text(column);
  if (!text) return std::nullopt;
  auto state = attribution_state_from(*text);
  if (!state) {
    return fail(ErrorCode::kIo,
                fmt::format("{}: unknown attribution state '{}'", where(path), *text));
  }
  return state;
}

constexpr char kChangeColumns[] =
    "SELECT revision, account, region, group_id, since, observed_at, state, event_ids, "
    "lookups, reported FROM changes ";

Result<ChangeEntry> decode_change(const Statement& row, const std::string& path) {
  auto scope = read_scope(row, 1, path);
  if (!scope) return tl::unexpected(scope.error());
  auto group = GroupId::parse(row.text(3).value_or(""));
  if (!group) return fail(ErrorCode::kIo, where(path) + ": " + group.error().message);
  auto state = read_state(row, 6, path);
  if (!state) return tl::unexpected(state.error());
  ChangeEntry entry{row.int64(0),
                    std::move(*scope),
                    std::move(*group),
                    from_ms(row.int64(4)),
                    from_ms(row.int64(5)),
                    *state,
                    split(row.text(7).value_or("")),
                    static_cast<int>(row.int64(8)),
                    false,
                    std::nullopt};
  if (auto reported = row.text(9)) {
    entry.reported = true;
    if (!reported->empty()) {
      entry.reported_state = attribution_state_from(*reported);
      if (!entry.reported_state) {
        return fail(ErrorCode::kIo, fmt::format("{}: unknown reported state '{}'", where(path),
                                                *reported));
      }
    }
  }
  return entry;
}

constexpr char kEventColumns[] =
    "SELECT event_id, account, region, event_time, event_name, failed, group_ids, record "
    "FROM trail_events ";

Result<StoredEvent> decode_event(const Statement& row, const std::string& path) {
  auto scope = read_scope(row, 1, path);
  if (!scope) return tl::unexpected(scope.error());
  std::vector<GroupId> groups;
  for (const std::string& id : split(row.text(6).value_or(""))) {
    auto group = GroupId::parse(id);
    if (!group) return fail(ErrorCode::kIo, where(path) + ": " + group.error().message);
    groups.push_back(std::move(*group));
  }
  return StoredEvent{row.text(0).value_or(""), std::move(*scope),  from_ms(row.int64(3)),
                     row.text(4).value_or(""), row.int64(5) != 0, std::move(groups),
                     row.text(7).value_or("")};
}

}  // namespace

Status SqliteStore::insert_changes(const CycleWrite& cycle, Timestamp since,
                                   const std::vector<std::pair<GroupId, int64_t>>& revisions) {
  auto insert = Statement::prepare(
      db_, path_,
      "INSERT INTO changes (revision, account, region, group_id, since, observed_at, state) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      "writing a change");
  if (!insert) return tl::unexpected(insert.error());
  const std::optional<AttributionState> state =
      cycle.attribute ? std::optional(AttributionState::kPending) : std::nullopt;
  for (const auto& [group, revision] : revisions) {
    insert->bind_int(1, revision).bind_text(2, cycle.scope.account.str());
    insert->bind_text(3, cycle.scope.region.str()).bind_text(4, group.str());
    insert->bind_int(5, to_ms(since)).bind_int(6, to_ms(cycle.observed_at));
    bind_state(*insert, 7, state);
    if (auto ran = insert->run(); !ran) return ran;
  }
  return {};
}

Result<std::vector<ChangeEntry>> SqliteStore::changes(const ChangeQuery& query) {
  // Every condition is present; an unset one compares with NULL and is skipped.
  auto stmt = Statement::prepare(
      db_, path_,
      std::string(kChangeColumns) +
          "WHERE (?1 IS NULL OR account = ?1) AND (?2 IS NULL OR region = ?2) "
          "AND (?3 IS NULL OR group_id = ?3) AND (?4 IS NULL OR observed_at >= ?4) "
          "AND (?5 IS NULL OR observed_at <= ?5) AND (?6 IS NULL OR state = ?6) "
          "AND (?7 = 0 OR coalesce(state, '') IS NOT reported) "
          "ORDER BY observed_at, revision",
      "listing changes");
  if (!stmt) return tl::unexpected(stmt.error());
  std::optional<std::string> account;
  if (query.scope) account = query.scope->account.str();
  if (query.account) account = query.account->str();
  if (account) stmt->bind_text(1, *account);
  if (query.scope) stmt->bind_text(2, query.scope->region.str());
  if (query.group) stmt->bind_text(3, query.group->str());
  if (query.since) stmt->bind_int(4, to_ms(*query.since));
  if (query.until) stmt->bind_int(5, to_ms(*query.until));
  bind_state(*stmt, 6, query.state);
  stmt->bind_int(7, query.unreported_only ? 1 : 0);
  return collect_rows<ChangeEntry>(*stmt, path_, decode_change);
}

Status SqliteStore::update_changes(const std::vector<ChangeEntry>& entries) {
  if (auto writer = require_writer("update changes"); !writer) return writer;
  auto tx = Transaction::begin(db_, path_);
  if (!tx) return tl::unexpected(tx.error());
  if (auto written = write_changes(entries); !written) return written;
  return tx->commit();
}

Status SqliteStore::write_changes(const std::vector<ChangeEntry>& entries) {
  auto update = Statement::prepare(
      db_, path_,
      "UPDATE changes SET state = ?2, event_ids = ?3, lookups = ?4, reported = ?5 "
      "WHERE revision = ?1",
      "updating a change");
  if (!update) return tl::unexpected(update.error());
  for (const ChangeEntry& entry : entries) {
    update->bind_int(1, entry.revision);
    bind_state(*update, 2, entry.state);
    update->bind_text(3, joined(entry.event_ids)).bind_int(4, entry.lookups);
    if (entry.reported) {
      update->bind_text(5, entry.reported_state ? to_string(*entry.reported_state) : "");
    } else {
      update->bind_null(5);
    }
    if (auto ran = update->run(); !ran) return ran;
    if (sqlite3_changes(db_) != 1) {
      return invalid(fmt::format("{}: there is no change of revision {}", where(path_),
                                 entry.revision));
    }
  }
  return {};
}

Result<std::vector<std::string>> SqliteStore::add_events(const std::vector<StoredEvent>& events) {
  if (auto writer = require_writer("keep trail events"); !writer) {
    return tl::unexpected(writer.error());
  }
  auto tx = Transaction::begin(db_, path_);
  if (!tx) return tl::unexpected(tx.error());
  auto insert = Statement::prepare(
      db_, path_,
      "INSERT OR IGNORE INTO trail_events (event_id, account, region, event_time, event_name, "
      "failed, group_ids, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      "keeping a trail event");
  if (!insert) return tl::unexpected(insert.error());
  std::vector<std::string> added;
  for (const StoredEvent& event : events) {
    std::vector<std::string> groups;
    for (const GroupId& group : event.groups) groups.push_back(group.str());
    insert->bind_text(1, event.event_id).bind_text(2, event.scope.account.str());
    insert->bind_text(3, event.scope.region.str()).bind_int(4, to_ms(event.event_time));
    insert->bind_text(5, event.event_name).bind_int(6, event.failed ? 1 : 0);
    insert->bind_text(7, joined(groups)).bind_text(8, event.record);
    if (auto ran = insert->run(); !ran) return tl::unexpected(ran.error());
    if (sqlite3_changes(db_) == 1) added.push_back(event.event_id);
  }
  if (auto done = tx->commit(); !done) return tl::unexpected(done.error());
  return added;
}

Result<std::vector<StoredEvent>> SqliteStore::events(const Scope& scope, Timestamp from,
                                                     Timestamp to) {
  auto stmt = Statement::prepare(
      db_, path_,
      std::string(kEventColumns) +
          "WHERE account = ?1 AND region = ?2 AND event_time BETWEEN ?3 AND ?4 "
          "ORDER BY event_time, event_id",
      "reading trail events");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind_text(1, scope.account.str()).bind_text(2, scope.region.str());
  stmt->bind_int(3, to_ms(from)).bind_int(4, to_ms(to));
  return collect_rows<StoredEvent>(*stmt, path_, decode_event);
}

Result<std::vector<StoredEvent>> SqliteStore::events_by_id(const std::vector<std::string>& ids) {
  auto stmt = Statement::prepare(db_, path_, std::string(kEventColumns) + "WHERE event_id = ?1",
                                 "reading a trail event");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<StoredEvent> out;
  for (const std::string& id : ids) {
    stmt->bind_text(1, id);
    auto found = collect_rows<StoredEvent>(*stmt, path_, decode_event);
    stmt->reset();
    if (!found) return tl::unexpected(found.error());
    for (StoredEvent& event : *found) out.push_back(std::move(event));
  }
  return out;
}

}  // namespace sgwatch
