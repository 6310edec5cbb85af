// Observing the emulator through sgwatch's own client: paging, rule ids, and the rule
// that a failed page never becomes a snapshot (so nothing looks removed).
#include <gtest/gtest.h>

#include "emulator_fixture.h"

#include "app/record_snapshot.h"
#include "aws/curl_transport.h"
#include "core/clock.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "sources/ec2_snapshot.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"

namespace sgwatch::ec2_snapshot_test {
namespace {

const AwsCredentials kAdmin{"AKIAEMULATORADMIN000", "emulator-admin-secret", "", std::nullopt};
constexpr const char* kAccount = "111122223333";

class Ec2SnapshotTest : public testing::EmulatorTest {
 protected:
  EnvLookup env() {
    return [this](const std::string& name) -> std::optional<std::string> {
      if (name == "AWS_ENDPOINT_URL") return emulator_->endpoint();
      return std::nullopt;
    };
  }

  CurlTransport transport_{CurlTransportOptions{std::chrono::milliseconds(1000),
                                                std::chrono::milliseconds(10000), 64 << 20, "",
                                                true, 4}};
  RetryPolicy retries_{1, 1};  // no retries: a fault is a failed page
  QueryClient client_{transport_, clock_, env(), retries_, [](std::chrono::milliseconds) {}};
  Scope scope_{AccountId::parse(kAccount).value(), Region::parse("eu-west-1").value()};
};

TEST_F(Ec2SnapshotTest, ReadsEveryPage) {
  ASSERT_TRUE(emulator_->ec2().seed_generated(kAccount, "eu-west-1", 2500, 3));
  auto snapshot = read_scope_snapshot(client_, kAdmin, scope_, clock_.now());
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  EXPECT_EQ(snapshot->groups.size(), 2501u);  // and the default group
  EXPECT_EQ(client_.counts().calls, 3);       // 1000 + 1000 + 501
  EXPECT_FALSE(snapshot->partial);
}

TEST_F(Ec2SnapshotTest, RuleIdsOfChosenGroupsInBatches) {
  auto made = emulator_->ec2().seed_generated(kAccount, "eu-west-1", 250, 2);
  ASSERT_TRUE(made);
  std::vector<GroupId> groups;
  for (const std::string& id : made->group_ids) groups.push_back(GroupId::parse(id).value());
  auto rules = read_rule_ids(client_, kAdmin, scope_, groups);
  ASSERT_TRUE(rules) << rules.error().message;
  EXPECT_EQ(rules->size(), 250u);
  EXPECT_EQ(client_.counts().calls, 2);  // 200 group ids a call
  for (const auto& [group, group_rules] : *rules) {
    for (const Rule& rule : group_rules) EXPECT_TRUE(rule.id.has_value()) << group.str();
  }
}

TEST_F(Ec2SnapshotTest, AFailedPageIsNoSnapshotAndTheNextCleanCycleShowsOnlyRealChanges) {
  ASSERT_TRUE(emulator_->ec2().seed_generated(kAccount, "eu-west-1", 1500, 2));
  testing::TempDir dir;
  auto store = SqliteStore::open_writer(dir.file("s.db"));
  ASSERT_TRUE(store);
  auto baseline = read_scope_snapshot(client_, kAdmin, scope_, clock_.now());
  ASSERT_TRUE(baseline);
  ASSERT_TRUE(record_snapshot(**store, *baseline));

  // A real change, then a cycle whose second page is throttled.
  const std::string group = baseline->groups.back().id.str();
  emulator::RuleRequest rdp{"tcp", 3389, 3389, {emulator::PeerKind::kIpv4, "0.0.0.0/0", "", "", "", ""}, ""};
  ASSERT_TRUE(emulator_->ec2().authorize(kAccount, "eu-west-1", group, false, {rdp}));
  emulator_->faults().add({emulator::FaultKind::kThrottle, "ec2", "DescribeSecurityGroups", 0, 2, 1, {}});
  auto failed = read_scope_snapshot(client_, kAdmin, scope_, clock_.now());
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("page 2"), std::string::npos) << failed.error().message;
  EXPECT_NE(failed.error().message.find("RequestLimitExceeded"), std::string::npos);
  EXPECT_EQ((*store)->current_groups(scope_)->size(), 1501u);  // nothing looked removed

  auto clean = read_scope_snapshot(client_, kAdmin, scope_, clock_.now());
  ASSERT_TRUE(clean) << clean.error().message;
  auto recorded = record_snapshot(**store, *clean);
  ASSERT_TRUE(recorded) << recorded.error().message;
  ASSERT_EQ(recorded->diffs.size(), 1u);
  EXPECT_EQ(recorded->diffs[0].group.str(), group);
  ASSERT_EQ(recorded->diffs[0].added.size(), 1u);
  EXPECT_EQ(recorded->diffs[0].added[0].summary(), "ingress tcp/3389 from 0.0.0.0/0");
  EXPECT_TRUE(recorded->diffs[0].removed.empty());
}

}  // namespace
}  // namespace sgwatch::ec2_snapshot_test
