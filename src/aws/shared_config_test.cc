#include "aws/shared_config.h"

#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "test_support.h"

#include "temp_dir.h"

namespace sgwatch::shared_config_test {
namespace {

using testing::env_of;

TEST(SharedConfig, ParsesTheConfigFileAsTheCliDoes) {
  const std::string long_token(1500, 'T');
  auto parsed = parse_shared_file(
      "# comment\n"
      "[default]\n"
      "region = eu-west-1\n"
      "; another comment\n"
      "[profile dept-a]\n"
      "role_arn = arn:aws:iam::111122223333:role/sgwatch-reader\n"
      "source_profile = default\n"
      "external_id = a#b;c\n"
      "s3 =\n"
      "  max_concurrent_requests = 10\n"
      "[sso-session corp]\n"
      "sso_region = us-east-1\n"
      "[profile  spaced ]\n"
      "aws_session_token = " + long_token + "\n",
      "config", true);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->at("default").at("region"), "eu-west-1");
  EXPECT_EQ(parsed->at("dept-a").at("external_id"), "a#b;c");  // no inline comments
  EXPECT_EQ(parsed->at("dept-a").at("s3.max_concurrent_requests"), "10");
  EXPECT_EQ(parsed->at("spaced").at("aws_session_token"), long_token);
  EXPECT_EQ(parsed->count("corp"), 0u);
  EXPECT_EQ(parsed->count("sso-session corp"), 0u);
}

TEST(SharedConfig, CredentialsSectionsAreBareNames) {
  auto parsed = parse_shared_file("[default]\naws_access_key_id = AKIA1\n[profile x]\na = b\n",
                                  "credentials", false);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->at("default").at("aws_access_key_id"), "AKIA1");
  EXPECT_EQ(parsed->count("profile x"), 1u);  // the credentials file takes names as written
}

TEST(SharedConfig, ErrorsNameFileAndLine) {
  auto before = parse_shared_file("region = x\n", "/etc/aws/config", true);
  ASSERT_FALSE(before);
  EXPECT_NE(before.error().message.find("/etc/aws/config:1: a setting before any [section]"),
            std::string::npos);
  auto no_equals = parse_shared_file("[default]\nregion eu-west-1\n", "cfg", true);
  ASSERT_FALSE(no_equals);
  EXPECT_NE(no_equals.error().message.find("cfg:2:"), std::string::npos);
  EXPECT_FALSE(parse_shared_file("[default\n", "cfg", true));
}

TEST(SharedConfig, LoadsBothFilesAndPicksProfileAndRegion) {
  testing::TempDir dir;
  std::ofstream(dir.file("config")) << "[profile ops]\nregion = us-east-1\naws_access_key_id = FROMCONFIG\n";
  std::ofstream(dir.file("credentials")) << "[ops]\naws_access_key_id = FROMCREDENTIALS\n";
  auto env = env_of({{"AWS_CONFIG_FILE", dir.file("config")},
                     {"AWS_SHARED_CREDENTIALS_FILE", dir.file("credentials")},
                     {"AWS_PROFILE", "ops"}});
  auto config = load_shared_config(env);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(selected_profile(env), "ops");
  EXPECT_EQ(config->get("ops", "aws_access_key_id"), "FROMCREDENTIALS");
  EXPECT_EQ(configured_region(env, *config, "ops"), "us-east-1");
  EXPECT_EQ(configured_region(env_of({{"AWS_DEFAULT_REGION", "ap-south-1"}}), *config, "ops"),
            "ap-south-1");
  EXPECT_EQ(configured_region(env_of({{"AWS_REGION", "eu-north-1"},
                                      {"AWS_DEFAULT_REGION", "ap-south-1"}}),
                              *config, "ops"),
            "eu-north-1");

  auto missing = load_shared_config(env_of({{"HOME", dir.file("nowhere")}}));
  ASSERT_TRUE(missing);  // no files is no configuration, not an error
  EXPECT_TRUE(missing->config.empty());
  EXPECT_EQ(selected_profile(env_of({})), "default");
}

}  // namespace
}  // namespace sgwatch::shared_config_test
