// The config file through the real command line: errors that name their line and suggest
// the right key, ${ENV} expansion, secrets from files, the config's store and timezone
// used by the operator commands, flags over the file, and `sgwatch validate` against the
// emulator (a reachable account, an unreachable one, a denied region).
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/config_schema.h"
#include "config/config_loader.h"
#include "config/schema_docs.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "emulator_env.h"
#include "scoped_env.h"
#include "temp_dir.h"

namespace sgwatch::config_file_test {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The hub account, whose user sgwatch runs as; department B's account with a role sgwatch
// can assume and one whose external id sgwatch does not know; department C's, whose role
// may not read security groups.
nlohmann::json seed() {
  return nlohmann::json::parse(R"({
    "regions": ["us-east-1", "eu-west-1"],
    "accounts": [
      {"id": "111122223333",
       "users": [{"name": "sgwatch", "access_key_id": "AKIAEMULATORHUB00000",
                  "secret_access_key": "hub-secret"}]},
      {"id": "444455556666",
       "roles": [{"name": "sgwatch-reader", "external_id": "sgwatch"},
                 {"name": "strict-reader", "external_id": "dept-b-only"}]},
      {"id": "777788889999",
       "roles": [{"name": "blind-reader", "deny": ["ec2:DescribeSecurityGroups"]}]}
    ]})");
}

class ConfigFileTest : public ::testing::Test {
 public:
  void SetUp() override {
    auto started = emulator::Emulator::start(emulator::EmulatorOptions{}, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    auto seeded = emulator::apply_seed(*emulator_, seed());
    ASSERT_TRUE(seeded) << seeded.error();
    testing::use_emulator(env_, emulator_->endpoint(), dir_,
                          {"AKIAEMULATORHUB00000", "hub-secret"}, "eu-west-1");
    // Each test names its file with --config, or has none.
    env_.set("SGWATCH_CONFIG", std::nullopt);
    env_.set("STATE_DIRECTORY", dir_.path());
  }

  // Writes the config file (mode 0600, as a file holding secrets should be).
  std::string write_config(const std::string& text, const std::string& name = "sgwatch.toml") {
    const std::string path = dir_.file(name);
    std::ofstream(path) << text;
    chmod(path.c_str(), 0600);
    return path;
  }

  using Outcome = testing::CliOutcome;
  Outcome sgwatch(std::vector<std::string> args) {
    return testing::run_sgwatch(std::move(args), clock_);
  }
  uint64_t calls(const char* service, const char* action) {
    return emulator_->calls().calls(service, action);
  }

  SystemClock clock_;
  std::unique_ptr<emulator::Emulator> emulator_;
  testing::TempDir dir_;
  testing::ScopedEnv env_;
};

TEST_F(ConfigFileTest, TypoedKeyNamesItsLineAndSuggestsTheRightOne) {
  const std::string config = write_config("# watch settings\n[watch]\nintervall = \"5m\"\n");
  Outcome once = sgwatch({"--config", config, "once"});
  EXPECT_EQ(once.code, 78);
  EXPECT_TRUE(contains(once.err, config + ":3:1: unknown key 'intervall' in [watch]; did you "
                                          "mean 'interval'?"))
      << once.err;
  EXPECT_EQ(calls("sts", "GetCallerIdentity") + calls("ec2", "DescribeSecurityGroups"), 0u)
      << "a bad config must stop the command before any AWS call";

  Outcome validate = sgwatch({"--config", config, "validate", "--no-environment"});
  EXPECT_EQ(validate.code, 78);
  EXPECT_TRUE(contains(validate.out, "FAILED   config: " + config + ":3:1: "))
      << validate.out;
}

TEST_F(ConfigFileTest, KeyInTheWrongTableSaysWhereItBelongs) {
  const std::string config = write_config("interval = \"5m\"\n");
  Outcome once = sgwatch({"--config", config, "once"});
  EXPECT_EQ(once.code, 78);
  EXPECT_TRUE(contains(once.err, config + ":1:1: unknown key 'interval'")) << once.err;
  EXPECT_TRUE(contains(once.err, "[watch]")) << once.err;
}

TEST_F(ConfigFileTest, WrongTypeNamesTheExpectedType) {
  const std::string config = write_config("[watch]\nconcurrency = \"4\"\n");
  Outcome once = sgwatch({"--config", config, "once"});
  EXPECT_EQ(once.code, 78);
  EXPECT_TRUE(contains(once.err, config + ":2:")) << once.err;
  EXPECT_TRUE(contains(once.err, "watch.concurrency must be an integer")) << once.err;
}

TEST_F(ConfigFileTest, MistakesAcrossKeysAlsoStopTheCommandAsConfigErrors) {
  const std::string config = write_config(
      "[[accounts]]\nrole_arn = \"arn:aws:iam::444455556666:role/a\"\n\n"
      "[[accounts]]\nrole_arn = \"arn:aws:iam::444455556666:role/b\"\n");
  Outcome once = sgwatch({"--config", config, "once"});
  EXPECT_EQ(once.code, 78);
  EXPECT_TRUE(contains(once.err, config + ":4:1: accounts[2] is the same account as accounts[1]"))
      << once.err;
  Outcome validate = sgwatch({"--config", config, "validate"});
  EXPECT_EQ(validate.code, 78);
  EXPECT_TRUE(contains(validate.out, "FAILED   config: " + config + ":4:1: ")) << validate.out;
}

TEST_F(ConfigFileTest, MissingConfigNamedOnTheCommandLineIsAnError) {
  Outcome once = sgwatch({"--config", dir_.file("nowhere.toml"), "once"});
  EXPECT_EQ(once.code, 78);
  EXPECT_TRUE(contains(once.err, "cannot read config file '" + dir_.file("nowhere.toml") + "'"))
      << once.err;
}

TEST_F(ConfigFileTest, EnvironmentVariablesAreExpandedAndAnUnsetOneIsAnError) {
  const std::string config = write_config(
      "[watch]\nregions = [\"${SGWATCH_TEST_REGION}\"]\n\n[[accounts]]\nname = \"dept-b\"\n"
      "role_arn = \"arn:aws:iam::${DEPT_B_ACCOUNT}:role/sgwatch-reader\"\n"
      "external_id = \"${DEPT_B_EXTERNAL_ID:-sgwatch}\"\n");
  env_.set("SGWATCH_TEST_REGION", "us-east-1");
  env_.set("DEPT_B_ACCOUNT", std::nullopt);
  env_.set("DEPT_B_EXTERNAL_ID", std::nullopt);
  Outcome unset = sgwatch({"--config", config, "once"});
  EXPECT_EQ(unset.code, 78);
  EXPECT_TRUE(contains(unset.err, config + ":6:12: accounts[1].role_arn: environment variable "
                                           "DEPT_B_ACCOUNT is not set"))
      << unset.err;

  env_.set("DEPT_B_ACCOUNT", "444455556666");
  Outcome once = sgwatch({"--config", config, "once"});
  EXPECT_EQ(once.code, 0) << once.err;
  EXPECT_TRUE(contains(once.err, "Baseline of 444455556666/us-east-1")) << once.err;
  EXPECT_EQ(calls("sts", "AssumeRole"), 1u);
}

TEST_F(ConfigFileTest, OperatorCommandsReadTheConfigsStoreAndShowTheConfigsTimezone) {
  const std::string store = dir_.file("daemon/sgwatch.db");
  const std::string config =
      write_config("timezone = \"Asia/Kolkata\"\n\n[store]\npath = \"" + store + "\"\n");
  ASSERT_EQ(sgwatch({"--config", config, "once"}).code, 0);
  const std::string group = emulator_->ec2().default_group("111122223333", "eu-west-1");

  Outcome history = sgwatch({"--config", config, "history", group});
  EXPECT_EQ(history.code, 0) << history.err;
  EXPECT_TRUE(contains(history.out, "+05:30")) << history.out;
  // JSON keeps UTC whatever the display zone.
  Outcome json = sgwatch({"--config", config, "--output", "json", "show", group});
  EXPECT_EQ(json.code, 0) << json.err;
  EXPECT_TRUE(contains(nlohmann::json::parse(json.out).at("observed_at"), "Z"));

  // --store still wins over the file.
  Outcome elsewhere = sgwatch({"--config", config, "--store", dir_.file("other.db"), "history",
                               group});
  EXPECT_EQ(elsewhere.code, 1);
  EXPECT_TRUE(contains(elsewhere.err, "other.db")) << elsewhere.err;
}

TEST_F(ConfigFileTest, FlagsOverrideTheFile) {
  const std::string config = write_config(
      "log_level = \"warn\"\n[watch]\nregions = [\"us-east-1\"]\n[[accounts]]\n"
      "role_arn = \"arn:aws:iam::444455556666:role/strict-reader\"\nexternal_id = \"wrong\"\n");
  Outcome once = sgwatch({"--config", config, "--store", dir_.file("s.db"), "--log-level",
                          "info", "once", "--region", "eu-west-1", "--role-arn",
                          "arn:aws:iam::444455556666:role/sgwatch-reader", "--external-id",
                          "sgwatch"});
  EXPECT_EQ(once.code, 0) << once.err;
  EXPECT_TRUE(contains(once.err, "Baseline of 444455556666/eu-west-1")) << once.err;
  EXPECT_FALSE(contains(once.err, "us-east-1")) << once.err;

  // Without the flag the file's log level holds: no info lines.
  const std::string quiet = write_config("log_level = \"warn\"\n", "quiet.toml");
  Outcome warn_only = sgwatch({"--config", quiet, "--store", dir_.file("q.db"), "once"});
  EXPECT_EQ(warn_only.code, 0) << warn_only.err;
  EXPECT_FALSE(contains(warn_only.err, "Baseline")) << warn_only.err;
}

TEST_F(ConfigFileTest, ValidatePassesWhenEveryAccountAndRegionAnswers) {
  const std::string config = write_config(
      "[watch]\nregions = [\"eu-west-1\", \"us-east-1\"]\n\n[[accounts]]\nname = \"hub\"\n\n"
      "[[accounts]]\nname = \"dept-b\"\n"
      "role_arn = \"arn:aws:iam::444455556666:role/sgwatch-reader\"\nexternal_id = \"sgwatch\"\n");
  Outcome validate = sgwatch({"--config", config, "validate"});
  EXPECT_EQ(validate.code, 0) << validate.out << validate.err;
  EXPECT_TRUE(contains(validate.out, "ok       config: " + config + " is valid; it observes 2 accounts"))
      << validate.out;
  EXPECT_TRUE(contains(validate.out, "ok       store " + dir_.path() + "/sgwatch.db: does not "
                                     "exist yet"))
      << validate.out;
  EXPECT_TRUE(contains(validate.out, "ok       account hub (111122223333): sts:GetCallerIdentity "
                                     "answered: arn:aws:iam::111122223333:user/sgwatch"))
      << validate.out;
  EXPECT_TRUE(contains(validate.out, "ok       account dept-b (444455556666) us-east-1: "
                                     "ec2:DescribeSecurityGroups answered"))
      << validate.out;
  EXPECT_TRUE(contains(validate.out, "ok       account dept-b (444455556666) us-east-1 trail: "
                                     "cloudtrail:LookupEvents answered"))
      << validate.out;
  EXPECT_TRUE(contains(validate.out, "12 checks: 12 passed.")) << validate.out;
}

TEST_F(ConfigFileTest, ValidateFailsClearlyForAnUnreachableAccountAndADeniedRegion) {
  const std::string config = write_config(
      "[[accounts]]\nname = \"dept-b\"\n"
      "role_arn = \"arn:aws:iam::444455556666:role/strict-reader\"\nexternal_id = \"sgwatch\"\n\n"
      "[[accounts]]\nname = \"dept-c\"\n"
      "role_arn = \"arn:aws:iam::777788889999:role/blind-reader\"\n");
  Outcome validate = sgwatch({"--config", config, "--output", "text", "validate"});
  EXPECT_EQ(validate.code, 1) << validate.out << validate.err;
  EXPECT_TRUE(contains(validate.out, "FAILED   account dept-b (444455556666): no credentials: "))
      << validate.out;
  EXPECT_TRUE(contains(validate.out, "AccessDenied")) << validate.out;
  EXPECT_TRUE(contains(validate.out, "skipped  account dept-b (444455556666) regions"))
      << validate.out;
  EXPECT_TRUE(contains(validate.out, "FAILED   account dept-c (777788889999) eu-west-1: "
                                     "ec2:DescribeSecurityGroups failed: "))
      << validate.out;
  EXPECT_TRUE(contains(validate.out, "UnauthorizedOperation")) << validate.out;

  Outcome json = sgwatch({"--config", config, "--output", "json", "validate"});
  EXPECT_EQ(json.code, 1);
  auto document = nlohmann::json::parse(json.out);
  EXPECT_FALSE(document.at("ok").get<bool>());
  EXPECT_EQ(document.at("checks").at(0).at("outcome"), "ok");
}

TEST_F(ConfigFileTest, ValidateFailsForAMissingSecretFileWithoutShowingSecrets) {
  std::ofstream(dir_.file("dept-b.external-id")) << "s3cr3t-external-id\n";
  chmod(dir_.file("dept-b.external-id").c_str(), 0644);
  const std::string config = write_config(
      "[[accounts]]\nname = \"dept-b\"\n"
      "role_arn = \"arn:aws:iam::444455556666:role/sgwatch-reader\"\n"
      "external_id_file = \"dept-b.external-id\"\n\n"
      "[[accounts]]\nname = \"dept-c\"\n"
      "role_arn = \"arn:aws:iam::777788889999:role/sgwatch-reader\"\n"
      "external_id_file = \"missing.external-id\"\n");
  Outcome validate = sgwatch({"--config", config, "validate"});
  EXPECT_EQ(validate.code, 78);
  EXPECT_TRUE(contains(validate.out, config + ":9:")) << validate.out;
  EXPECT_TRUE(contains(validate.out, "accounts[2].external_id_file: cannot read '" +
                                         dir_.file("missing.external-id") + "'"))
      << validate.out;
  // The readable secret file is a warning, and its content appears nowhere.
  EXPECT_TRUE(contains(validate.out, "warning  config")) << validate.out;
  EXPECT_TRUE(contains(validate.out, "readable by other users")) << validate.out;
  EXPECT_FALSE(contains(validate.out + validate.err, "s3cr3t")) << validate.out;
  EXPECT_TRUE(contains(validate.out, "skipped  environment")) << validate.out;
}

TEST_F(ConfigFileTest, ValidateWithoutAFileChecksTheDefaults) {
  Outcome validate = sgwatch({"validate", "--no-environment"});
  EXPECT_EQ(validate.code, 0) << validate.out;
  EXPECT_TRUE(contains(validate.out, "every key has its default")) << validate.out;
  EXPECT_EQ(calls("sts", "GetCallerIdentity"), 0u);
}

TEST(ConfigReference, DocsConfigMdIsTheSchemasMarkdown) {
  std::ifstream in(std::string(SGWATCH_TEST_DATA_DIR) + "/../../docs/CONFIG.md");
  ASSERT_TRUE(in) << "docs/CONFIG.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), schema_markdown(sgwatch_config_schema()))
      << "regenerate it: sgwatch config schema --format markdown > docs/CONFIG.md";
}

TEST(ConfigExamples, PackagedExamplesAreValid) {
  testing::ScopedEnv env;
  env.set("SGWATCH_DEPT_B_EXTERNAL_ID", "example");
  const std::string dir = std::string(SGWATCH_TEST_DATA_DIR) + "/../../packaging";
  for (const char* name : {"sgwatch.toml", "sgwatch-multi-account.toml"}) {
    ConfigLoad load = load_config_file(dir + "/" + name, sgwatch_config_schema(), process_env());
    std::string problems;
    for (const auto& d : load.diagnostics) problems += d.str() + "\n";
    EXPECT_TRUE(load.ok()) << name << ":\n" << problems;
    EXPECT_TRUE(load.diagnostics.empty()) << name << ":\n" << problems;
  }
}

}  // namespace
}  // namespace sgwatch::config_file_test
