// A test with a fresh writable store in a temporary directory, one scope, and commits by
// minute after a fixed start: what the store's own tests build on.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "builders.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"

namespace sgwatch::testing {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::open_writer(dir_.file("store.db"));
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }

  // A cycle of the scope at t0 + `minute` in which `groups` changed (the first one of the
  // scope is its baseline).
  Status commit(int minute, std::vector<Group> groups, bool attribute = true) {
    CycleWrite cycle{scope_, t0_ + std::chrono::minutes(minute), false, groups.size(), {}, {},
                     attribute};
    for (Group& g : groups) cycle.changed.emplace_back(g.id, std::move(g));
    return store_->commit(cycle);
  }

  static constexpr const char* kGroup = "sg-0123456789abcdef0";
  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  Scope scope_{account("123456789012"), region("eu-west-1")};
  Timestamp t0_ = Timestamp(std::chrono::hours(24 * 20000));
};

}  // namespace sgwatch::testing
