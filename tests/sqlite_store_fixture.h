// What the SQLite store's tests share: a store path in a temporary directory, small
// builders of groups and cycles, and raw SQLite access to the file, as another program
// would have.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/group_json.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"

namespace sgwatch::sqlite_store_testing {

inline const char* const kGroupA = "sg-0123456789abcdef0";
inline const char* const kGroupB = "sg-0123456789abcdef1";
inline const char* const kGroupC = "sg-0123456789abcdef2";

inline Timestamp at_ms(int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }

inline Scope scope(const char* region = "us-east-1") {
  return Scope{AccountId::parse("123456789012").value(), Region::parse(region).value()};
}

inline GroupId gid(const char* id) { return GroupId::parse(id).value(); }

inline Rule tcp_rule(int port, const char* cidr = "10.0.0.0/8", std::optional<RuleId> id = {}) {
  return Rule{Direction::kIngress, Protocol::tcp(),
              PortRange::make(Protocol::tcp(), port, port).value(), Cidr::parse(cidr).value(),
              "desc", std::move(id)};
}

inline Group group(const char* id, std::vector<Rule> rules, const char* description = "web") {
  Group g{gid(id),
          std::string("name-") + id,
          description,
          VpcId::parse("vpc-0123456789abcdef0").value(),
          AccountId::parse("123456789012").value(),
          {{"Owner", "team-a"}},
          std::move(rules)};
  canonicalize(g);
  return g;
}

inline CycleWrite cycle(int64_t ms, std::vector<std::pair<GroupId, std::optional<Group>>> changed,
                 const Scope& where = scope()) {
  CycleWrite c{where, at_ms(ms), false, changed.size(), std::move(changed), {}};
  return c;
}

inline std::string json_of(const Group& g) { return group_to_json(g, false).dump(); }

inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs SQL on the file through a plain SQLite connection, as another program would.
inline void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string text = message ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << text;
}

inline std::string raw_query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

class SqliteStoreTest : public ::testing::Test {
 protected:

  std::unique_ptr<SqliteStore> writer() {
    auto store = SqliteStore::open_writer(path_);
    EXPECT_TRUE(store.has_value()) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }

  // A at 1000 (port 22), A at 2000 (port 22 and 443), A deleted at 3000.
  void write_three_revisions_of_a(Store& store) {
    ASSERT_TRUE(store.commit(cycle(1000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22)})}})));
    ASSERT_TRUE(store.commit(
        cycle(2000, {{gid(kGroupA), group(kGroupA, {tcp_rule(22), tcp_rule(443)})}})));
    ASSERT_TRUE(store.commit(cycle(3000, {{gid(kGroupA), std::nullopt}})));
  }

  // Expects `opened` to be refused as incompatible, naming the path.
  void expect_incompatible(const Result<std::unique_ptr<SqliteStore>>& opened,
                           const std::string& path) {
    ASSERT_FALSE(opened.has_value());
    EXPECT_EQ(opened.error().code, ErrorCode::kIncompatible) << opened.error().message;
    EXPECT_NE(opened.error().message.find("'" + path + "'"), std::string::npos)
        << opened.error().message;
  }

  testing::TempDir temp_;
  const std::string dir_ = temp_.path();
  std::string path_ = dir_ + "/state/sgwatch.db";
};

}  // namespace sgwatch::sqlite_store_testing
