#include "app/sns_config.h"

#include <gtest/gtest.h>

#include "app/config_schema.h"
#include "config/config_loader.h"

namespace sgwatch::sns_config_test {
namespace {

EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

ConfigLoad load(const std::string& text) {
  return load_config_text(text, "sgwatch.toml", sgwatch_config_schema(), no_env());
}

std::string diagnostics(const ConfigLoad& loaded) {
  std::string all;
  for (const auto& d : loaded.diagnostics) all += d.str() + "\n";
  return all;
}

TEST(SnsConfig, OffByDefaultWithItsCertificatesBesideTheStore) {
  auto settings = sns_settings_from(defaults_of(sgwatch_config_schema()), "/var/lib/sgwatch/sgwatch.db");
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_FALSE(settings->enabled);
  EXPECT_EQ(settings->certificate_dir, "/var/lib/sgwatch/sns-certificates");
  EXPECT_EQ(settings->endpoint.path, "/sns");
  EXPECT_EQ(settings->verify.max_age, std::chrono::hours(1));
}

TEST(SnsConfig, AnEndpointWithItsTopicsAndTheFlagOverridingTheAddress) {
  ConfigLoad loaded = load(
      "[sns]\nlisten = \"[::1]:8443\"\ntopics = [\"arn:aws:sns:*:123456789012:config-*\"]\n"
      "max_age = \"15m\"\ncertificate_dir = \"/srv/certs\"\n");
  ASSERT_TRUE(loaded.ok()) << diagnostics(loaded);
  auto settings = sns_settings_from(*loaded.config, "store.db");
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_TRUE(settings->enabled);
  EXPECT_EQ(settings->endpoint.host, "::1");
  EXPECT_EQ(settings->endpoint.port, 8443);
  EXPECT_EQ(settings->verify.max_age, std::chrono::minutes(15));
  EXPECT_EQ(*settings->verify.allowed_topics,
            std::vector<std::string>{"arn:aws:sns:*:123456789012:config-*"});
  EXPECT_EQ(settings->certificate_dir, "/srv/certs");

  auto flagged = sns_settings_from(*loaded.config, "store.db", "127.0.0.1:9000");
  ASSERT_TRUE(flagged);
  EXPECT_EQ(flagged->endpoint.host, "127.0.0.1");
  EXPECT_EQ(flagged->endpoint.port, 9000);
  auto bad_flag = sns_settings_from(*loaded.config, "store.db", "localhost");
  ASSERT_FALSE(bad_flag);
  EXPECT_EQ(bad_flag.error().message,
            "--sns-listen: 'localhost' is not HOST:PORT (like 127.0.0.1:8080)");
}

TEST(SnsConfig, MistakesAreNamedWhereTheyAreWritten) {
  ConfigLoad bad = load("[sns]\nlisten = \"127.0.0.1:99999\"\npath = \"sns\"\n"
                        "max_age = \"soon\"\nmax_body_bytes = 10\n");
  ASSERT_FALSE(bad.ok());
  const std::string all = diagnostics(bad);
  EXPECT_NE(all.find("sgwatch.toml:2:10: sns.listen: '127.0.0.1:99999' has no port from 1 to "
                     "65535"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("sgwatch.toml:3:8: sns.path: must start with '/'"), std::string::npos)
      << all;
  EXPECT_NE(all.find("sgwatch.toml:4:"), std::string::npos) << all;
  EXPECT_NE(all.find("sgwatch.toml:5:"), std::string::npos) << all;

  ConfigLoad no_topics = load("[sns]\nlisten = \"127.0.0.1:8080\"\n");
  ASSERT_TRUE(no_topics.ok()) << diagnostics(no_topics);
  auto settings = sns_settings_from(*no_topics.config, "store.db");
  ASSERT_FALSE(settings);
  EXPECT_EQ(settings.error().message,
            "sgwatch.toml:2:10: [sns] listen is set, but [sns] topics is empty: name the SNS "
            "topics whose messages to accept");

  ConfigLoad half_tls = load("[sns]\ntls_certificate = \"/etc/cert.pem\"\n");
  ASSERT_TRUE(half_tls.ok()) << diagnostics(half_tls);
  auto half = sns_settings_from(*half_tls.config, "store.db");
  ASSERT_FALSE(half);
  EXPECT_NE(half.error().message.find("needs both tls_certificate and tls_key"),
            std::string::npos);
}

}  // namespace
}  // namespace sgwatch::sns_config_test
