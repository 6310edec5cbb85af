// The SQLite store's file: a new file is migrated, an older schema upgraded only by a
// writer, a file of another program or of a newer sgwatch refused, one writer at a time
// with readers alongside.
#include "state/sqlite_store.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "sqlite_store_fixture.h"
#include "state/sqlite_schema.h"

namespace sgwatch::sqlite_store_file_test {
namespace {

using namespace sqlite_store_testing;
namespace fs = std::filesystem;

class SqliteStoreFileTest : public SqliteStoreTest {};

TEST_F(SqliteStoreFileTest, MigratesAnEmptyFile) {
  fs::create_directories(dir_ + "/state");
  std::ofstream(path_).close();
  ASSERT_EQ(fs::file_size(path_), 0u);
  {
    auto store = writer();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->commit(cycle(1000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22)})}})));
  }
  EXPECT_EQ(raw_query(path_, "PRAGMA application_id"),
            std::to_string(SqliteStore::kApplicationId));
  EXPECT_EQ(raw_query(path_, "PRAGMA user_version"),
            std::to_string(SqliteStore::schema_version()));
  EXPECT_EQ(raw_query(path_, "PRAGMA journal_mode"), "wal");
  auto reader = SqliteStore::open_reader(path_);
  ASSERT_TRUE(reader.has_value()) << reader.error().message;
  EXPECT_EQ((*reader)->history(gid(kGroupA)).value().size(), 1u);
}

TEST_F(SqliteStoreFileTest, UpgradesAStoreWithAnOlderSchemaOnlyWhenWriting) {
  fs::create_directories(dir_ + "/state");
  raw_exec(path_, "PRAGMA application_id = " + std::to_string(SqliteStore::kApplicationId));
  auto reader = SqliteStore::open_reader(path_);
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error().code, ErrorCode::kIncompatible);
  EXPECT_NE(reader.error().message.find("upgrades it"), std::string::npos)
      << reader.error().message;

  ASSERT_TRUE(writer());
  EXPECT_TRUE(SqliteStore::open_reader(path_).has_value());
}

TEST_F(SqliteStoreFileTest, UpgradingToHealthAlertsKeepsTheOutboxAndItsOrder) {
  // A store as the sgwatch before health alerts left it: schema 6, one pending alert,
  // the sequence past it (later rows were pruned).
  fs::create_directories(dir_ + "/state");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_TRUE(migrate(db, path_, 0, 6));
    sqlite3_close(db);
  }
  raw_exec(path_,
           "INSERT INTO alerts (seq, id, destination, kind, account, region, group_id, body, "
           "created_at, deliver_after, state, next_attempt_at) VALUES (5, 'a-old', 'security', "
           "'change', '111122223333', 'eu-west-1', 'sg-0123456789abcdef0', '{}', 1000, 1000, "
           "'pending', 1000); UPDATE sqlite_sequence SET seq = 9 WHERE name = 'alerts';");
  ASSERT_EQ(raw_query(path_, "PRAGMA user_version"), "6");

  auto store = writer();
  ASSERT_TRUE(store);
  EXPECT_EQ(raw_query(path_, "PRAGMA user_version"), std::to_string(store_schema_version()));
  auto kept = store->outbox({});
  ASSERT_TRUE(kept && kept->size() == 1);
  EXPECT_EQ(kept->front().alert.id, "a-old");
  EXPECT_EQ(kept->front().state, AlertState::kPending);

  Alert health{.id = "a-health",
               .destination = "security",
               .kind = AlertKind::kHealth,
               .scope = scope("eu-west-1"),
               .events = {"health:scope_failing/x:never"},
               .body = "{}",
               .created_at = Timestamp(std::chrono::milliseconds(2000)),
               .deliver_after = Timestamp(std::chrono::milliseconds(2000))};
  ASSERT_TRUE(store->queue_alerts({health}));
  auto both = store->outbox({});
  ASSERT_TRUE(both && both->size() == 2);
  EXPECT_EQ(both->back().alert.kind, AlertKind::kHealth);
  EXPECT_FALSE(both->back().alert.group);
  EXPECT_EQ(raw_query(path_, "SELECT seq FROM alerts WHERE id = 'a-health'"), "10");
}

TEST_F(SqliteStoreFileTest, CountsEachScopesFailedCyclesInARowAcrossReopening) {
  const Scope other = scope("eu-west-1");
  {
    auto store = writer();
    ASSERT_TRUE(store);
    EXPECT_EQ(store->count_scope_cycle(scope(), true).value_or(-1), 1);
    EXPECT_EQ(store->count_scope_cycle(scope(), true).value_or(-1), 2);
    EXPECT_EQ(store->count_scope_cycle(other, true).value_or(-1), 1);
  }
  auto store = writer();  // the next run of a timer
  ASSERT_TRUE(store);
  EXPECT_EQ(store->count_scope_cycle(scope(), true).value_or(-1), 3);
  EXPECT_EQ(store->count_scope_cycle(scope(), false).value_or(-1), 0);
  EXPECT_EQ(store->count_scope_cycle(scope(), true).value_or(-1), 1);
  EXPECT_EQ(store->count_scope_cycle(other, false).value_or(-1), 0);

  auto reader = SqliteStore::open_reader(path_);
  ASSERT_TRUE(reader);
  EXPECT_FALSE((*reader)->count_scope_cycle(scope(), true));  // only the writer counts
}

TEST_F(SqliteStoreFileTest, RefusesAFileThatIsNotSqlite) {
  for (std::string content : {std::string("name,port\nweb,22\n"), std::string("x"),
                              std::string("SQLite format 3")}) {
    std::string path = dir_ + "/notes.db";
    std::ofstream(path, std::ios::binary) << content;
    expect_incompatible(SqliteStore::open_writer(path), path);
    expect_incompatible(SqliteStore::open_reader(path), path);
    EXPECT_EQ(file_bytes(path), content);
    EXPECT_FALSE(fs::exists(path + ".lock"));
    EXPECT_FALSE(fs::exists(path + "-wal"));
  }
}

TEST_F(SqliteStoreFileTest, RefusesAnotherApplicationsDatabase) {
  std::string tables = dir_ + "/inventory.db";
  raw_exec(tables, "CREATE TABLE hosts (name TEXT); INSERT INTO hosts VALUES ('web1');");
  std::string tables_before = file_bytes(tables);
  expect_incompatible(SqliteStore::open_writer(tables), tables);
  expect_incompatible(SqliteStore::open_reader(tables), tables);
  EXPECT_EQ(file_bytes(tables), tables_before);
  EXPECT_FALSE(fs::exists(tables + ".lock"));

  std::string marked = dir_ + "/other-app.db";
  raw_exec(marked, "PRAGMA application_id = 42");
  std::string marked_before = file_bytes(marked);
  auto refused = SqliteStore::open_writer(marked);
  expect_incompatible(refused, marked);
  EXPECT_NE(refused.error().message.find("0x0000002a"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(file_bytes(marked), marked_before);
}

TEST_F(SqliteStoreFileTest, RefusesANewerSchema) {
  {
    auto store = writer();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->commit(cycle(1000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22)})}})));
  }
  const int newer = SqliteStore::schema_version() + 5;
  raw_exec(path_, "PRAGMA user_version = " + std::to_string(newer));
  std::string before = file_bytes(path_);

  auto refused = SqliteStore::open_writer(path_);
  expect_incompatible(refused, path_);
  EXPECT_NE(refused.error().message.find("newer sgwatch (schema " + std::to_string(newer) +
                                         "; this build knows up to " +
                                         std::to_string(SqliteStore::schema_version()) + ")"),
            std::string::npos)
      << refused.error().message;
  expect_incompatible(SqliteStore::open_reader(path_), path_);
  EXPECT_EQ(file_bytes(path_), before);
}

TEST_F(SqliteStoreFileTest, ReaderOnAMissingFileIsNotFoundAndCreatesNothing) {
  auto reader = SqliteStore::open_reader(path_);
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error().code, ErrorCode::kNotFound);
  EXPECT_NE(reader.error().message.find("no sgwatch store at '" + path_ + "'"),
            std::string::npos)
      << reader.error().message;
  EXPECT_FALSE(fs::exists(dir_ + "/state"));
}

TEST_F(SqliteStoreFileTest, OnlyOneWriterButReadersAlongside) {
  auto first = writer();
  ASSERT_TRUE(first);
  auto second = SqliteStore::open_writer(path_);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kBusy);
  EXPECT_NE(second.error().message.find("pid " + std::to_string(::getpid())), std::string::npos)
      << second.error().message;

  ASSERT_TRUE(first->commit(cycle(1000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22)})}})));
  auto reader = SqliteStore::open_reader(path_);
  ASSERT_TRUE(reader.has_value()) << reader.error().message;
  EXPECT_EQ((*reader)->history(gid(kGroupA)).value().size(), 1u);
  auto refused = (*reader)->commit(cycle(2000, {}));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidInput);

  first.reset();
  EXPECT_TRUE(writer());
}

}  // namespace
}  // namespace sgwatch::sqlite_store_file_test
