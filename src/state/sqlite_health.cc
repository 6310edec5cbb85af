// SqliteStore's part in self-alerts: each scope's failed cycles in a row (see Store).
#include "state/sqlite_columns.h"
#include "state/sqlite_store.h"

namespace sgwatch {

using namespace sqlite;

Result<int> SqliteStore::count_scope_cycle(const Scope& scope, bool failed) {
  if (!lock_) {
    return invalid(where(path_) + " was opened for reading; only the writer may write");
  }
  if (!failed) {
    auto forget = Statement::prepare(
        db_, path_, "DELETE FROM scope_failures WHERE account = ?1 AND region = ?2",
        "forgetting a scope's failures");
    if (!forget) return tl::unexpected(forget.error());
    forget->bind_text(1, scope.account.str()).bind_text(2, scope.region.str());
    if (auto ran = forget->run(); !ran) return tl::unexpected(ran.error());
    return 0;
  }
  auto count = Statement::prepare(
      db_, path_,
      "INSERT INTO scope_failures (account, region, failures) VALUES (?1, ?2, 1) "
      "ON CONFLICT (account, region) DO UPDATE SET failures = failures + 1 "
      "RETURNING failures",
      "counting a scope's failures");
  if (!count) return tl::unexpected(count.error());
  count->bind_text(1, scope.account.str()).bind_text(2, scope.region.str());
  auto row = count->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return fail(ErrorCode::kIo, where(path_) + ": counting a scope's failures gave no row");
  return static_cast<int>(count->int64(0));
}

}  // namespace sgwatch
