// The SQLite C API in RAII form for the store: an owned connection, prepared
// statements with bound parameters, and transactions that roll back unless committed.
// Errors name the store's path and what was being done.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace sgwatch::sqlite {

// Times are stored as milliseconds since the Unix epoch, UTC.
inline int64_t to_ms(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp from_ms(int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }

inline ErrorCode code_for(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? ErrorCode::kBusy : ErrorCode::kIo;
}

inline std::string where(const std::string& path) { return "sgwatch store '" + path + "'"; }

inline Error db_error(sqlite3* db, const std::string& path, std::string_view what) {
  return Error{code_for(sqlite3_extended_errcode(db)),
               where(path) + ": " + std::string(what) + ": " + sqlite3_errmsg(db)};
}

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;

// A prepared statement with bound parameters. A bind failure is kept and reported by
// the next step(), so call sites bind in a chain and check once.
class Statement {
 public:
  // `what` names the purpose in errors, as in "reading revisions".
  static Result<Statement> prepare(sqlite3* db, const std::string& path, std::string_view sql,
                                   const char* what) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
        SQLITE_OK) {
      sqlite3_finalize(stmt);
      return tl::unexpected(db_error(db, path, what));
    }
    return Statement(db, path, stmt, what);
  }

  Statement(Statement&& other) noexcept
      : db_(other.db_),
        path_(other.path_),
        stmt_(std::exchange(other.stmt_, nullptr)),
        what_(other.what_),
        bind_rc_(other.bind_rc_) {}
  Statement& operator=(Statement&&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  Statement& bind_text(int index, std::string_view text) {
    return note(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                                  SQLITE_TRANSIENT));
  }
  Statement& bind_int(int index, int64_t value) {
    return note(sqlite3_bind_int64(stmt_, index, value));
  }
  Statement& bind_null(int index) { return note(sqlite3_bind_null(stmt_, index)); }

  // True when a row is ready, false when the statement is done.
  Result<bool> step() {
    if (bind_rc_ != SQLITE_OK) {
      return fail(ErrorCode::kIo, where(*path_) + ": " + what_ +
                                      ": binding a parameter: " + sqlite3_errstr(bind_rc_));
    }
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return tl::unexpected(db_error(db_, *path_, what_));
  }
  // Runs a statement that returns no rows, then readies it for new bindings.
  Status run() {
    auto stepped = step();
    reset();
    if (!stepped) return tl::unexpected(stepped.error());
    return {};
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    bind_rc_ = SQLITE_OK;
  }

  int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::optional<std::string> text(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    const unsigned char* data = sqlite3_column_text(stmt_, column);
    int size = sqlite3_column_bytes(stmt_, column);
    return std::string(reinterpret_cast<const char*>(data), static_cast<size_t>(size));
  }

 private:
  Statement(sqlite3* db, const std::string& path, sqlite3_stmt* stmt, const char* what)
      : db_(db), path_(&path), stmt_(stmt), what_(what) {}
  Statement& note(int rc) {
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
  }

  sqlite3* db_;
  const std::string* path_;
  sqlite3_stmt* stmt_;
  const char* what_;  // a literal
  int bind_rc_ = SQLITE_OK;
};

inline Status exec(sqlite3* db, const std::string& path, const std::string& sql,
            std::string_view what) {
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string text = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return fail(code_for(rc), where(path) + ": " + std::string(what) + ": " + text);
}

// BEGIN IMMEDIATE takes the write lock up front, so a transaction never fails halfway
// for want of it; anything not committed is rolled back when the object goes away.
// Every row the statement yields, each turned into a T by `decode(stmt, path)`, which
// returns Result<T>; the first row that does not decode fails the whole read.
template <typename T, typename Decode>
Result<std::vector<T>> collect_rows(Statement& stmt, const std::string& path, Decode decode) {
  std::vector<T> out;
  for (;;) {
    auto row = stmt.step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    auto value = decode(stmt, path);
    if (!value) return tl::unexpected(value.error());
    out.push_back(std::move(*value));
  }
}

class Transaction {
 public:
  static Result<Transaction> begin(sqlite3* db, const std::string& path) {
    if (auto begun = exec(db, path, "BEGIN IMMEDIATE", "starting a transaction"); !begun) {
      return tl::unexpected(begun.error());
    }
    return Transaction(db, path);
  }
  Transaction(Transaction&& other) noexcept
      : db_(std::exchange(other.db_, nullptr)), path_(other.path_) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction() {
    if (db_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  Status commit() {
    if (auto done = exec(db_, *path_, "COMMIT", "committing"); !done) return done;
    db_ = nullptr;
    return {};
  }

 private:
  Transaction(sqlite3* db, const std::string& path) : db_(db), path_(&path) {}
  sqlite3* db_;
  const std::string* path_;
};

inline Result<int64_t> query_int(sqlite3* db, const std::string& path, const char* sql) {
  auto stmt = Statement::prepare(db, path, sql, "reading the store's header");
  if (!stmt) return tl::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  return *row ? stmt->int64(0) : 0;
}

}  // namespace sgwatch::sqlite
