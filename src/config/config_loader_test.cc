#include "config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace sgwatch::config_loader_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kFile = "sgwatch.toml";

std::string text_of(const ConfigValue& value) {
  const auto* text = std::get_if<std::string>(&value);
  return text ? *text : std::string();
}

std::string check_duration(const ConfigValue& value) {
  const std::string text = text_of(value);
  if (text.size() >= 2 && (text.back() == 's' || text.back() == 'm') &&
      text.find_first_not_of("0123456789") == text.size() - 1) {
    return "";
  }
  return "'" + text + "' is not a duration; write it like 60s or 5m";
}

std::string check_region(const ConfigValue& value) {
  const std::string text = text_of(value);
  if (text == "all" || text.starts_with("eu-") || text.starts_with("us-")) return "";
  return "'" + text + "' is not a region";
}

std::string check_external_id(const ConfigValue& value) {
  const std::string text = text_of(value);
  if (text.find(' ') == std::string::npos) return "";
  return "'" + text + "' must not contain spaces";
}

std::string check_concurrency(const ConfigValue& value) {
  const auto* number = std::get_if<std::int64_t>(&value);
  return number && *number >= 1 && *number <= 64 ? "" : "must be between 1 and 64";
}

// A small schema shaped like the application's, so the tests do not depend on it.
KeySchema test_schema() {
  KeySchema log_level = string_key("log_level", "The least severe message shown.", "info");
  log_level.allowed = {"trace", "debug", "info", "warn", "error", "off"};
  KeySchema interval = string_key("interval", "Time between cycles.", "60s");
  interval.check = check_duration;
  KeySchema concurrency = integer_key("concurrency", "Pairs observed at once.", 4);
  concurrency.check = check_concurrency;
  KeySchema regions = string_list_key("regions", "Regions to observe.");
  regions.check = check_region;
  KeySchema role_arn = string_key("role_arn", "The role to assume.");
  role_arn.required = true;
  KeySchema external_id = string_key("external_id", "The role's external id.");
  external_id.secret = true;
  external_id.check = check_external_id;
  return table_key(
      "", "",
      {log_level, string_key("timezone", "Where times are shown.", "UTC"),
       table_key("watch", "What to observe.",
                 {interval, concurrency, regions, string_key("jsonl", "Change log."),
                  boolean_key("verbose", "Say more.", false),
                  string_list_key("tags", "Labels.", std::vector<std::string>{"a", "b"})}),
       table_array_key("accounts", "Accounts to observe.",
                       {string_key("name", "A name."), role_arn, external_id, regions})});
}

EnvLookup fake_env(std::map<std::string, std::string> vars = {}) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto found = vars.find(name);
    if (found == vars.end() || found->second.empty()) return std::nullopt;
    return found->second;
  };
}

ConfigLoad load(const std::string& text, const EnvLookup& env = fake_env()) {
  return load_config_text(text, kFile, test_schema(), env);
}

std::vector<std::string> messages(const ConfigLoad& load) {
  std::vector<std::string> out;
  for (const ConfigDiagnostic& diagnostic : load.diagnostics) out.push_back(diagnostic.str());
  return out;
}

std::string all_messages(const ConfigLoad& load) {
  std::string out;
  for (const std::string& message : messages(load)) out += message + "\n";
  return out;
}

// A fresh directory under the test framework's temporary directory.
class ConfigLoaderFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "config-loader-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string write(const std::string& name, const std::string& content, mode_t mode) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << content;
    chmod(path.c_str(), mode);
    return path;
  }
  std::string dir_;
};

TEST(ConfigLoader, FillsDefaultsForAnEmptyFile) {
  ConfigLoad result = load("");
  ASSERT_TRUE(result.ok()) << all_messages(result);
  EXPECT_TRUE(result.diagnostics.empty());
  const ConfigTable& config = *result.config;
  EXPECT_EQ(config.string("log_level"), "info");
  EXPECT_FALSE(config.given("log_level"));
  EXPECT_EQ(config.where("log_level").line, 0);
  EXPECT_EQ(config.where("log_level").str(), kFile);
  const ConfigTable& watch = config.table("watch");
  EXPECT_EQ(watch.string("interval"), "60s");
  EXPECT_EQ(watch.integer("concurrency"), 4);
  EXPECT_EQ(watch.boolean("verbose"), false);
  EXPECT_EQ(watch.strings("tags"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(watch.strings("regions"), std::nullopt);
  EXPECT_EQ(watch.string("jsonl"), std::nullopt);
  EXPECT_FALSE(config.given("watch"));
  EXPECT_TRUE(config.tables("accounts").empty());
}

TEST(ConfigLoader, DefaultsOfMatchesAnEmptyFile) {
  const ConfigTable config = defaults_of(test_schema());
  EXPECT_EQ(config.string("log_level"), "info");
  EXPECT_EQ(config.string("timezone"), "UTC");
  EXPECT_EQ(config.table("watch").string("interval"), "60s");
  EXPECT_EQ(config.table("watch").integer("concurrency"), 4);
  EXPECT_FALSE(config.table("watch").given("interval"));
  EXPECT_TRUE(config.tables("accounts").empty());
}

TEST(ConfigLoader, ReadsValuesAndWhereTheyAre) {
  ConfigLoad result = load(
      "log_level = \"debug\"\n"
      "\n"
      "[watch]\n"
      "interval = \"5m\"\n"
      "concurrency = 8\n"
      "verbose = true\n"
      "regions = [\"eu-west-1\", \"us-east-1\"]\n");
  ASSERT_TRUE(result.ok()) << all_messages(result);
  const ConfigTable& config = *result.config;
  EXPECT_EQ(config.string("log_level"), "debug");
  EXPECT_TRUE(config.given("log_level"));
  EXPECT_EQ(config.where("log_level").str(), "sgwatch.toml:1:13");
  EXPECT_EQ(config.string("timezone"), "UTC");
  const ConfigTable& watch = config.table("watch");
  EXPECT_TRUE(config.given("watch"));
  EXPECT_EQ(watch.position().str(), "sgwatch.toml:3:1");
  EXPECT_EQ(watch.string("interval"), "5m");
  EXPECT_EQ(watch.where("interval").str(), "sgwatch.toml:4:12");
  EXPECT_EQ(watch.integer("concurrency"), 8);
  EXPECT_EQ(watch.boolean("verbose"), true);
  EXPECT_EQ(watch.strings("regions"), (std::vector<std::string>{"eu-west-1", "us-east-1"}));
  // A key the file leaves out is placed at its table.
  EXPECT_EQ(watch.where("jsonl").str(), "sgwatch.toml:3:1");
}

TEST(ConfigLoader, ReadsTableArraysInFileOrder) {
  ConfigLoad result = load(
      "[[accounts]]\n"
      "name = \"a\"\n"
      "role_arn = \"arn:a\"\n"
      "\n"
      "[[accounts]]\n"
      "name = \"b\"\n"
      "role_arn = \"arn:b\"\n"
      "regions = \"eu-west-1\"\n");
  ASSERT_TRUE(result.ok()) << all_messages(result);
  const auto& accounts = result.config->tables("accounts");
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[0].string("name"), "a");
  EXPECT_EQ(accounts[0].position().str(), "sgwatch.toml:1:1");
  EXPECT_EQ(accounts[0].strings("regions"), std::nullopt);
  EXPECT_EQ(accounts[1].string("role_arn"), "arn:b");
  EXPECT_EQ(accounts[1].position().str(), "sgwatch.toml:5:1");
  // A single string is a list of one.
  EXPECT_EQ(accounts[1].strings("regions"), (std::vector<std::string>{"eu-west-1"}));
  EXPECT_EQ(result.config->where("accounts").str(), "sgwatch.toml:1:1");
}

TEST(ConfigLoader, SuggestsTheKeyMeantInTheSameTable) {
  ConfigLoad result = load(
      "[watch]\n"
      "concurrency = 2\n"
      "\n"
      "intervall = \"5m\"\n"
      "rgions = [\"eu-west-1\"]\n"
      "[[accounts]]\n"
      "role-arn = \"arn:a\"\n"
      "extrenal_id = \"x\"\n"
      "x = 1\n");
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(messages(result),
              ElementsAre("sgwatch.toml:4:1: unknown key 'intervall' in [watch]; did you mean "
                          "'interval'?",
                          "sgwatch.toml:5:1: unknown key 'rgions' in [watch]; did you mean "
                          "'regions'?",
                          "sgwatch.toml:6:1: accounts[1] has no role_arn, which is required",
                          "sgwatch.toml:7:1: unknown key 'role-arn' in accounts[1]; did you "
                          "mean 'role_arn'?",
                          "sgwatch.toml:8:1: unknown key 'extrenal_id' in accounts[1]; did you "
                          "mean 'external_id'?",
                          "sgwatch.toml:9:1: unknown key 'x' in accounts[1]"));
}

TEST(ConfigLoader, SaysWhereAMisplacedKeyBelongs) {
  ConfigLoad result = load(
      "log_level = \"info\"\n"
      "\n"
      "interval = \"5m\"\n"
      "regions = \"eu-west-1\"\n"
      "[watch]\n"
      "timezone = \"UTC\"\n"
      "external_id_file = \"/x\"\n");
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(messages(result),
              ElementsAre("sgwatch.toml:3:1: unknown key 'interval' at the top level; it "
                          "belongs in [watch]",
                          "sgwatch.toml:4:1: unknown key 'regions' at the top level; it belongs "
                          "in [watch] or [[accounts]]",
                          "sgwatch.toml:6:1: unknown key 'timezone' in [watch]; it belongs at "
                          "the top level",
                          "sgwatch.toml:7:1: unknown key 'external_id_file' in [watch]; it "
                          "belongs in [[accounts]]"));
}

TEST(ConfigLoader, NamesExpectedAndFoundTypes) {
  ConfigLoad result = load(
      "timezone = 5\n"
      "[watch]\n"
      "\n"
      "concurrency = \"4\"\n"
      "verbose = \"yes\"\n"
      "interval = 1.5\n"
      "jsonl = 1979-05-27\n"
      "regions = [\"eu-west-1\", 7]\n"
      "tags = { a = 1 }\n");
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(
      messages(result),
      ElementsAre("sgwatch.toml:1:12: timezone must be a string, not an integer (5)",
                  "sgwatch.toml:4:15: watch.concurrency must be an integer, not a string (\"4\")",
                  "sgwatch.toml:5:11: watch.verbose must be a boolean, not a string (\"yes\")",
                  "sgwatch.toml:6:12: watch.interval must be a string, not a float (1.5)",
                  "sgwatch.toml:7:9: watch.jsonl must be a string, not a date (1979-05-27)",
                  "sgwatch.toml:8:25: watch.regions[2] must be a string, not an integer (7)",
                  "sgwatch.toml:9:8: watch.tags must be a string or an array of strings, not a "
                  "table"));
}

TEST(ConfigLoader, RefusesTablesGivenAsValuesAndValuesAsTables) {
  ConfigLoad result = load(
      "watch = 5\n"
      "[accounts]\n"
      "name = \"a\"\n"
      "[timezone]\n");
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(messages(result),
              ElementsAre("sgwatch.toml:1:9: watch must be a table, not an integer (5)",
                          "sgwatch.toml:2:1: accounts must be an array of tables, not a table; "
                          "write [[accounts]] for each one",
                          "sgwatch.toml:4:1: timezone must be a string, not a table"));
}

TEST(ConfigLoader, ListsAllowedValues) {
  ConfigLoad result = load("\nlog_level = \"verbose\"\n");
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(messages(result),
              ElementsAre("sgwatch.toml:2:13: log_level is \"verbose\"; it must be one of: "
                          "trace, debug, info, warn, error, off"));
}

TEST(ConfigLoader, ReportsChecksOfFileValuesPerListElement) {
  ConfigLoad result = load(
      "[watch]\n"
      "interval = \"soon\"\n"
      "concurrency = 0\n"
      "regions = [\"eu-west-1\", \"mars-1\"]\n");
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(messages(result),
              ElementsAre("sgwatch.toml:2:12: watch.interval: 'soon' is not a duration; write "
                          "it like 60s or 5m",
                          "sgwatch.toml:3:15: watch.concurrency: must be between 1 and 64",
                          "sgwatch.toml:4:25: watch.regions[2]: 'mars-1' is not a region"));
}

TEST(ConfigLoader, CollectsEveryProblemInFileOrder) {
  ConfigLoad result = load(
      "log_level = \"loud\"\n"
      "[watch]\n"
      "concurrency = \"many\"\n"
      "intervall = \"5m\"\n"
      "[[accounts]]\n"
      "name = \"a\"\n"
      "[[accounts]]\n"
      "role_arn = 5\n");
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(messages(result),
              ElementsAre(HasSubstr("sgwatch.toml:1:13: log_level is \"loud\""),
                          HasSubstr("sgwatch.toml:3:15: watch.concurrency must be an integer"),
                          HasSubstr("sgwatch.toml:4:1: unknown key 'intervall'"),
                          "sgwatch.toml:5:1: accounts[1] has no role_arn, which is required",
                          "sgwatch.toml:8:12: accounts[2].role_arn must be a string, not an "
                          "integer (5)"));
}

TEST(ConfigLoader, ReportsTomlSyntaxErrorsWithTheirPosition) {
  ConfigLoad result = load("[watch]\ninterval = \"5m\"\nconcurrency = \n");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  const ConfigDiagnostic& error = result.diagnostics[0];
  EXPECT_EQ(error.severity, ConfigDiagnostic::Severity::kError);
  EXPECT_EQ(error.where.str(), "sgwatch.toml:3:15");
  EXPECT_THAT(error.str(), HasSubstr("sgwatch.toml:3:15: not valid TOML: "));
  EXPECT_THAT(error.message, HasSubstr("expected value"));

  ConfigLoad twice = load("log_level = \"info\"\nlog_level = \"warn\"\n");
  ASSERT_EQ(twice.diagnostics.size(), 1u);
  EXPECT_EQ(twice.diagnostics[0].where.line, 2);
}

TEST(ConfigLoader, ExpandsEnvironmentVariablesInStringsAndListElements) {
  const EnvLookup env = fake_env({{"OUT_DIR", "/var/log"}, {"REGION", "eu-west-1"}});
  ConfigLoad result = load(
      "[watch]\n"
      "jsonl = \"${OUT_DIR}/changes.jsonl\"\n"
      "interval = \"${INTERVAL:-5m}\"\n"
      "regions = [\"us-east-1\", \"${REGION}\"]\n"
      "[[accounts]]\n"
      "role_arn = \"arn:$${literal}\"\n",
      env);
  ASSERT_TRUE(result.ok()) << all_messages(result);
  const ConfigTable& watch = result.config->table("watch");
  EXPECT_EQ(watch.string("jsonl"), "/var/log/changes.jsonl");
  EXPECT_EQ(watch.string("interval"), "5m");
  EXPECT_EQ(watch.strings("regions"), (std::vector<std::string>{"us-east-1", "eu-west-1"}));
  EXPECT_EQ(result.config->tables("accounts")[0].string("role_arn"), "arn:${literal}");
}

TEST(ConfigLoader, ChecksValuesAfterExpansion) {
  ConfigLoad result = load(
      "log_level = \"${LEVEL}\"\n"
      "[watch]\n"
      "regions = [\"${REGION}\"]\n",
      fake_env({{"LEVEL", "chatty"}, {"REGION", "moon-1"}}));
  EXPECT_THAT(messages(result),
              ElementsAre(HasSubstr("1:13: log_level is \"chatty\"; it must be one of"),
                          "sgwatch.toml:3:12: watch.regions[1]: 'moon-1' is not a region"));
}

TEST(ConfigLoader, ReportsUnsetVariablesAndBadReferences) {
  ConfigLoad result = load(
      "[watch]\n"
      "jsonl = \"${SGWATCH_OUT}/x.jsonl\"\n"
      "interval = \"${1BAD}\"\n"
      "regions = [\"eu-west-1\", \"${REGION\"]\n");
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(messages(result),
              ElementsAre("sgwatch.toml:2:9: watch.jsonl: environment variable SGWATCH_OUT is "
                          "not set",
                          HasSubstr("sgwatch.toml:3:12: watch.interval: '1BAD' in ${...} is not "
                                    "an environment variable name"),
                          HasSubstr("sgwatch.toml:4:25: watch.regions[2]: '${' at character 1 "
                                    "has no closing '}'")));
}

TEST(ConfigLoader, ANonSecretKeyHasNoFileForm) {
  ConfigLoad result = load("[[accounts]]\nrole_arn = \"arn:a\"\nname_file = \"/x\"\n");
  EXPECT_THAT(messages(result),
              ElementsAre("sgwatch.toml:3:1: unknown key 'name_file' in accounts[1]; only secret "
                          "keys can be read from a file, and name is not one"));
}

TEST(ConfigLoader, FormatsPositionsAndDiagnostics) {
  EXPECT_EQ((SourcePosition{"a.toml", 3, 7}).str(), "a.toml:3:7");
  EXPECT_EQ((SourcePosition{"a.toml", 0, 0}).str(), "a.toml");
  ConfigDiagnostic diagnostic{ConfigDiagnostic::Severity::kWarning, {"a.toml", 2, 1}, "careful"};
  EXPECT_EQ(diagnostic.str(), "a.toml:2:1: careful");
}

TEST(ConfigLoader, HidesSecretValuesInTypeAndCheckErrors) {
  ConfigLoad result = load(
      "[[accounts]]\n"
      "role_arn = \"arn:a\"\n"
      "external_id = 123456789\n"
      "[[accounts]]\n"
      "role_arn = \"arn:b\"\n"
      "external_id = \"open sesame\"\n"
      "[[accounts]]\n"
      "role_arn = \"arn:c\"\n"
      "external_id = \"${BAD NAME}\"\n");
  EXPECT_THAT(messages(result),
              ElementsAre("sgwatch.toml:3:15: accounts[1].external_id must be a string, not an "
                          "integer",
                          "sgwatch.toml:6:15: accounts[2].external_id: '<secret>' must not "
                          "contain spaces",
                          HasSubstr("sgwatch.toml:9:15: accounts[3].external_id: the value has a "
                                    "malformed ${...} reference")));
  const std::string text = all_messages(result);
  EXPECT_THAT(text, Not(HasSubstr("123456789")));
  EXPECT_THAT(text, Not(HasSubstr("sesame")));
  EXPECT_THAT(text, Not(HasSubstr("BAD NAME")));
}

TEST_F(ConfigLoaderFiles, ReadsASecretFromAFileWithoutShowingIt) {
  const std::string secret_path = write("external-id", "s3cr3t-value\n\n", 0600);
  const std::string config_path = write(
      "sgwatch.toml",
      "[[accounts]]\nrole_arn = \"arn:a\"\nexternal_id_file = \"" + secret_path + "\"\n", 0600);
  ConfigLoad result = load_config_file(config_path, test_schema(), fake_env());
  ASSERT_TRUE(result.ok()) << all_messages(result);
  EXPECT_TRUE(result.diagnostics.empty()) << all_messages(result);
  const ConfigTable& account = result.config->tables("accounts")[0];
  EXPECT_EQ(account.string("external_id"), "s3cr3t-value");
  EXPECT_TRUE(account.given("external_id"));
  EXPECT_EQ(account.where("external_id").str(), config_path + ":3:20");
}

TEST_F(ConfigLoaderFiles, TakesRelativeSecretPathsFromTheConfigDirectory) {
  write("id.txt", "relative-secret", 0600);
  const std::string config_path =
      write("sgwatch.toml",
            "[[accounts]]\nrole_arn = \"arn:a\"\nexternal_id_file = \"${NAME:-id}.txt\"\n", 0600);
  ConfigLoad result = load_config_file(config_path, test_schema(), fake_env());
  ASSERT_TRUE(result.ok()) << all_messages(result);
  EXPECT_EQ(result.config->tables("accounts")[0].string("external_id"), "relative-secret");
}

TEST_F(ConfigLoaderFiles, WarnsWhenASecretFileIsReadableByOthers) {
  const std::string secret_path = write("external-id", "s3cr3t-value\n", 0644);
  const std::string config_path = write(
      "sgwatch.toml",
      "[[accounts]]\nrole_arn = \"arn:a\"\nexternal_id_file = \"" + secret_path + "\"\n", 0600);
  ConfigLoad result = load_config_file(config_path, test_schema(), fake_env());
  ASSERT_TRUE(result.ok()) << all_messages(result);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].severity, ConfigDiagnostic::Severity::kWarning);
  EXPECT_EQ(result.diagnostics[0].str(),
            config_path + ":3:20: '" + secret_path +
                "' holding accounts[1].external_id is readable by other users; chmod o-r it");
  EXPECT_THAT(all_messages(result), Not(HasSubstr("s3cr3t")));
}

TEST_F(ConfigLoaderFiles, ReportsUnreadableEmptyAndDoubledSecrets) {
  const std::string empty_path = write("empty", "\n  \n", 0600);
  const std::string missing_path = dir_ + "/missing";
  const std::string config_path = write("sgwatch.toml",
                                        "[[accounts]]\n"
                                        "role_arn = \"arn:a\"\n"
                                        "external_id_file = \"" +
                                            missing_path +
                                            "\"\n"
                                            "[[accounts]]\n"
                                            "role_arn = \"arn:b\"\n"
                                            "external_id_file = \"" +
                                            empty_path +
                                            "\"\n"
                                            "[[accounts]]\n"
                                            "role_arn = \"arn:c\"\n"
                                            "external_id = \"inline-secret\"\n"
                                            "external_id_file = \"" +
                                            empty_path + "\"\n",
                                        0600);
  ConfigLoad result = load_config_file(config_path, test_schema(), fake_env());
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(messages(result),
              ElementsAre(config_path + ":3:20: accounts[1].external_id_file: cannot read '" +
                              missing_path + "': No such file or directory",
                          config_path + ":6:20: accounts[2].external_id_file: '" + empty_path +
                              "' is empty; it should hold accounts[2].external_id",
                          config_path + ":10:1: accounts[3] gives both external_id and "
                                        "external_id_file; keep only one"));
  EXPECT_THAT(all_messages(result), Not(HasSubstr("inline-secret")));
}

TEST_F(ConfigLoaderFiles, WarnsAboutInlineSecretsInAFileOthersCanRead) {
  const std::string text =
      "[[accounts]]\n"
      "role_arn = \"arn:a\"\n"
      "external_id = \"inline-secret\"\n"
      "[[accounts]]\n"
      "role_arn = \"arn:b\"\n"
      "external_id = \"${EXTERNAL_ID}\"\n";
  const EnvLookup env = fake_env({{"EXTERNAL_ID", "from-env"}});
  const std::string open_path = write("open.toml", text, 0644);
  ConfigLoad open = load_config_file(open_path, test_schema(), env);
  ASSERT_TRUE(open.ok()) << all_messages(open);
  EXPECT_THAT(messages(open),
              ElementsAre(open_path + ":3:15: accounts[1].external_id is written in " + open_path +
                          ", which other users can read; give it as external_id_file or "
                          "${NAME}, or chmod o-r the file"));
  EXPECT_THAT(all_messages(open), Not(HasSubstr("inline-secret")));
  EXPECT_EQ(open.config->tables("accounts")[1].string("external_id"), "from-env");

  const std::string closed_path = write("closed.toml", text, 0600);
  ConfigLoad closed = load_config_file(closed_path, test_schema(), env);
  ASSERT_TRUE(closed.ok());
  EXPECT_TRUE(closed.diagnostics.empty()) << all_messages(closed);

  // Text has no file whose permissions could matter.
  ConfigLoad from_text = load(text, env);
  EXPECT_TRUE(from_text.diagnostics.empty()) << all_messages(from_text);
}

TEST_F(ConfigLoaderFiles, ReportsAnUnreadableConfigFile) {
  const std::string path = dir_ + "/nope.toml";
  ConfigLoad result = load_config_file(path, test_schema(), fake_env());
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(messages(result), ElementsAre(path + ": cannot read config file '" + path +
                                            "': No such file or directory"));
}

TEST_F(ConfigLoaderFiles, ShowsThePathGivenInDiagnostics) {
  const std::string path = write("bad.toml", "[watch]\nintervall = \"5m\"\n", 0600);
  ConfigLoad result = load_config_file(path, test_schema(), fake_env());
  EXPECT_THAT(messages(result), ElementsAre(path + ":2:1: unknown key 'intervall' in [watch]; "
                                                   "did you mean 'interval'?"));
}

}  // namespace
}  // namespace sgwatch::config_loader_test
