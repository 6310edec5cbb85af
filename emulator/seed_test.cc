#include "emulator/seed.h"

#include <gtest/gtest.h>

#include "emulator/emulator.h"

namespace sgwatch::emulator::seed_test {
namespace {

class SeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = Emulator::start(EmulatorOptions{}, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
  }
  SystemClock clock_;
  std::unique_ptr<Emulator> emulator_;
};

TEST_F(SeedTest, SeedsIdentitiesGroupsAndGeneratedBulk) {
  auto seed = nlohmann::json::parse(R"({
    "regions": ["eu-west-1"],
    "accounts": [{
      "id": "444455556666",
      "users": [{"name": "bob", "access_key_id": "AKIABOB0000000000000",
                 "secret_access_key": "bob-secret", "deny": ["ec2:CreateTags"]}],
      "roles": [{"name": "auditor", "external_id": "e"}],
      "groups": [{"region": "eu-west-1", "name": "web", "description": "web tier",
                  "tags": {"OwnerDL": "a@example.com"},
                  "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443,
                               "cidr": "0.0.0.0/0", "description": "https"},
                              {"protocol": "tcp", "from_port": 443, "to_port": 443,
                               "cidr": "::/0"}]}],
      "generate": [{"region": "eu-west-1", "groups": 100, "rules_per_group": 10}]
    }]})");
  EXPECT_EQ(seed_regions(seed), std::vector<std::string>{"eu-west-1"});
  auto applied = apply_seed(*emulator_, seed);
  ASSERT_TRUE(applied) << applied.error();

  auto bob = emulator_->identities().caller_for("AKIABOB0000000000000", "");
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->account_id, "444455556666");
  EXPECT_FALSE(bob->may("ec2", "CreateTags"));
  EXPECT_TRUE(bob->may("ec2", "DescribeSecurityGroups"));
  // The default group, "web" and the generated ones.
  EXPECT_EQ(emulator_->ec2().group_count("444455556666", "eu-west-1"), 102u);
  EXPECT_GE(emulator_->ec2().rule_count("444455556666", "eu-west-1"), 1002u);
}

TEST_F(SeedTest, SeedsSnsTopicsAndTheConfigRecorder) {
  auto seed = nlohmann::json::parse(R"({
    "accounts": [{
      "id": "444455556666",
      "sns": {"topics": [{"region": "us-east-1", "name": "alerts", "signature_version": "2"}]},
      "config": {"recorder": true, "sns_topic": "config-topic", "regions": ["eu-west-1"]}
    }]})");
  EXPECT_FALSE(emulator_->config().recording());
  auto applied = apply_seed(*emulator_, seed);
  ASSERT_TRUE(applied) << applied.error();
  EXPECT_TRUE(emulator_->sns().has_topic("arn:aws:sns:us-east-1:444455556666:alerts"));
  EXPECT_TRUE(emulator_->sns().has_topic("arn:aws:sns:eu-west-1:444455556666:config-topic"));
  EXPECT_FALSE(emulator_->sns().has_topic("arn:aws:sns:us-east-1:444455556666:config-topic"));
  EXPECT_TRUE(emulator_->config().recording());
  const auto settings = emulator_->config().settings_json();
  ASSERT_EQ(settings["delivery"].size(), 1u);
  EXPECT_EQ(settings["delivery"][0]["account"], "444455556666");
  EXPECT_EQ(settings["delivery"][0]["region"], "eu-west-1");

  auto bad = apply_seed(*emulator_, nlohmann::json::parse(
      R"({"accounts": [{"id": "1", "config": {"sns_topic": "t", "topics": []}}]})"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("accounts[0].config.topics: unknown key"), std::string::npos)
      << bad.error();
  bad = apply_seed(*emulator_, nlohmann::json::parse(
      R"({"accounts": [{"id": "1", "sns": {"topics": [{"region": "us-east-1", "name": "a",
          "signature_version": "3"}]}}]})"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("accounts[0].sns.topics[0].signature_version"), std::string::npos)
      << bad.error();
}

TEST_F(SeedTest, SeedsQueuesEventRulesAndQueueSubscriptions) {
  auto seed = nlohmann::json::parse(R"({
    "accounts": [{
      "id": "444455556666",
      "sqs": {"queues": [
        {"region": "eu-west-1", "name": "dlq"},
        {"region": "eu-west-1", "name": "sg-events",
         "attributes": {"VisibilityTimeout": 5,
                        "RedrivePolicy": {"deadLetterTargetArn":
                                            "arn:aws:sqs:eu-west-1:444455556666:dlq",
                                          "maxReceiveCount": "3"}}},
        {"region": "eu-west-1", "name": "config-queue"}]},
      "events": {"rules": [{"region": "eu-west-1", "queue": "sg-events"},
                           {"queue": "arn:aws:sqs:eu-west-1:444455556666:dlq"}]},
      "sns": {"topics": [{"region": "eu-west-1", "name": "config-topic",
                          "subscriptions": [{"queue": "config-queue", "raw": true}]}]}
    }]})");
  auto applied = apply_seed(*emulator_, seed);
  ASSERT_TRUE(applied) << applied.error();
  const std::string events = "arn:aws:sqs:eu-west-1:444455556666:sg-events";
  ASSERT_TRUE(emulator_->sqs().url_of(events));
  EXPECT_EQ(*emulator_->sqs().url_of(events), emulator_->endpoint() + "/444455556666/sg-events");
  const auto rules = emulator_->events().rules();
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0], (EventRule{"eu-west-1", events}));
  EXPECT_EQ(rules[1], (EventRule{"", "arn:aws:sqs:eu-west-1:444455556666:dlq"}));
  const auto subscriptions =
      emulator_->sns().subscriptions("arn:aws:sns:eu-west-1:444455556666:config-topic");
  ASSERT_EQ(subscriptions.size(), 1u);
  EXPECT_EQ(subscriptions[0].protocol, "sqs");
  EXPECT_TRUE(subscriptions[0].raw_message_delivery);
  ASSERT_TRUE(emulator_->sns().publish(subscriptions[0].topic_arn, "raw"));
  EXPECT_EQ(emulator_->sqs().bodies("arn:aws:sqs:eu-west-1:444455556666:config-queue"),
            std::vector<std::string>{"raw"});

  auto unknown = apply_seed(*emulator_, nlohmann::json::parse(R"({"accounts": [{
      "id": "444455556666", "events": {"rules": [{"region": "eu-west-1", "queue": "nope"}]}}]})"));
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("accounts[0].events.rules[0].queue: no queue 'nope'"),
            std::string::npos)
      << unknown.error();
  auto bad = apply_seed(*emulator_, nlohmann::json::parse(R"({"accounts": [{
      "id": "444455556666", "sqs": {"queues": [{"region": "eu-west-1", "name": "q",
      "attributes": {"VisibilityTimeout": 99999}}]}}]})"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("accounts[0].sqs.queues[0]: Invalid value for the parameter "
                             "VisibilityTimeout"),
            std::string::npos)
      << bad.error();
}

TEST_F(SeedTest, ErrorsNameThePath) {
  struct Case {
    const char* seed;
    const char* expected;
  };
  const Case cases[] = {
      {R"({"accounts": [{"users": []}]})", "accounts[0].id: missing"},
      {R"({"accounts": [{"id": "444455556666", "users": [{"name": "x"}]}]})",
       "accounts[0].users[0].access_key_id: missing"},
      {R"({"accounts": [{"id": "444455556666", "groups": [{"region": "eu-west-1",
           "name": "g", "ingress": [{"protocol": "tcp", "from_port": 1, "to_port": 1}]}]}]})",
       "accounts[0].groups[0].ingress[0]: a rule needs one of cidr"},
      {R"({"accounts": [{"id": "444455556666", "roles": [{"name": 5}]}]})",
       "accounts[0].roles[0].name: has the wrong type"},
      {R"({"accounts": {}})", "accounts: must be an array"},
  };
  for (const Case& c : cases) {
    auto applied = apply_seed(*emulator_, nlohmann::json::parse(c.seed));
    ASSERT_FALSE(applied) << c.seed;
    EXPECT_NE(applied.error().find(c.expected), std::string::npos) << applied.error();
  }
}

}  // namespace
}  // namespace sgwatch::emulator::seed_test
