#include "app/sqs_config.h"

#include <gtest/gtest.h>

#include "app/config_schema.h"
#include "config/config_loader.h"

namespace sgwatch::sqs_config_test {
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

const Region kHome = *Region::parse("us-east-1");

Result<SqsSettings> settings_of(const ConfigTable& config,
                                const std::vector<std::string>& flags = {}) {
  auto sns = sns_settings_from(config, "/var/lib/sgwatch/sgwatch.db");
  if (!sns) return tl::unexpected(sns.error());
  return sqs_settings_from(config, *sns, flags, kHome);
}

TEST(SqsConfig, OffByDefault) {
  auto settings = settings_of(defaults_of(sgwatch_config_schema()));
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_FALSE(settings->enabled);
  EXPECT_EQ(settings->receive.wait, std::chrono::seconds(20));
  EXPECT_EQ(settings->receive.visibility, std::chrono::seconds(60));
  EXPECT_EQ(settings->receive.max_messages, 10);
  EXPECT_EQ(settings->certificate_dir, "/var/lib/sgwatch/sns-certificates");
  // Any signed topic when neither table names one; envelopes may wait days in a queue.
  EXPECT_FALSE(settings->verify.allowed_topics.has_value());
  EXPECT_EQ(settings->verify.max_age, std::chrono::hours(24 * 14));
}

TEST(SqsConfig, QueuesTakeTheirRegionFromTheUrlThenTheTableThenHome) {
  ConfigLoad loaded = load(
      "[sqs]\nqueues = [\"https://sqs.eu-west-1.amazonaws.com/111122223333/sgwatch-events\",\n"
      "  \"http://127.0.0.1:4566/111122223333/local\"]\nwait = \"5s\"\n"
      "visibility_timeout = \"2m\"\n");
  ASSERT_TRUE(loaded.ok()) << diagnostics(loaded);
  auto settings = settings_of(*loaded.config);
  ASSERT_TRUE(settings) << settings.error().message;
  ASSERT_TRUE(settings->enabled);
  ASSERT_EQ(settings->queues.size(), 2u);
  EXPECT_EQ(settings->queues[0].region.str(), "eu-west-1");
  EXPECT_EQ(settings->queues[0].name(), "sgwatch-events");
  EXPECT_EQ(settings->queues[1].region.str(), "us-east-1");
  EXPECT_EQ(settings->receive.wait, std::chrono::seconds(5));
  EXPECT_EQ(settings->receive.visibility, std::chrono::seconds(120));

  ConfigLoad regional = load(
      "[sqs]\nqueues = [\"http://127.0.0.1:4566/111122223333/local\"]\nregion = \"ap-south-1\"\n");
  ASSERT_TRUE(regional.ok()) << diagnostics(regional);
  auto with_region = settings_of(*regional.config);
  ASSERT_TRUE(with_region) << with_region.error().message;
  EXPECT_EQ(with_region->queues[0].region.str(), "ap-south-1");
}

TEST(SqsConfig, TheFlagReplacesTheConfiguredQueues) {
  ConfigLoad loaded =
      load("[sqs]\nqueues = [\"https://sqs.eu-west-1.amazonaws.com/111122223333/a\"]\n");
  ASSERT_TRUE(loaded.ok()) << diagnostics(loaded);
  auto settings =
      settings_of(*loaded.config, {"https://sqs.us-west-2.amazonaws.com/111122223333/b"});
  ASSERT_TRUE(settings) << settings.error().message;
  ASSERT_EQ(settings->queues.size(), 1u);
  EXPECT_EQ(settings->queues[0].name(), "b");
  EXPECT_EQ(settings->queues[0].region.str(), "us-west-2");

  auto bad = settings_of(*loaded.config, {"sqs.us-west-2.amazonaws.com/111122223333/b"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "--sqs-queue: 'sqs.us-west-2.amazonaws.com/111122223333/b' is not an http(s) queue "
            "URL");
}

TEST(SqsConfig, TopicsComeFromSnsUnlessTheQueuesNameTheirOwn) {
  ConfigLoad shared = load("[sns]\ntopics = [\"arn:aws:sns:*:111122223333:config-*\"]\n");
  ASSERT_TRUE(shared.ok()) << diagnostics(shared);
  auto from_sns = settings_of(*shared.config);
  ASSERT_TRUE(from_sns) << from_sns.error().message;
  ASSERT_TRUE(from_sns->verify.allowed_topics.has_value());
  EXPECT_EQ(*from_sns->verify.allowed_topics,
            std::vector<std::string>{"arn:aws:sns:*:111122223333:config-*"});

  ConfigLoad own = load(
      "[sns]\ntopics = [\"arn:aws:sns:*:111122223333:config-*\"]\n"
      "[sqs]\ntopics = [\"arn:aws:sns:eu-west-1:111122223333:events\"]\n");
  ASSERT_TRUE(own.ok()) << diagnostics(own);
  auto settings = settings_of(*own.config);
  ASSERT_TRUE(settings);
  EXPECT_EQ(*settings->verify.allowed_topics,
            std::vector<std::string>{"arn:aws:sns:eu-west-1:111122223333:events"});
}

TEST(SqsConfig, MistakesAreNamedWhereTheyAreWritten) {
  ConfigLoad long_wait = load("[sqs]\nwait = \"30s\"\n");
  ASSERT_FALSE(long_wait.ok());
  EXPECT_NE(diagnostics(long_wait).find("must be whole seconds from 0s to 20s"), std::string::npos)
      << diagnostics(long_wait);
  ConfigLoad short_visibility = load("[sqs]\nvisibility_timeout = \"1s\"\n");
  ASSERT_FALSE(short_visibility.ok());
  EXPECT_NE(diagnostics(short_visibility).find("from 10s to 12h"), std::string::npos);

  for (const char* url : {"https://sqs.eu-west-1.amazonaws.com/",
                          "https://sqs.eu-west-1.amazonaws.com/111122223333",
                          "https://sqs.eu-west-1.amazonaws.com/111122223333/a/b"}) {
    ConfigLoad loaded = load(std::string("[sqs]\nqueues = [\"") + url + "\"]\n");
    ASSERT_TRUE(loaded.ok()) << diagnostics(loaded);
    auto settings = settings_of(*loaded.config);
    ASSERT_FALSE(settings) << url;
    EXPECT_EQ(settings.error().message,
              std::string("sgwatch.toml:2:10: [sqs] queues: '") + url +
                  "' has no /<account>/<queue> path");
  }
  ConfigLoad twice = load(
      "[sqs]\nqueues = [\"https://sqs.eu-west-1.amazonaws.com/111122223333/a\", "
      "\"https://sqs.eu-west-1.amazonaws.com/111122223333/a\"]\n");
  ASSERT_TRUE(twice.ok());
  auto settings = settings_of(*twice.config);
  ASSERT_FALSE(settings);
  EXPECT_NE(settings.error().message.find("is listed twice"), std::string::npos);
}

}  // namespace
}  // namespace sgwatch::sqs_config_test
