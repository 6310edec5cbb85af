#include "app/health_config.h"

#include <gtest/gtest.h>

#include "app/config_schema.h"
#include "config_text.h"

namespace sgwatch::health_config_test {
namespace {

using namespace std::chrono_literals;

using testing::load_config;
using testing::diagnostics;

TEST(HealthConfig, TheDefaults) {
  auto settings = health_settings_from(defaults_of(sgwatch_config_schema()));
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_TRUE(settings->alerts);
  EXPECT_EQ(settings->scope_failures, 3);
  EXPECT_EQ(settings->outbox_age, 30min);
  EXPECT_EQ(settings->outbox_pending, 1000u);
}

TEST(HealthConfig, EveryKeyIsRead) {
  ConfigLoad loaded = load_config(
      "[health]\nalerts = false\nscope_failures = 5\noutbox_age = \"2h\"\noutbox_pending = 50\n");
  ASSERT_TRUE(loaded.ok()) << diagnostics(loaded);
  auto settings = health_settings_from(*loaded.config);
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_FALSE(settings->alerts);
  EXPECT_EQ(settings->scope_failures, 5);
  EXPECT_EQ(settings->outbox_age, 2h);
  EXPECT_EQ(settings->outbox_pending, 50u);
}

TEST(HealthConfig, BadValuesAreRefusedWithTheirLine) {
  for (const char* line : {"scope_failures = 0", "scope_failures = 1001", "outbox_pending = -1",
                           "outbox_age = \"soon\"", "scope_failures = \"3\""}) {
    ConfigLoad loaded = load_config(std::string("[health]\n\n") + line + "\n");
    EXPECT_FALSE(loaded.ok()) << line;
    EXPECT_NE(diagnostics(loaded).find("sgwatch.toml:3"), std::string::npos)
        << line << ": " << diagnostics(loaded);
  }
}

}  // namespace
}  // namespace sgwatch::health_config_test
