#include "app/retention_config.h"

#include <gtest/gtest.h>

#include "app/config_schema.h"
#include "config_text.h"

namespace sgwatch::retention_config_test {
namespace {

using Days = std::chrono::duration<int64_t, std::ratio<86400>>;

using testing::load_config;
using testing::diagnostics;

TEST(RetentionConfig, TheDefaultsKeepAUsefulHistory) {
  auto policy = retention_policy_from(defaults_of(sgwatch_config_schema()));
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_EQ(policy->revisions, Days(400));
  EXPECT_EQ(policy->events, Days(90));
  EXPECT_EQ(policy->delivered_alerts, Days(30));
  EXPECT_EQ(policy->snapshots, std::nullopt);
}

TEST(RetentionConfig, DurationsAndForeverAreRead) {
  ConfigLoad loaded = load_config(
      "[retention]\nrevisions = \"forever\"\nevents = \"30d12h\"\ndelivered_alerts = \"7d\"\n"
      "snapshots = \"24h\"\n");
  ASSERT_TRUE(loaded.ok()) << diagnostics(loaded);
  auto policy = retention_policy_from(*loaded.config);
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_FALSE(policy->revisions);
  EXPECT_EQ(policy->events, Days(30) + std::chrono::hours(12));
  EXPECT_EQ(policy->delivered_alerts, Days(7));
  EXPECT_EQ(policy->snapshots, Days(1));
}

TEST(RetentionConfig, ZeroShortAndUnreadableAgesAreRefusedWithTheirLine) {
  for (const char* value : {"0s", "12h", "400", "never", ""}) {
    ConfigLoad loaded = load_config(std::string("[retention]\n\nevents = \"") + value + "\"\n");
    EXPECT_FALSE(loaded.ok()) << value;
    EXPECT_NE(diagnostics(loaded).find("sgwatch.toml:3"), std::string::npos)
        << value << ": " << diagnostics(loaded);
  }
  EXPECT_NE(parse_retention_age("0s").error().message.find("forever"), std::string::npos);
}

TEST(RetentionConfig, UnknownKeysAreErrors) {
  ConfigLoad loaded = load_config("[retention]\nrevision = \"10d\"\n");
  EXPECT_FALSE(loaded.ok());
}

}  // namespace
}  // namespace sgwatch::retention_config_test
