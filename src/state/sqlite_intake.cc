// SqliteStore's event-intake part: the SNS message ids handled and the newest AWS Config
// item state per group (see Store).
#include "state/sqlite_columns.h"
#include "state/sqlite_store.h"

namespace sgwatch {

using namespace sqlite;

Result<bool> SqliteStore::sns_message_handled(const std::string& message_id) {
  auto stmt = Statement::prepare(db_, path_,
                                 "SELECT 1 FROM sns_messages WHERE message_id = ?1",
                                 "reading the SNS messages handled");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind_text(1, message_id);
  return stmt->step();
}

Status SqliteStore::remember_sns_message(const std::string& message_id,
                                         const std::string& topic_arn, Timestamp now) {
  if (!lock_) {
    return invalid(where(path_) + " was opened for reading; only the writer may write");
  }
  auto tx = Transaction::begin(db_, path_);
  if (!tx) return tl::unexpected(tx.error());
  auto prune = Statement::prepare(db_, path_, "DELETE FROM sns_messages WHERE received_at < ?1",
                                  "forgetting old SNS messages");
  if (!prune) return tl::unexpected(prune.error());
  prune->bind_int(1, to_ms(now - kSnsMessageMemory));
  if (auto ran = prune->run(); !ran) return ran;
  auto insert = Statement::prepare(
      db_, path_,
      "INSERT OR IGNORE INTO sns_messages (message_id, topic_arn, received_at) "
      "VALUES (?1, ?2, ?3)",
      "remembering an SNS message");
  if (!insert) return tl::unexpected(insert.error());
  insert->bind_text(1, message_id).bind_text(2, topic_arn).bind_int(3, to_ms(now));
  if (auto ran = insert->run(); !ran) return ran;
  return tx->commit();
}

Result<std::optional<int64_t>> SqliteStore::config_state(const GroupId& group) {
  auto stmt = Statement::prepare(db_, path_,
                                 "SELECT state_id FROM config_states WHERE group_id = ?1",
                                 "reading a Config item state");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind_text(1, group.str());
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt->int64(0));
}

Status SqliteStore::remember_config_state(const GroupId& group, int64_t state_id,
                                          Timestamp captured_at) {
  if (!lock_) {
    return invalid(where(path_) + " was opened for reading; only the writer may write");
  }
  // Never moves back: a late item of an older state leaves the newer one in place.
  auto stmt = Statement::prepare(
      db_, path_,
      "INSERT INTO config_states (group_id, state_id, captured_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (group_id) DO UPDATE SET state_id = excluded.state_id, "
      "captured_at = excluded.captured_at WHERE excluded.state_id > config_states.state_id",
      "remembering a Config item state");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind_text(1, group.str()).bind_int(2, state_id).bind_int(3, to_ms(captured_at));
  return stmt->run();
}

}  // namespace sgwatch
