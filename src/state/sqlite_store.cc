#include "state/sqlite_store.h"

#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/group_json.h"
#include "state/sqlite_db.h"
#include "state/sqlite_schema.h"

namespace sgwatch {

namespace {

using namespace sqlite;


// Long enough to ride out the writer's commits, short enough that a stuck process shows.
constexpr int kBusyTimeoutMs = 5000;

constexpr char kRunFirst[] = "(run `sgwatch ingest` or `sgwatch watch` first)";


enum class FileKind { kMissing, kEmpty, kSqlite };

// Looks at `path` before SQLite does: SQLite may write to any file it opens (recovering a
// journal, setting the journal mode), so only a real SQLite file is handed to it.
Result<FileKind> inspect_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return FileKind::kMissing;
    return fail(ErrorCode::kIo, "cannot inspect '" + path + "': " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return fail(ErrorCode::kIncompatible,
                "'" + path + "' is not a regular file, so it cannot be an sgwatch store");
  }
  if (st.st_size == 0) return FileKind::kEmpty;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail(ErrorCode::kIo, "cannot open '" + path + "': " + std::strerror(errno));
  }
  char header[16] = {};
  ssize_t n = ::pread(fd, header, sizeof header, 0);
  ::close(fd);
  static constexpr char kSqliteHeader[16] = "SQLite format 3";  // with its final NUL
  if (n != static_cast<ssize_t>(sizeof header) ||
      std::memcmp(header, kSqliteHeader, sizeof header) != 0) {
    return fail(ErrorCode::kIncompatible,
                "'" + path +
                    "' is not an SQLite database, so it is not an sgwatch store; sgwatch "
                    "will not touch it (choose another store path)");
  }
  return FileKind::kSqlite;
}

Result<DbHandle> open_db(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) {
    return fail(code_for(rc), "cannot open the sgwatch store '" + path +
                                  "': " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  if (auto on = exec(db.get(), path, "PRAGMA foreign_keys = ON", "enabling foreign keys");
      !on) {
    return tl::unexpected(on.error());
  }
  return db;
}

Status use_wal(sqlite3* db, const std::string& path) {
  auto stmt = Statement::prepare(db, path, "PRAGMA journal_mode = WAL", "enabling WAL");
  if (!stmt) return tl::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  std::string mode = *row ? stmt->text(0).value_or("") : "";
  if (mode != "wal") {
    return fail(ErrorCode::kIo, where(path) + ": SQLite would not use WAL journal mode (got '" +
                                    mode + "'); keep the store on a local file system");
  }
  return {};
}

// mkdir -p, creating what is missing with mode 0750: the store is a map of what each
// network lets in, for its owner and its group (the operators) only.
Status make_parent_dirs(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::filesystem::path dir;
  for (const auto& part : parent) {
    dir /= part;
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) continue;
    if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) {
      return fail(ErrorCode::kIo, "cannot create the directory '" + dir.string() +
                                      "' for the sgwatch store: " + std::strerror(errno));
    }
  }
  return {};
}

// Creates the store file writable by its owner and readable by its group (the umask may
// take more away), never by others; SQLite gives its -wal and -shm files the same mode.
Status create_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd >= 0) {
    ::close(fd);
    return {};
  }
  if (errno == EEXIST) return {};  // someone else was faster; inspected again below
  return fail(ErrorCode::kIo,
              "cannot create the sgwatch store '" + path + "': " + std::strerror(errno));
}

constexpr char kRevisionColumns[] =
    "SELECT number, account, region, group_id, observed_at, content, content_hash "
    "FROM revisions ";

Result<Revision> decode_revision(const Statement& row, const std::string& path) {
  const int64_t number = row.int64(0);
  auto unreadable = [&](const std::string& why) {
    return fail(ErrorCode::kIo,
                fmt::format("{}: revision {} is unreadable: {}", where(path), number, why));
  };
  auto account = AccountId::parse(row.text(1).value_or(""));
  if (!account) return unreadable(account.error().message);
  auto region = Region::parse(row.text(2).value_or(""));
  if (!region) return unreadable(region.error().message);
  auto group = GroupId::parse(row.text(3).value_or(""));
  if (!group) return unreadable(group.error().message);
  std::optional<Group> content;
  std::string hash;
  if (auto json = row.text(5)) {
    auto parsed = group_from_json(*json);
    if (!parsed) return unreadable(parsed.error().message);
    if (parsed->id != *group) return unreadable("its content is of group " + parsed->id.str());
    content = std::move(*parsed);
    hash = row.text(6).value_or("");
  }
  return Revision{number,           Scope{std::move(*account), std::move(*region)},
                  std::move(*group), from_ms(row.int64(4)),
                  std::move(content), std::move(hash)};
}

Result<std::vector<Revision>> collect(Statement& stmt, const std::string& path) {
  return collect_rows<Revision>(stmt, path, decode_revision);
}

// The revisions of `group` observed at or before `until`, ordered by `order`.
Result<std::vector<Revision>> revisions_until(sqlite3* db, const std::string& path,
                                              const GroupId& group, Timestamp until,
                                              const char* order) {
  auto stmt = Statement::prepare(db, path,
                                 std::string(kRevisionColumns) +
                                     "WHERE group_id = ?1 AND observed_at <= ?2 ORDER BY " +
                                     order,
                                 "reading revisions");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind_text(1, group.str()).bind_int(2, to_ms(until));
  return collect(*stmt, path);
}

// Of revisions at the same instant, the later written is the newer.
constexpr char kNewestOnly[] = "observed_at DESC, number DESC LIMIT 1";

Result<std::optional<Revision>> first(Result<std::vector<Revision>> revisions) {
  if (!revisions) return tl::unexpected(revisions.error());
  if (revisions->empty()) return std::nullopt;
  return std::move(revisions->front());
}

// The caller's side of the commit contract, checked before anything is written.
Status check_cycle(const CycleWrite& cycle) {
  std::set<GroupId> seen;
  for (const auto& [id, content] : cycle.changed) {
    if (!seen.insert(id).second) {
      return invalid("the cycle for " + cycle.scope.str() + " lists group " + id.str() +
                     " twice");
    }
    if (content && content->id != id) {
      return invalid("the cycle for " + cycle.scope.str() + " files the content of group " +
                     content->id.str() + " under " + id.str());
    }
  }
  return {};
}

}  // namespace

std::string default_store_path() {
  auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value ? value : "";
  };
  if (std::string dirs = env("STATE_DIRECTORY"); !dirs.empty()) {
    return dirs.substr(0, dirs.find(':')) + "/sgwatch.db";
  }
  // The XDG spec says a relative XDG_STATE_HOME is to be ignored.
  if (std::string xdg = env("XDG_STATE_HOME"); !xdg.empty() && xdg.front() == '/') {
    return xdg + "/sgwatch/sgwatch.db";
  }
  std::string home = env("HOME");
  if (home.empty()) {
    // Services started without a login environment may lack HOME; the passwd entry knows.
    struct passwd entry {};
    struct passwd* found = nullptr;
    char buf[4096];
    if (::getpwuid_r(::getuid(), &entry, buf, sizeof buf, &found) == 0 && found) {
      home = found->pw_dir;
    }
  }
  return home + "/.local/state/sgwatch/sgwatch.db";
}

int SqliteStore::schema_version() { return store_schema_version(); }

SqliteStore::SqliteStore(std::string path, sqlite3* db, std::optional<StoreLock> lock)
    : path_(std::move(path)), lock_(std::move(lock)), db_(db) {}

SqliteStore::~SqliteStore() { sqlite3_close_v2(db_); }

Result<std::unique_ptr<SqliteStore>> SqliteStore::open_writer(const std::string& path) {
  auto kind = inspect_file(path);
  if (!kind) return tl::unexpected(kind.error());
  if (*kind == FileKind::kMissing) {
    if (auto made = make_parent_dirs(path); !made) return tl::unexpected(made.error());
    if (auto made = create_private_file(path); !made) return tl::unexpected(made.error());
    kind = inspect_file(path);
    if (!kind) return tl::unexpected(kind.error());
  }
  auto db = open_db(path, SQLITE_OPEN_READWRITE);
  if (!db) return tl::unexpected(db.error());
  // Judged before locking, so that refusing a foreign file leaves no lock file beside it,
  // and again under the lock, since another writer may have upgraded it in between.
  if (auto schema = stored_schema(db->get(), path); !schema) {
    return tl::unexpected(schema.error());
  }
  auto lock = StoreLock::acquire(path);
  if (!lock) return tl::unexpected(lock.error());
  auto schema = stored_schema(db->get(), path);
  if (!schema) return tl::unexpected(schema.error());
  // Only possible before the first table exists (later it takes a VACUUM): prune() can then
  // hand free pages back without rewriting the whole file.
  if (!schema->ours) {
    if (auto mode = exec(db->get(), path, "PRAGMA auto_vacuum = INCREMENTAL",
                         "choosing incremental vacuum");
        !mode) {
      return tl::unexpected(mode.error());
    }
  }
  if (auto wal = use_wal(db->get(), path); !wal) return tl::unexpected(wal.error());
  // The -wal and -shm files stay when the writer closes, so that a reader who may not
  // create them (an operator in the store's group) can read between two timer runs too.
  int persist = 1;
  sqlite3_file_control(db->get(), "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
  if (auto migrated = migrate(db->get(), path, schema->version); !migrated) {
    return tl::unexpected(migrated.error());
  }
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(path, db->release(), std::optional<StoreLock>(std::move(*lock))));
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open_reader(const std::string& path) {
  auto kind = inspect_file(path);
  if (!kind) return tl::unexpected(kind.error());
  if (*kind == FileKind::kMissing) {
    return fail(ErrorCode::kNotFound, "no sgwatch store at '" + path + "' " + kRunFirst);
  }
  if (*kind == FileKind::kEmpty) {
    return fail(ErrorCode::kNotFound,
                "the sgwatch store '" + path + "' is empty " + kRunFirst);
  }
  auto db = open_db(path, SQLITE_OPEN_READONLY);
  if (!db) return tl::unexpected(db.error());
  auto schema = stored_schema(db->get(), path);
  if (!schema) return tl::unexpected(schema.error());
  if (!schema->ours) {
    return fail(ErrorCode::kNotFound,
                "the sgwatch store '" + path + "' is empty " + kRunFirst);
  }
  if (schema->version < store_schema_version()) {
    return fail(ErrorCode::kIncompatible,
                fmt::format("the sgwatch store '{}' has schema {}, older than this build's "
                            "{}; a writing command (`sgwatch ingest` or `sgwatch watch`) "
                            "upgrades it",
                            path, schema->version, store_schema_version()));
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, db->release(), std::nullopt));
}

Result<std::vector<Revision>> SqliteStore::current_groups(const Scope& scope) {
  // The group's highest number is its latest revision: commit() keeps each scope's
  // revisions in time order.
  auto stmt = Statement::prepare(
      db_, path_,
      "SELECT r.number, r.account, r.region, r.group_id, r.observed_at, r.content, "
      "r.content_hash FROM revisions r JOIN (SELECT MAX(number) AS number FROM revisions "
      "WHERE account = ?1 AND region = ?2 GROUP BY group_id) latest USING (number) "
      "WHERE r.content IS NOT NULL ORDER BY r.group_id",
      "reading the current groups");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind_text(1, scope.account.str()).bind_text(2, scope.region.str());
  return collect(*stmt, path_);
}

Result<std::vector<CurrentHash>> SqliteStore::current_hashes(const Scope& scope) {
  // SQLite takes a bare column from the row that holds the MAX(): each group's latest
  // revision, answered from revisions_current_hash without touching the table.
  auto stmt = Statement::prepare(
      db_, path_,
      "SELECT group_id, content_hash, MAX(number) FROM revisions "
      "WHERE account = ?1 AND region = ?2 GROUP BY group_id ORDER BY group_id",
      "reading the current content hashes");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind_text(1, scope.account.str()).bind_text(2, scope.region.str());
  std::vector<CurrentHash> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    auto hash = stmt->text(1);
    if (!hash) continue;  // the group's latest revision is its deletion
    auto id = GroupId::parse(stmt->text(0).value_or(""));
    if (!id) {
      return fail(ErrorCode::kIo, where(path_) + ": a group id in " + scope.str() +
                                      " is unreadable: " + id.error().message);
    }
    out.push_back({*id, std::move(*hash)});
  }
}

Result<std::optional<Revision>> SqliteStore::latest(const GroupId& group) {
  return first(revisions_until(db_, path_, group, Timestamp::max(), kNewestOnly));
}

Result<std::optional<Revision>> SqliteStore::revision_at(const GroupId& group, Timestamp at) {
  return first(revisions_until(db_, path_, group, at, kNewestOnly));
}

Result<std::vector<Revision>> SqliteStore::history(const GroupId& group) {
  return revisions_until(db_, path_, group, Timestamp::max(), "observed_at, number");
}

Result<std::map<std::string, RuleId>> SqliteStore::rule_ids(const Scope& scope,
                                                             const GroupId& group) {
  auto stmt = Statement::prepare(
      db_, path_,
      "SELECT rule_key, rule_id FROM rule_ids "
      "WHERE account = ?1 AND region = ?2 AND group_id = ?3",
      "reading rule ids");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind_text(1, scope.account.str())
      .bind_text(2, scope.region.str())
      .bind_text(3, group.str());
  std::map<std::string, RuleId> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    std::string key = stmt->text(0).value_or("");
    auto id = RuleId::parse(stmt->text(1).value_or(""));
    if (!id) {
      return fail(ErrorCode::kIo, where(path_) + ": the rule id of '" + key + "' in " +
                                      group.str() + " is unreadable: " + id.error().message);
    }
    out.emplace(std::move(key), std::move(*id));
  }
}

Result<std::optional<SnapshotRecord>> SqliteStore::last_snapshot(const Scope& scope) {
  auto stmt = Statement::prepare(
      db_, path_,
      "SELECT observed_at, partial, groups_seen FROM snapshots "
      "WHERE account = ?1 AND region = ?2",
      "reading the last snapshot");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind_text(1, scope.account.str()).bind_text(2, scope.region.str());
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::nullopt;
  return SnapshotRecord{scope, from_ms(stmt->int64(0)), stmt->int64(1) != 0,
                        static_cast<size_t>(stmt->int64(2))};
}

Result<std::vector<Scope>> SqliteStore::scopes() {
  // The snapshots table has one row per scope, in primary key order.
  auto stmt = Statement::prepare(db_, path_,
                                 "SELECT account, region FROM snapshots ORDER BY account, region",
                                 "listing the scopes");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<Scope> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    auto account = AccountId::parse(stmt->text(0).value_or(""));
    auto region = Region::parse(stmt->text(1).value_or(""));
    if (!account || !region) {
      return fail(ErrorCode::kIo,
                  where(path_) + ": a recorded scope is unreadable: " +
                      (account ? region.error().message : account.error().message));
    }
    out.push_back(Scope{std::move(*account), std::move(*region)});
  }
}

Result<std::optional<Revision>> SqliteStore::revision(int64_t number) {
  auto stmt = Statement::prepare(db_, path_, std::string(kRevisionColumns) + "WHERE number = ?1",
                                 "reading a revision");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind_int(1, number);
  return first(collect(*stmt, path_));
}

Result<std::optional<Revision>> SqliteStore::previous_revision(const Revision& revision) {
  auto stmt = Statement::prepare(
      db_, path_,
      std::string(kRevisionColumns) +
          "WHERE group_id = ?1 AND number < ?2 ORDER BY number DESC LIMIT 1",
      "reading the revision before another");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind_text(1, revision.group.str()).bind_int(2, revision.number);
  return first(collect(*stmt, path_));
}

Status SqliteStore::require_writer(std::string_view what) const {
  if (lock_) return {};
  return invalid(fmt::format("{} was opened for reading; only the writer may {}", where(path_),
                             what));
}

Result<std::optional<KnownCaller>> SqliteStore::caller_identity(
    const std::string& access_key_id) {
  auto stmt = Statement::prepare(
      db_, path_, "SELECT account, arn FROM caller_identities WHERE access_key_id = ?1",
      "reading a caller identity");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind_text(1, access_key_id);
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::nullopt;
  auto account = AccountId::parse(stmt->text(0).value_or(""));
  if (!account) {
    return fail(ErrorCode::kIo, where(path_) + ": a remembered caller's account is unreadable: " +
                                    account.error().message);
  }
  return KnownCaller{*account, stmt->text(1).value_or("")};
}

Status SqliteStore::remember_caller_identity(const std::string& access_key_id,
                                             const KnownCaller& identity, Timestamp now) {
  if (!lock_) {
    return invalid(where(path_) + " was opened for reading; only the writer may write");
  }
  auto tx = Transaction::begin(db_, path_);
  if (!tx) return tl::unexpected(tx.error());
  // Temporary credentials get a new key id every few hours: forget keys not seen for a week.
  auto prune = Statement::prepare(db_, path_,
                                  "DELETE FROM caller_identities WHERE learned_at < ?1",
                                  "forgetting old caller identities");
  if (!prune) return tl::unexpected(prune.error());
  prune->bind_int(1, to_ms(now - std::chrono::hours(24 * 7)));
  if (auto ran = prune->run(); !ran) return ran;
  auto insert = Statement::prepare(
      db_, path_,
      "INSERT OR REPLACE INTO caller_identities (access_key_id, account, arn, learned_at) "
      "VALUES (?1, ?2, ?3, ?4)",
      "remembering a caller identity");
  if (!insert) return tl::unexpected(insert.error());
  insert->bind_text(1, access_key_id)
      .bind_text(2, identity.account.str())
      .bind_text(3, identity.arn)
      .bind_int(4, to_ms(now));
  if (auto ran = insert->run(); !ran) return ran;
  return tx->commit();
}

Status SqliteStore::commit(const CycleWrite& cycle) {
  if (!lock_) {
    return invalid(where(path_) + " was opened for reading; only the writer may commit");
  }
  if (auto checked = check_cycle(cycle); !checked) return checked;

  auto tx = Transaction::begin(db_, path_);
  if (!tx) return tl::unexpected(tx.error());

  // Checked inside the transaction, so the answer holds until it commits.
  auto last = last_snapshot(cycle.scope);
  if (!last) return tl::unexpected(last.error());
  if (*last && cycle.observed_at < (*last)->observed_at) {
    return invalid(fmt::format(
        "{}: the cycle for {} was observed at {} ms, before the scope's last snapshot at {} "
        "ms; revisions must stay in time order",
        where(path_), cycle.scope.str(), to_ms(cycle.observed_at),
        to_ms((*last)->observed_at)));
  }

  const std::string& account = cycle.scope.account.str();
  const std::string& region = cycle.scope.region.str();
  const int64_t observed_ms = to_ms(cycle.observed_at);

  auto insert = Statement::prepare(
      db_, path_,
      "INSERT INTO revisions (account, region, group_id, observed_at, content, content_hash) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      "writing a revision");
  if (!insert) return tl::unexpected(insert.error());
  std::vector<std::pair<GroupId, int64_t>> written;
  for (const auto& [id, content] : cycle.changed) {
    insert->bind_text(1, account).bind_text(2, region).bind_text(3, id.str());
    insert->bind_int(4, observed_ms);
    if (content) {
      Group canonical = *content;
      canonicalize(canonical);
      std::string json;
      try {
        json = group_to_json(canonical, false).dump();
      } catch (const std::exception& e) {
        return invalid("group " + id.str() + " cannot be stored: " + e.what());
      }
      insert->bind_text(5, json).bind_text(6, content_hash(canonical));
    } else {
      insert->bind_null(5).bind_null(6);
    }
    if (auto ran = insert->run(); !ran) return ran;
    written.emplace_back(id, sqlite3_last_insert_rowid(db_));
  }
  if (cycle.event_since && !*last) {
    return invalid("an event about " + cycle.scope.str() +
                   " cannot be recorded before the scope's baseline");
  }
  // After the baseline, what changed is news: each revision is a change to attribute.
  if (*last) {
    const Timestamp since = cycle.event_since.value_or((*last)->observed_at);
    if (auto noted = insert_changes(cycle, since, written); !noted) return noted;
  }

  auto upsert_id = Statement::prepare(
      db_, path_,
      "INSERT INTO rule_ids (account, region, group_id, rule_key, rule_id, learned_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (account, region, group_id, rule_key) "
      "DO UPDATE SET rule_id = excluded.rule_id, learned_at = excluded.learned_at",
      "writing a rule id");
  if (!upsert_id) return tl::unexpected(upsert_id.error());
  for (const auto& [group, ids] : cycle.rule_ids) {
    for (const auto& [key, rule_id] : ids) {
      upsert_id->bind_text(1, account).bind_text(2, region).bind_text(3, group.str());
      upsert_id->bind_text(4, key).bind_text(5, rule_id.str()).bind_int(6, observed_ms);
      if (auto ran = upsert_id->run(); !ran) return ran;
    }
  }

  auto snapshot = Statement::prepare(
      db_, path_,
      "INSERT INTO snapshots (account, region, observed_at, partial, groups_seen) "
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (account, region) DO UPDATE SET "
      "observed_at = excluded.observed_at, partial = excluded.partial, "
      "groups_seen = excluded.groups_seen",
      "writing the snapshot record");
  if (!snapshot) return tl::unexpected(snapshot.error());
  snapshot->bind_text(1, account).bind_text(2, region).bind_int(3, observed_ms);
  snapshot->bind_int(4, cycle.partial ? 1 : 0);
  snapshot->bind_int(5, static_cast<int64_t>(cycle.groups_seen));
  if (!cycle.event_since) {
    if (auto ran = snapshot->run(); !ran) return ran;
  }
  if (auto queued = insert_alerts(cycle.alerts); !queued) return queued;

  return tx->commit();
}

}  // namespace sgwatch
