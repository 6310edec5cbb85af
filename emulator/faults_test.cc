#include "emulator/faults.h"

#include <gtest/gtest.h>

namespace sgwatch::emulator::faults_test {
namespace {

TEST(Faults, NthCallAndTimes) {
  Faults faults(1);
  faults.add(FaultRule{FaultKind::kThrottle, "ec2", "DescribeSecurityGroups", 0, 2, 2, {}});
  EXPECT_FALSE(faults.pick("ec2", "DescribeSecurityGroups"));   // 1st
  EXPECT_FALSE(faults.pick("ec2", "DescribeRegions"));          // does not match
  EXPECT_FALSE(faults.pick("sts", "DescribeSecurityGroups"));   // does not match
  EXPECT_TRUE(faults.pick("ec2", "DescribeSecurityGroups"));    // 2nd
  EXPECT_TRUE(faults.pick("ec2", "DescribeSecurityGroups"));    // 3rd, second firing
  EXPECT_FALSE(faults.pick("ec2", "DescribeSecurityGroups"));   // times used up
  faults.clear();
  faults.add(FaultRule{FaultKind::kServerError, "", "", 0, 1, -1, {}});
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(faults.pick("sts", "GetCallerIdentity"));
}

TEST(Faults, RateFiresAboutThatOften) {
  Faults faults(42);
  faults.add(FaultRule{FaultKind::kThrottle, "", "", 0.3, 0, -1, {}});
  int fired = 0;
  for (int i = 0; i < 2000; ++i) fired += faults.pick("ec2", "X") ? 1 : 0;
  EXPECT_GT(fired, 450);
  EXPECT_LT(fired, 750);
}

TEST(Faults, FromJson) {
  auto rule = fault_from_json(nlohmann::json::parse(
      R"({"kind":"slow","service":"ec2","nth":3,"times":1,"delay_ms":250})"));
  ASSERT_TRUE(rule) << rule.error();
  EXPECT_EQ(rule->kind, FaultKind::kSlow);
  EXPECT_EQ(rule->delay, std::chrono::milliseconds(250));
  EXPECT_EQ(rule->nth, 3);

  for (const char* bad : {R"({"kind":"explode","nth":1})", R"({"kind":"throttle"})",
                          R"({"kind":"throttle","rate":2})", R"({"kind":"drop","nth":"x"})",
                          R"([])"}) {
    EXPECT_FALSE(fault_from_json(nlohmann::json::parse(bad))) << bad;
  }
}

}  // namespace
}  // namespace sgwatch::emulator::faults_test
