#include "app/observe_config.h"

#include <gtest/gtest.h>

#include "app/config_schema.h"
#include "app/observe_flags.h"
#include "config/config_loader.h"

namespace sgwatch::observe_config_test {
namespace {

EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

ConfigTable load(const std::string& text) {
  ConfigLoad load = load_config_text(text, "sgwatch.toml", sgwatch_config_schema(), no_env());
  for (const auto& d : load.diagnostics) ADD_FAILURE() << d.str();
  return load.ok() ? *load.config : defaults_of(sgwatch_config_schema());
}

TEST(ObserveConfig, DefaultsWithoutAFile) {
  auto settings = watch_settings_from(defaults_of(sgwatch_config_schema()));
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_TRUE(settings->observe.regions.empty());
  EXPECT_TRUE(settings->observe.accounts.empty());
  EXPECT_EQ(settings->observe.concurrency, 4);
  EXPECT_EQ(settings->observe.session_name, "sgwatch");
  EXPECT_EQ(settings->interval, std::chrono::seconds(60));
  EXPECT_EQ(settings->jsonl_path, "");
}

TEST(ObserveConfig, AccountsAndRegionsFromTheFile) {
  auto settings = watch_settings_from(load(
      "[watch]\ninterval = \"5m\"\nregions = \"all\"\nconcurrency = 8\n"
      "[[accounts]]\nname = \"hub\"\n"
      "[[accounts]]\nname = \"dept-b\"\nrole_arn = \"arn:aws:iam::444455556666:role/r\"\n"
      "external_id = \"x\"\nregions = [\"eu-west-1\"]\n"));
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->interval, std::chrono::minutes(5));
  EXPECT_EQ(settings->observe.regions, std::vector<std::string>{"all"});
  EXPECT_EQ(settings->observe.concurrency, 8);
  ASSERT_EQ(settings->observe.accounts.size(), 2u);
  EXPECT_EQ(settings->observe.accounts[0].name, "hub");
  EXPECT_EQ(settings->observe.accounts[0].role_arn, "");
  EXPECT_EQ(settings->observe.accounts[1].external_id, "x");
  EXPECT_EQ(settings->observe.accounts[1].regions, std::vector<std::string>{"eu-west-1"});
}

TEST(ObserveConfig, ValuesAreCheckedWhereTheyAreWritten) {
  ConfigLoad bad = load_config_text(
      "[watch]\ninterval = \"60\"\nregions = [\"eu-west-1\", \"moon-1\"]\nconcurrency = 0\n"
      "[[accounts]]\nrole_arn = \"sgwatch-reader\"\n",
      "sgwatch.toml", sgwatch_config_schema(), no_env());
  ASSERT_FALSE(bad.ok());
  std::string all;
  for (const auto& d : bad.diagnostics) all += d.str() + "\n";
  EXPECT_NE(all.find("sgwatch.toml:2:12: watch.interval: '60' is not a duration"),
            std::string::npos) << all;
  EXPECT_NE(all.find("sgwatch.toml:3:"), std::string::npos) << all;
  EXPECT_NE(all.find("moon-1"), std::string::npos) << all;
  EXPECT_NE(all.find("sgwatch.toml:4:15: watch.concurrency: must be between 1 and 64"),
            std::string::npos) << all;
  EXPECT_NE(all.find("sgwatch.toml:6:12: accounts[1].role_arn: 'sgwatch-reader' is not an IAM "
                     "role ARN"),
            std::string::npos) << all;
}

TEST(ObserveConfig, AllBesideRegionNamesIsAnError) {
  auto settings = watch_settings_from(load("[watch]\nregions = [\"all\", \"eu-west-1\"]\n"));
  ASSERT_FALSE(settings);
  EXPECT_EQ(settings.error().message,
            "sgwatch.toml:2:11: watch.regions: 'all' cannot be combined with region names");
}

TEST(ObserveConfig, TheSameAccountTwiceIsAnErrorNamingBoth) {
  auto twice = watch_settings_from(
      load("[[accounts]]\nrole_arn = \"arn:aws:iam::444455556666:role/a\"\n\n"
           "[[accounts]]\nrole_arn = \"arn:aws:iam::444455556666:role/b\"\n"));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message,
            "sgwatch.toml:4:1: accounts[2] is the same account as accounts[1]");
  auto two_defaults = watch_settings_from(load("[[accounts]]\nname = \"a\"\n[[accounts]]\n"
                                               "name = \"b\"\n"));
  ASSERT_FALSE(two_defaults);
  EXPECT_NE(two_defaults.error().message.find("both have no role_arn"), std::string::npos);
  auto same_name = watch_settings_from(
      load("[[accounts]]\nname = \"a\"\n[[accounts]]\nname = \"a\"\n"
           "role_arn = \"arn:aws:iam::444455556666:role/a\"\n"));
  ASSERT_FALSE(same_name);
  EXPECT_EQ(same_name.error().message,
            "sgwatch.toml:4:8: accounts[2].name 'a' is already the name of accounts[1]");
}

TEST(ObserveFlagsOverConfig, EachFlagGivenReplacesTheFilesValue) {
  ConfigTable config = load(
      "[watch]\nregions = [\"us-east-1\"]\nconcurrency = 8\njsonl = \"file.jsonl\"\n"
      "[[accounts]]\nrole_arn = \"arn:aws:iam::444455556666:role/a\"\nregions = [\"eu-west-2\"]\n");
  ObserveFlags none;
  auto unchanged = settings_with_flags(config, none);
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->observe.concurrency, 8);
  EXPECT_EQ(unchanged->jsonl_path, "file.jsonl");
  EXPECT_EQ(unchanged->observe.accounts.at(0).regions, std::vector<std::string>{"eu-west-2"});

  ObserveFlags regions;
  regions.regions = {"eu-west-1"};
  regions.concurrency = 2;
  auto by_region = settings_with_flags(config, regions);
  ASSERT_TRUE(by_region);
  EXPECT_EQ(by_region->observe.regions, std::vector<std::string>{"eu-west-1"});
  EXPECT_TRUE(by_region->observe.accounts.at(0).regions.empty())
      << "--region replaces every region list";
  EXPECT_EQ(by_region->observe.concurrency, 2);

  ObserveFlags roles;
  roles.role_arns = {"arn:aws:iam::111122223333:role/x"};
  roles.external_id = "ext";
  auto by_role = settings_with_flags(config, roles);
  ASSERT_TRUE(by_role);
  ASSERT_EQ(by_role->observe.accounts.size(), 1u);
  EXPECT_EQ(by_role->observe.accounts[0].role_arn, "arn:aws:iam::111122223333:role/x");
  EXPECT_EQ(by_role->observe.accounts[0].external_id, "ext");
}

TEST(ObserveFlagsOverConfig, FlagErrorsNameTheFlag) {
  ConfigTable config = defaults_of(sgwatch_config_schema());
  ObserveFlags external_alone;
  external_alone.external_id = "ext";
  auto lonely = settings_with_flags(config, external_alone);
  ASSERT_FALSE(lonely);
  EXPECT_NE(lonely.error().message.find("--external-id goes with --role-arn"), std::string::npos);
  ObserveFlags bad_region;
  bad_region.regions = {"all", "eu-west-1"};
  EXPECT_EQ(settings_with_flags(config, bad_region).error().message,
            "--region all cannot be combined with a list");
}

}  // namespace
}  // namespace sgwatch::observe_config_test
