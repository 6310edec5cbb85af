// What retention costs and gains: a store holding a year of daily revisions of N groups
// (SGWATCH_BENCH_RETENTION_GROUPS, default 1,000; each group changes every day, the worst
// case, 10 rules each), every change reported, is pruned as of the year's end with
// `revisions = "90d"`. Timed: the prune, its deletes and the vacuum after it. Reported:
// the file's size on disk before and after, and the revisions removed.
//
// Arg 0: a store created by this version (incremental auto-vacuum). Arg 1: a store created
// before retention (no auto-vacuum). Both free three quarters of the file, so both are
// rewritten (VACUUM); moving the pages instead (PRAGMA incremental_vacuum), measured here
// before that choice, took twice as long (docs/OPERATIONS.md, Retention).
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "state/sqlite_store.h"
#include "tests/builders.h"

namespace sgwatch::retention_bench {
namespace {

size_t group_count() {
  if (const char* text = std::getenv("SGWATCH_BENCH_RETENTION_GROUPS")) {
    return std::strtoul(text, nullptr, 10);
  }
  return 1'000;
}

double file_mb(const std::filesystem::path& db) {
  double bytes = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    auto size = std::filesystem::file_size(db.string() + suffix, ec);
    if (!ec) bytes += static_cast<double>(size);
  }
  return bytes / (1 << 20);
}

Group daily_group(size_t index, int day) {
  char id[32];
  std::snprintf(id, sizeof id, "sg-%017zx", index);
  std::vector<Rule> rules;
  // One rule's port moves each day: every revision differs from the one before.
  rules.push_back(testing::ingress("tcp", 1024 + day, 1024 + day, "10.0.0.0/8"));
  for (int r = 1; r < 10; ++r) {
    rules.push_back(testing::ingress("tcp", 20 + r, 20 + r, "10.0.0.0/8"));
  }
  return testing::group(id, std::move(rules));
}

// Builds the year; returns false when a write failed.
bool build_year(SqliteStore& store, size_t groups, Timestamp start) {
  const Scope scope{AccountId::parse("111122223333").value(), Region::parse("eu-west-1").value()};
  for (int day = 0; day < 365; ++day) {
    CycleWrite cycle{scope, start + std::chrono::hours(24 * day), false, groups, {}, {}, false};
    for (size_t i = 0; i < groups; ++i) {
      Group group = daily_group(i, day);
      cycle.changed.emplace_back(group.id, std::move(group));
    }
    if (!store.commit(cycle)) return false;
  }
  auto changes = store.changes({});
  if (!changes) return false;
  for (ChangeEntry& change : *changes) change.reported = true;
  return store.update_changes(*changes).has_value();
}

void BM_PruneAYear(benchmark::State& state) {
  const size_t groups = group_count();
  const bool old_store = state.range(0) == 1;
  const Timestamp start{std::chrono::milliseconds(1'767'225'600'000)};  // 2026-01-01
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("sgwatch-retention-bench-" + std::to_string(getpid()));
  const std::filesystem::path db = dir / "store.db";
  double before_mb = 0, after_mb = 0;
  int64_t removed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    {
      auto store = SqliteStore::open_writer(db.string()).value();
      if (!build_year(*store, groups, start)) state.SkipWithError("building the year failed");
    }
    if (old_store) {
      // As a store from before retention: no auto-vacuum.
      sqlite3* raw = nullptr;
      sqlite3_open(db.c_str(), &raw);
      sqlite3_exec(raw, "PRAGMA auto_vacuum = NONE; VACUUM; PRAGMA wal_checkpoint(TRUNCATE)",
                   nullptr, nullptr, nullptr);
      sqlite3_close(raw);
    }
    auto store = SqliteStore::open_writer(db.string()).value();
    before_mb = file_mb(db);
    RetentionPolicy policy;
    policy.revisions = std::chrono::hours(24 * 90);
    state.ResumeTiming();

    auto counts = store->prune(policy, start + std::chrono::hours(24 * 365));

    state.PauseTiming();
    if (!counts) state.SkipWithError(counts.error().message.c_str());
    after_mb = file_mb(db);
    removed = counts ? counts->revisions : 0;
    state.ResumeTiming();
  }
  std::filesystem::remove_all(dir);
  state.counters["groups"] = static_cast<double>(groups);
  state.counters["revisions_removed"] = static_cast<double>(removed);
  state.counters["mb_before"] = before_mb;
  state.counters["mb_after"] = after_mb;
}
BENCHMARK(BM_PruneAYear)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace sgwatch::retention_bench
