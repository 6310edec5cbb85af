// `sgwatch once` end to end against the emulator: awscli changes a group, sgwatch reports
// exactly that change, learns its rule id, and a failing region is skipped, not emptied.
#include <stdlib.h>

#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "emulator_fixture.h"

#include "app/cli.h"
#include "awscli.h"
#include "core/clock.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "temp_dir.h"

namespace sgwatch {
namespace {

// Sets environment variables for one test and puts the old values back afterwards.
class ScopedEnv {
 public:
  void set(const std::string& name, const std::optional<std::string>& value) {
    if (!saved_.count(name)) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value) {
      setenv(name.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

class OnceTest : public testing::EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    if (HasFatalFailure()) return;
    env_.set("AWS_ENDPOINT_URL", emulator_->endpoint());
    env_.set("AWS_ACCESS_KEY_ID", "AKIAEMULATORADMIN000");
    env_.set("AWS_SECRET_ACCESS_KEY", "emulator-admin-secret");
    env_.set("AWS_SESSION_TOKEN", std::nullopt);
    env_.set("AWS_PROFILE", std::nullopt);
    env_.set("AWS_REGION", std::nullopt);
    env_.set("AWS_DEFAULT_REGION", std::nullopt);
    env_.set("AWS_CONFIG_FILE", dir_.file("config"));
    env_.set("AWS_SHARED_CREDENTIALS_FILE", dir_.file("credentials"));
    env_.set("AWS_EC2_METADATA_DISABLED", "true");
    env_.set("AWS_MAX_ATTEMPTS", "1");  // a failed call fails at once: no backoff sleeps
  }
  struct Outcome {
    int code;
    std::string out, err;
  };
  Outcome sgwatch(std::vector<std::string> args) {
    args.insert(args.begin(), {"sgwatch", "--store", dir_.file("store.db")});
    std::vector<const char*> argv;
    for (const auto& arg : args) argv.push_back(arg.c_str());
    std::ostringstream out, err;
    int code = run_cli(static_cast<int>(argv.size()), argv.data(), out, err, clock_);
    return {code, out.str(), err.str()};
  }

  testing::TempDir dir_;
  ScopedEnv env_;
};

TEST_F(OnceTest, ReportsExactlyWhatAwscliChanged) {
  testing::AwsCli cli(emulator_->endpoint(), "AKIAEMULATORADMIN000", "emulator-admin-secret");
  auto created = cli.run({"ec2", "create-security-group", "--group-name", "web-dept-a",
                          "--description", "web"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string group = created.json()["GroupId"];

  Outcome baseline = sgwatch({"once", "--region", "eu-west-1"});
  ASSERT_EQ(baseline.code, 0) << baseline.err;
  EXPECT_NE(baseline.out.find("stored as the baseline"), std::string::npos) << baseline.out;

  ASSERT_EQ(cli.run({"ec2", "authorize-security-group-ingress", "--group-id", group, "--protocol",
                     "tcp", "--port", "3389", "--cidr", "0.0.0.0/0"}).exit_code, 0);
  Outcome change = sgwatch({"once", "--region", "eu-west-1"});
  ASSERT_EQ(change.code, 0) << change.err;
  EXPECT_NE(change.out.find(group + " (web-dept-a) modified\n  + ingress tcp/3389 from 0.0.0.0/0"),
            std::string::npos)
      << change.out;
  EXPECT_NE(change.out.find("1 changed"), std::string::npos) << change.out;

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

  Outcome quiet = sgwatch({"once", "--region", "eu-west-1"});
  EXPECT_NE(quiet.out.find("no changes"), std::string::npos) << quiet.out;
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
}  // namespace sgwatch
