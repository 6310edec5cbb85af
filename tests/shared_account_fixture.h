// An end-to-end alert test in the shared account (shared_account_seed.h): the emulator on
// the test's clock with LookupEvents unthrottled, the process environment pointed at it as
// sgwatch's own user, the emulator's SNS certificate trusted; department A's group
// web-dept-a (NotifyOnChange Yes, OwnerDL team-a@example.com) and AWS Config's topic
// config-topic; two webhook receivers, "security" (every alert, by a route) and "owners"
// (the group's OwnerDL). A test writes its config with use_config() and runs `sgwatch` in
// the test's process.
#pragma once

#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "awscli.h"
#include "background_watch.h"
#include "emulator/emulator.h"
#include "emulator_env.h"
#include "offset_clock.h"
#include "scoped_env.h"
#include "shared_account_seed.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"
#include "webhook_receiver.h"

namespace sgwatch::testing {

class SharedAccountAlertsTest : public ::testing::Test {
 protected:
  static constexpr const char* kAccount = kSharedAccount;
  static constexpr const char* kRegion = kSharedRegion;
  static constexpr const char* kDeptB = kDeptBArn;

  // `more_users`: users of the account besides sgwatch and department B, in the seed's
  // format.
  explicit SharedAccountAlertsTest(nlohmann::json more_users = nlohmann::json::array())
      : more_users_(std::move(more_users)) {}

  // A test's own SetUp calls this first, and returns if it failed (HasFatalFailure()).
  void SetUp() override {
    auto started = start_shared_account(clock_, more_users_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    emulator_->trail().set_lookup_rate_limit(false);
    use_emulator(env_, emulator_->endpoint(), dir_, kSgwatchIdentity, kRegion);
    env_.set("SGWATCH_TEST_ONLY_TRUST_SNS_CERT_URL", emulator_->sns().certificate_url());
    auto group = emulator_->ec2().create_group(
        kAccount, kRegion, "web-dept-a", "web servers", "",
        {{"NotifyOnChange", "Yes"}, {"OwnerDL", "team-a@example.com"}});
    ASSERT_TRUE(group);
    group_ = *group;
    auto topic = emulator_->sns().create_topic(kRegion, kAccount, "config-topic");
    ASSERT_TRUE(topic);
    topic_ = *topic;
  }

  // Makes sgwatch's config the routing to the two receivers (no coalescing) followed by
  // `source_sections`, the TOML of the source under test.
  void use_config(const std::string& source_sections) {
    const std::string path = dir_.file("sgwatch.toml");
    std::ofstream(path) << "[routing]\nowner_destinations = [\"owners\"]\ncoalesce = \"0s\"\n"
                        << "[[routes]]\nname = \"security team\"\n"
                        << "destinations = [\"security\"]\n"
                        << "[[destinations]]\nname = \"security\"\ntype = \"webhook\"\n"
                        << "url = \"" << security_.url() << "\"\n"
                        << "[[destinations]]\nname = \"owners\"\ntype = \"webhook\"\n"
                        << "url = \"" << owners_.url() << "\"\n"
                        << source_sections;
    env_.set("SGWATCH_CONFIG", path);
  }

  CliOutcome sgwatch(std::vector<std::string> args, StopSignal* stop = nullptr) {
    args.insert(args.begin(), {"--store", dir_.file("store.db")});
    return run_sgwatch(std::move(args), clock_, stop);
  }

  // The snapshot time of the scope's last cycle, if any.
  std::optional<Timestamp> last_cycle() {
    auto store = SqliteStore::open_reader(dir_.file("store.db"));
    if (!store) return std::nullopt;
    auto account = AccountId::parse(kAccount);
    auto region = Region::parse(kRegion);
    auto last = (*store)->last_snapshot(Scope{*account, *region});
    if (!last || !*last) return std::nullopt;
    return (**last).observed_at;
  }

  // The change alerts a receiver got.
  static std::vector<nlohmann::json> change_alerts(const WebhookReceiver& receiver) {
    std::vector<nlohmann::json> alerts;
    for (const std::string& body : receiver.bodies()) {
      nlohmann::json alert = nlohmann::json::parse(body);
      if (alert["kind"] == "change") alerts.push_back(alert);
    }
    return alerts;
  }

  void dept_b(std::vector<std::string> args) {
    AwsCli cli(emulator_->endpoint(), kDeptBIdentity.access_key_id,
               kDeptBIdentity.secret_access_key);
    auto ran = cli.run(args);
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
  }
  void dept_b_opens_rdp() {
    dept_b({"ec2", "authorize-security-group-ingress", "--group-id", group_, "--protocol", "tcp",
            "--port", "3389", "--cidr", "0.0.0.0/0"});
  }

  // The one alert each destination got, as an RDP opening by department B.
  void expect_one_rdp_alert_each() {
    const std::vector<nlohmann::json> security = change_alerts(security_);
    const std::vector<nlohmann::json> owners = change_alerts(owners_);
    ASSERT_EQ(security.size(), 1u);
    ASSERT_EQ(owners.size(), 1u);
    EXPECT_EQ(owners.front()["recipients"], nlohmann::json::array({"team-a@example.com"}));
    const nlohmann::json& item = security.front()["items"][0];
    EXPECT_EQ(item["group_id"], group_);
    EXPECT_EQ(item["added"][0]["from_port"], 3389);
    EXPECT_EQ(item["added"][0]["peer"]["cidr"], "0.0.0.0/0");
    EXPECT_EQ(item["attribution"]["state"], "attributed");
    EXPECT_EQ(item["attribution"]["calls"][0]["actor"]["arn"], kDeptB);
    EXPECT_EQ(security.front()["severity"], "critical");
  }

  OffsetClock clock_;
  std::unique_ptr<emulator::Emulator> emulator_;
  TempDir dir_;
  ScopedEnv env_;
  WebhookReceiver security_, owners_;
  std::string group_, topic_;

 private:
  nlohmann::json more_users_;
};

}  // namespace sgwatch::testing
