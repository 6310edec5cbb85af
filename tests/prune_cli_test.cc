// `sgwatch prune`: the [retention] config read, the counts printed (text and JSON), a dry
// run that removes nothing, and `history` and `show` still working afterwards.
#include <fstream>

#include <gtest/gtest.h>

#include "builders.h"
#include "cli_runner.h"
#include "core/time_format.h"
#include "scoped_env.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"

namespace sgwatch::prune_cli_test {
namespace {

using testing::group;
using testing::ingress;
using Outcome = testing::CliOutcome;

constexpr const char* kGroup = "sg-0123456789abcdef0";

class PruneCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.set("SGWATCH_CONFIG", std::nullopt);
    auto store = SqliteStore::open_writer(store_);
    ASSERT_TRUE(store) << store.error().message;
    // A baseline, then two changes, reported as attributed.
    int port = 22;
    for (const char* at : {"2025-01-01T00:00:00Z", "2025-06-01T00:00:00Z",
                           "2026-11-01T00:00:00Z"}) {
      CycleWrite cycle{scope_, parse_time(at).value(), false, 1, {}, {}, true};
      cycle.changed.emplace_back(testing::gid(kGroup),
                                 group(kGroup, {ingress("tcp", port, port, "10.0.0.0/8")}));
      ++port;
      ASSERT_TRUE((*store)->commit(cycle));
    }
    auto changes = (*store)->changes({});
    ASSERT_TRUE(changes);
    for (ChangeEntry& change : *changes) {
      change.state = change.reported_state = AttributionState::kAttributed;
      change.reported = true;
    }
    ASSERT_TRUE((*store)->update_changes(*changes));
  }

  Outcome run(std::vector<std::string> args, const std::string& config_text = "") {
    const std::string config = dir_.file("sgwatch.toml");
    std::ofstream(config) << config_text;
    args.insert(args.begin(), {"--config", config, "--store", store_});
    return testing::run_sgwatch(std::move(args), clock_);
  }

  testing::ScopedEnv env_;
  testing::TempDir dir_;
  std::string store_ = dir_.file("store.db");
  Scope scope_{testing::account("123456789012"), testing::region("eu-west-1")};
  ManualClock clock_{parse_time("2026-11-23T09:00:00Z").value()};
};

TEST_F(PruneCliTest, PrunesWhatTheDefaultsLetGoAndHistoryStillWorks) {
  // 400 days back is 2025-10-19: the June revision was current then and stays.
  Outcome pruned = run({"prune"});
  ASSERT_EQ(pruned.code, 0) << pruned.err;
  EXPECT_NE(pruned.out.find("       1  revisions"), std::string::npos) << pruned.out;
  EXPECT_NE(pruned.out.find("       1  changes"), std::string::npos) << pruned.out;
  EXPECT_NE(pruned.out.find("The store went from"), std::string::npos) << pruned.out;

  Outcome history = run({"--output", "json", "history", kGroup});
  ASSERT_EQ(history.code, 0) << history.err;
  EXPECT_EQ(history.json().size(), 2u) << history.out;
  Outcome show = run({"show", kGroup, "--at", "2025-12-01T00:00:00Z"});
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_NE(show.out.find("23"), std::string::npos) << show.out;
  Outcome changes = run({"changes"});
  EXPECT_EQ(changes.code, 0) << changes.err;

  // Nothing more goes on a second run.
  Outcome again = run({"--output", "json", "prune"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.json()["removed"]["revisions"], 0);
}

TEST_F(PruneCliTest, ADryRunCountsAndRemovesNothing) {
  Outcome preview = run({"--output", "json", "prune", "--dry-run"},
                        "[retention]\nrevisions = \"10d\"\n");
  ASSERT_EQ(preview.code, 0) << preview.err;
  nlohmann::json doc = preview.json();
  EXPECT_TRUE(doc["dry_run"]);
  EXPECT_EQ(doc["policy"]["revisions"], "10d");
  EXPECT_EQ(doc["policy"]["events"], "90d");
  EXPECT_EQ(doc["removed"]["revisions"], 2);
  Outcome history = run({"--output", "json", "history", kGroup});
  ASSERT_EQ(history.code, 0) << history.err;
  EXPECT_EQ(history.json().size(), 3u);
}

TEST_F(PruneCliTest, ForeverKeepsEveryRevision) {
  Outcome pruned = run({"--output", "json", "prune"}, "[retention]\nrevisions = \"forever\"\n");
  ASSERT_EQ(pruned.code, 0) << pruned.err;
  EXPECT_EQ(pruned.json()["removed"]["revisions"], 0);
  EXPECT_EQ(pruned.json()["policy"]["revisions"], "forever");
}

TEST_F(PruneCliTest, ABadRetentionAgeStopsItBeforeTheStoreIsTouched) {
  Outcome refused = run({"prune"}, "[retention]\nevents = \"0s\"\n");
  EXPECT_EQ(refused.code, 78) << refused.err;
  EXPECT_NE(refused.err.find("forever"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace sgwatch::prune_cli_test
