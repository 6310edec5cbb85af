#include "app/metrics_config.h"

#include <gtest/gtest.h>

#include "app/config_schema.h"
#include "config_text.h"

namespace sgwatch::metrics_config_test {
namespace {

using testing::load_config;
using testing::diagnostics;

TEST(MetricsConfig, OffByDefault) {
  auto settings = metrics_settings_from(defaults_of(sgwatch_config_schema()));
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_FALSE(settings->enabled);
  EXPECT_EQ(settings->unhealthy_after, 3);
}

TEST(MetricsConfig, AnAddressWithoutAHostIsLoopback) {
  struct Case {
    const char* listen;
    const char* host;
    int port;
  };
  for (const Case& c : {Case{"9179", "127.0.0.1", 9179}, Case{":9179", "127.0.0.1", 9179},
                        Case{"127.0.0.1:9179", "127.0.0.1", 9179}, Case{"[::1]:9180", "::1", 9180},
                        Case{"0.0.0.0:9179", "0.0.0.0", 9179}, Case{"[::]:9179", "::", 9179},
                        Case{"127.0.0.1:0", "127.0.0.1", 0}}) {
    ConfigLoad loaded =
        load_config(std::string("[metrics]\nlisten = \"") + c.listen + "\"\nunhealthy_after = 5\n");
    ASSERT_TRUE(loaded.ok()) << c.listen << ": " << diagnostics(loaded);
    auto settings = metrics_settings_from(*loaded.config);
    ASSERT_TRUE(settings) << c.listen << ": " << settings.error().message;
    EXPECT_TRUE(settings->enabled);
    EXPECT_EQ(settings->host, c.host) << c.listen;
    EXPECT_EQ(settings->port, c.port) << c.listen;
    EXPECT_EQ(settings->unhealthy_after, 5);
  }
}

TEST(MetricsConfig, TheFlagReplacesTheFileAndIsNamedInItsErrors) {
  ConfigLoad loaded = load_config("[metrics]\nlisten = \"9179\"\n");
  ASSERT_TRUE(loaded.ok()) << diagnostics(loaded);
  auto flagged = metrics_settings_from(*loaded.config, "10.0.0.5:9100");
  ASSERT_TRUE(flagged);
  EXPECT_EQ(flagged->host, "10.0.0.5");
  EXPECT_EQ(flagged->port, 9100);
  auto bad = metrics_settings_from(*loaded.config, "localhost:");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "--metrics-listen: 'localhost:' has no port from 0 to 65535");
}

TEST(MetricsConfig, MistakesAreNamedWhereTheyAreWritten) {
  ConfigLoad bad = load_config("[metrics]\nlisten = \"localhost:99999\"\nunhealthy_after = 0\n");
  ASSERT_FALSE(bad.ok());
  const std::string all = diagnostics(bad);
  EXPECT_NE(all.find("sgwatch.toml:2:10: metrics.listen: 'localhost:99999' has no port from 0 "
                     "to 65535"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("sgwatch.toml:3:19: metrics.unhealthy_after: must be 1 to 1000"),
            std::string::npos)
      << all;

  for (const char* listen : {"[::1]", "[]:9179", "host:port", "-1"}) {
    EXPECT_FALSE(parse_metrics_listen(listen)) << listen;
  }
}

}  // namespace
}  // namespace sgwatch::metrics_config_test
