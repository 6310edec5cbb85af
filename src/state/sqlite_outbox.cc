// SqliteStore's outbox part: the alerts table, one row per alert item and destination,
// written before the first send and updated after each.
#include <sqlite3.h>

#include <charconv>

#include <fmt/format.h>

#include "state/sqlite_columns.h"
#include "state/sqlite_store.h"

namespace sgwatch {

using namespace sqlite;

namespace {

std::vector<std::string> revision_words(const std::vector<int64_t>& revisions) {
  std::vector<std::string> words;
  for (int64_t revision : revisions) words.push_back(std::to_string(revision));
  return words;
}

constexpr char kAlertColumns[] =
    "SELECT id, destination, kind, account, region, group_id, revisions, events, severity, "
    "recipients, body, created_at, deliver_after, state, attempts, next_attempt_at, "
    "last_error, delivered_at FROM alerts ";

Result<OutboxEntry> decode_alert(const Statement& row, const std::string& path) {
  auto corrupt = [&](const std::string& what) {
    return fail(ErrorCode::kIo, fmt::format("{}: alert '{}': {}", where(path),
                                            row.text(0).value_or(""), what));
  };
  auto scope = read_scope(row, 3, path);
  if (!scope) return tl::unexpected(scope.error());
  auto kind = alert_kind_from(row.text(2).value_or(""));
  if (!kind) return corrupt("unknown kind");
  OutboxEntry entry{.alert = {.id = row.text(0).value_or(""),
                              .destination = row.text(1).value_or(""),
                              .kind = *kind,
                              .scope = std::move(*scope)}};
  Alert& alert = entry.alert;
  if (auto group = row.text(5); group && !group->empty()) {
    auto id = GroupId::parse(*group);
    if (!id) return corrupt(id.error().message);
    alert.group = std::move(*id);
  }
  for (const std::string& word : split(row.text(6).value_or(""))) {
    int64_t revision = 0;
    auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), revision);
    if (error != std::errc() || end != word.data() + word.size()) return corrupt("bad revision");
    alert.revisions.push_back(revision);
  }
  alert.events = split(row.text(7).value_or(""));
  if (auto severity = row.text(8)) {
    auto parsed = parse_severity(*severity);
    if (!parsed) return corrupt(parsed.error().message);
    alert.severity = *parsed;
  }
  alert.recipients = split(row.text(9).value_or(""));
  alert.body = row.text(10).value_or("");
  alert.created_at = from_ms(row.int64(11));
  alert.deliver_after = from_ms(row.int64(12));
  auto state = alert_state_from(row.text(13).value_or(""));
  if (!state) return corrupt("unknown state");
  entry.state = *state;
  entry.attempts = static_cast<int>(row.int64(14));
  entry.next_attempt_at = from_ms(row.int64(15));
  entry.last_error = row.text(16).value_or("");
  if (row.text(17)) entry.delivered_at = from_ms(row.int64(17));
  return entry;
}

}  // namespace

Status SqliteStore::insert_alerts(const std::vector<Alert>& alerts) {
  auto insert = Statement::prepare(
      db_, path_,
      "INSERT OR IGNORE INTO alerts (id, destination, kind, account, region, group_id, "
      "revisions, events, severity, recipients, body, created_at, deliver_after, state, "
      "next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
      "'pending', ?13)",
      "queueing an alert");
  if (!insert) return tl::unexpected(insert.error());
  for (const Alert& alert : alerts) {
    insert->bind_text(1, alert.id).bind_text(2, alert.destination);
    insert->bind_text(3, to_string(alert.kind)).bind_text(4, alert.scope.account.str());
    insert->bind_text(5, alert.scope.region.str()).bind_text(6, alert.group ? alert.group->str() : "");
    insert->bind_text(7, joined(revision_words(alert.revisions)));
    insert->bind_text(8, joined(alert.events));
    if (alert.severity) {
      insert->bind_text(9, to_string(*alert.severity));
    } else {
      insert->bind_null(9);
    }
    insert->bind_text(10, joined(alert.recipients)).bind_text(11, alert.body);
    insert->bind_int(12, to_ms(alert.created_at)).bind_int(13, to_ms(alert.deliver_after));
    if (auto ran = insert->run(); !ran) return ran;
  }
  return {};
}

Status SqliteStore::report_changes(const std::vector<ChangeEntry>& reported,
                                   const std::vector<Alert>& alerts) {
  if (auto writer = require_writer("report changes"); !writer) return writer;
  auto tx = Transaction::begin(db_, path_);
  if (!tx) return tl::unexpected(tx.error());
  if (auto written = write_changes(reported); !written) return written;
  if (auto queued = insert_alerts(alerts); !queued) return queued;
  return tx->commit();
}

Status SqliteStore::queue_alerts(const std::vector<Alert>& alerts) {
  return report_changes({}, alerts);
}

Result<std::vector<OutboxEntry>> SqliteStore::outbox(const OutboxQuery& query) {
  std::string states;
  for (AlertState state : query.states) {
    states += (states.empty() ? "'" : ", '") + to_string(state) + "'";
  }
  // The states are this build's own words, so they can be spelled into the SQL.
  std::string sql = std::string(kAlertColumns) +
                    "WHERE (?1 IS NULL OR destination = ?1) AND (?2 IS NULL OR id = ?2) ";
  if (!states.empty()) sql += "AND state IN (" + states + ") ";
  sql += "ORDER BY seq LIMIT ?3";
  auto stmt = Statement::prepare(db_, path_, sql, "listing alerts");
  if (!stmt) return tl::unexpected(stmt.error());
  if (query.destination) stmt->bind_text(1, *query.destination);
  if (query.id) stmt->bind_text(2, *query.id);
  stmt->bind_int(3, query.limit == 0 ? -1 : static_cast<int64_t>(query.limit));
  return collect_rows<OutboxEntry>(*stmt, path_, decode_alert);
}

Result<std::vector<OutboxBacklog>> SqliteStore::outbox_backlog() {
  // Only pending rows are visited, through their partial index; no alert body is parsed.
  auto stmt = Statement::prepare(db_, path_,
                                 "SELECT destination, COUNT(*), MIN(created_at) FROM alerts "
                                 "WHERE state = 'pending' GROUP BY destination ORDER BY destination",
                                 "counting pending alerts");
  if (!stmt) return tl::unexpected(stmt.error());
  return collect_rows<OutboxBacklog>(
      *stmt, path_, [](const Statement& row, const std::string&) -> Result<OutboxBacklog> {
        return OutboxBacklog{.destination = row.text(0).value_or(""),
                             .pending = static_cast<size_t>(row.int64(1)),
                             .oldest_created_at = from_ms(row.int64(2))};
      });
}

Status SqliteStore::record_deliveries(const std::vector<DeliveryRecord>& records) {
  if (auto writer = require_writer("record deliveries"); !writer) return writer;
  auto tx = Transaction::begin(db_, path_);
  if (!tx) return tl::unexpected(tx.error());
  auto update = Statement::prepare(
      db_, path_,
      "UPDATE alerts SET state = ?2, attempts = ?3, next_attempt_at = ?4, last_error = ?5, "
      "delivered_at = ?6 WHERE id = ?1",
      "recording a delivery");
  if (!update) return tl::unexpected(update.error());
  for (const DeliveryRecord& record : records) {
    update->bind_text(1, record.id).bind_text(2, to_string(record.state));
    update->bind_int(3, record.attempts).bind_int(4, to_ms(record.next_attempt_at));
    update->bind_text(5, record.last_error);
    if (record.delivered_at) {
      update->bind_int(6, to_ms(*record.delivered_at));
    } else {
      update->bind_null(6);
    }
    if (auto ran = update->run(); !ran) return ran;
    if (sqlite3_changes(db_) != 1) {
      return fail(ErrorCode::kNotFound,
                  fmt::format("{}: there is no alert '{}'", where(path_), record.id));
    }
  }
  return tx->commit();
}

}  // namespace sgwatch
