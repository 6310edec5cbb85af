// `sgwatch once` end to end against the emulator: awscli changes a group, sgwatch reports
// exactly that change, learns its rule id, and a failing region is skipped, not emptied.
#include <stdlib.h>

#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "cli_runner.h"

#include "emulator_fixture.h"
#include "emulator_env.h"
#include "scoped_env.h"

#include "app/cli.h"
#include "awscli.h"
#include "core/clock.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "temp_dir.h"

namespace sgwatch::once_test {
namespace {

class OnceTest : public testing::EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    if (HasFatalFailure()) return;
    testing::use_emulator(env_, emulator_->endpoint(), dir_,
                          {"AKIAEMULATORADMIN000", "emulator-admin-secret"}, std::nullopt);
  }
  using Outcome = testing::CliOutcome;
  Outcome sgwatch(std::vector<std::string> args) {
    args.insert(args.begin(), {"--store", dir_.file("store.db")});
    return testing::run_sgwatch(std::move(args), clock_);
  }

  testing::TempDir dir_;
  testing::ScopedEnv env_;
};

TEST_F(OnceTest, ReportsExactlyWhatAwscliChanged) {
  testing::AwsCli cli(emulator_->endpoint(), "AKIAEMULATORADMIN000", "emulator-admin-secret");
  auto created = cli.run({"ec2", "create-security-group", "--group-name", "web-dept-a",
                          "--description", "web"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string group = created.json()["GroupId"];

  Outcome baseline = sgwatch({"once", "--region", "eu-west-1"});
  ASSERT_EQ(baseline.code, 0) << baseline.err;
  // The first look is one log line, not a list of every group as "created": the default
  // group allows all traffic from itself and out, the new one all traffic out.
  EXPECT_EQ(baseline.out, "");
  EXPECT_NE(baseline.err.find("Baseline of 111122223333/eu-west-1: 2 groups and 3 rules recorded."),
            std::string::npos)
      << baseline.err;

  ASSERT_EQ(cli.run({"ec2", "authorize-security-group-ingress", "--group-id", group, "--protocol",
                     "tcp", "--port", "3389", "--cidr", "0.0.0.0/0"}).exit_code, 0);
  const std::string jsonl = dir_.file("changes.jsonl");
  Outcome change = sgwatch({"once", "--region", "eu-west-1", "--jsonl", jsonl});
  ASSERT_EQ(change.code, 0) << change.err;
  EXPECT_NE(change.out.find(group + " (web-dept-a) modified in 111122223333/eu-west-1, "
                                    "observed "),
            std::string::npos)
      << change.out;
  EXPECT_NE(change.out.find("\n  + ingress tcp/3389 from 0.0.0.0/0  [sgr-"), std::string::npos)
      << change.out;
  EXPECT_NE(change.out.find("]\n  by arn:aws:iam::111122223333:user/admin (IAMUser) from "
                            "127.0.0.1 with awscli (aws-cli/"),
            std::string::npos)
      << change.out;
  EXPECT_NE(change.out.find("1 changed"), std::string::npos) << change.out;
  // The change brings a finding: RDP open to the world.
  EXPECT_NE(change.out.find("  ! CRITICAL  " + group + ": "), std::string::npos) << change.out;
  EXPECT_NE(change.out.find("3389"), change.out.rfind("3389")) << change.out;
  Outcome as_json = sgwatch({"--output", "json", "once", "--region", "eu-west-1"});
  EXPECT_TRUE(nlohmann::json::parse(as_json.out).at(0).at("findings").empty())
      << "a quiet cycle brings no findings: " << as_json.out;

  // The rule id was learned for the changed group, and shows where the rule is listed.
  auto rules = cli.run({"ec2", "describe-security-group-rules", "--filters",
                        "Name=group-id,Values=" + group});
  std::string rdp_id;
  const nlohmann::json listed = rules.json();
  for (const auto& rule : listed["SecurityGroupRules"]) {
    if (rule.value("FromPort", 0) == 3389) rdp_id = rule["SecurityGroupRuleId"];
  }
  ASSERT_FALSE(rdp_id.empty()) << rules.out << rules.err;
  Outcome shown = sgwatch({"show", group});
  EXPECT_NE(shown.out.find("tcp/3389 from 0.0.0.0/0  [" + rdp_id + "]"), std::string::npos)
      << shown.out;

  // One line for the one change, with the rule as awscli lists it.
  std::ifstream lines(jsonl);
  std::string line;
  ASSERT_TRUE(std::getline(lines, line));
  const nlohmann::json record = nlohmann::json::parse(line);
  EXPECT_EQ(record["account"], "111122223333");
  EXPECT_EQ(record["region"], "eu-west-1");
  EXPECT_EQ(record["group_id"], group);
  EXPECT_EQ(record["group_name"], "web-dept-a");
  EXPECT_EQ(record["kind"], "modified");
  ASSERT_EQ(record["added"].size(), 1u);
  EXPECT_EQ(record["added"][0]["from_port"], 3389);
  EXPECT_EQ(record["added"][0]["rule_id"], rdp_id);
  EXPECT_FALSE(std::getline(lines, line)) << line;

  Outcome quiet = sgwatch({"once", "--region", "eu-west-1", "--jsonl", jsonl});
  EXPECT_NE(quiet.out.find("no changes"), std::string::npos) << quiet.out;
  std::ifstream again(jsonl);
  size_t count = 0;
  while (std::getline(again, line)) ++count;
  EXPECT_EQ(count, 1u) << "a quiet cycle appends nothing";
}

TEST_F(OnceTest, RiskyRulesPresentAtTheBaselineAreSummedUp) {
  testing::AwsCli cli(emulator_->endpoint(), "AKIAEMULATORADMIN000", "emulator-admin-secret");
  auto created = cli.run({"ec2", "create-security-group", "--group-name", "db", "--description",
                          "db"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string group = created.json()["GroupId"];
  ASSERT_EQ(cli.run({"ec2", "authorize-security-group-ingress", "--group-id", group, "--protocol",
                     "tcp", "--port", "5432", "--cidr", "0.0.0.0/0"}).exit_code, 0);
  Outcome baseline = sgwatch({"once", "--region", "eu-west-1"});
  ASSERT_EQ(baseline.code, 0) << baseline.err;
  EXPECT_EQ(baseline.out, "");
  EXPECT_NE(baseline.err.find("sgwatch: warning: Findings at the baseline of "
                              "111122223333/eu-west-1: "),
            std::string::npos)
      << baseline.err;
  EXPECT_NE(baseline.err.find("1 high"), std::string::npos) << baseline.err;
  EXPECT_NE(baseline.err.find(group), std::string::npos) << baseline.err;
}

TEST_F(OnceTest, AQuietRunMakesOnlyTheDescribeCalls) {
  ASSERT_EQ(sgwatch({"once", "--region", "eu-west-1"}).code, 0);
  emulator_->calls().reset();
  Outcome quiet = sgwatch({"once", "--region", "eu-west-1"});
  ASSERT_EQ(quiet.code, 0) << quiet.err;
  // Who the credentials belong to is remembered; one page of groups and one page of the
  // trail's write events, nothing else.
  EXPECT_EQ(emulator_->calls().by_action(),
            (std::map<std::string, uint64_t>{{"ec2:DescribeSecurityGroups", 1},
                                             {"cloudtrail:LookupEvents", 1}}));
}

TEST_F(OnceTest, AFailingRegionIsSkippedNotEmptied) {
  ASSERT_EQ(sgwatch({"once", "--region", "eu-west-1", "--region", "us-east-1"}).code, 0);
  emulator_->faults().add({emulator::FaultKind::kServerError, "ec2", "DescribeSecurityGroups",
                           0, 1, -1, {}});
  Outcome failed = sgwatch({"once", "--region", "eu-west-1"});
  EXPECT_EQ(failed.code, 1);
  EXPECT_NE(failed.err.find("Skipped 111122223333/eu-west-1"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("InternalError"), std::string::npos) << failed.err;
  EXPECT_EQ(failed.out.find("deleted"), std::string::npos) << failed.out;
  emulator_->faults().clear();
  Outcome clean = sgwatch({"once", "--region", "eu-west-1"});
  EXPECT_EQ(clean.code, 0) << clean.err;
  EXPECT_NE(clean.out.find("no changes"), std::string::npos) << clean.out;
}

TEST_F(OnceTest, NoRegionIsAClearError) {
  Outcome none = sgwatch({"once"});
  EXPECT_EQ(none.code, 1);
  EXPECT_NE(none.err.find("no region"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace sgwatch::once_test
