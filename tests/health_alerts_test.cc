// Self-alerts end to end: `sgwatch once`, as a timer runs it, tells the routes when it has
// failed to read an account the configured number of runs in a row, and when a
// destination's alerts have waited too long; each incident once, however many runs see it.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/time_format.h"
#include "shared_account_fixture.h"

namespace sgwatch::health_alerts_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class HealthAlertsTest : public testing::SharedAccountAlertsTest {
 protected:
  static std::vector<json> health_alerts(const testing::WebhookReceiver& receiver) {
    std::vector<json> alerts;
    for (const std::string& body : receiver.bodies()) {
      json alert = json::parse(body);
      if (alert["kind"] == "health") alerts.push_back(alert);
    }
    return alerts;
  }

  int once() { return sgwatch({"once", "--region", kRegion}).code; }
};

TEST_F(HealthAlertsTest, AnAccountNotReadThreeRunsInARowIsToldOnce) {
  use_config("[health]\nscope_failures = 3\n");
  ASSERT_EQ(once(), 0);  // the baseline
  const std::optional<Timestamp> last_good = last_cycle();
  ASSERT_TRUE(last_good);
  // The key was revoked: every read fails now (the store remembers whose key it is).
  env_.set("AWS_SECRET_ACCESS_KEY", "not-the-secret-any-more");
  clock_.advance(1min);
  EXPECT_EQ(once(), 1);
  clock_.advance(1min);
  EXPECT_EQ(once(), 1);
  EXPECT_TRUE(health_alerts(security_).empty()) << "told before three runs failed";

  clock_.advance(1min);
  EXPECT_EQ(once(), 1);
  std::vector<json> told = health_alerts(security_);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0]["severity"], "medium");
  EXPECT_EQ(told[0]["account"], kAccount);
  const json& item = told[0]["items"][0];
  EXPECT_EQ(item["problem"], "scope_failing");
  EXPECT_EQ(item["subject"], std::string(kAccount) + " in " + kRegion);
  EXPECT_EQ(item["since"], format_utc(*last_good));
  EXPECT_NE(item["summary"].get<std::string>().find("AuthFailure"), std::string::npos)
      << item["summary"];

  clock_.advance(1min);  // still failing: the same incident, not told again
  EXPECT_EQ(once(), 1);
  EXPECT_EQ(health_alerts(security_).size(), 1u);
  EXPECT_TRUE(health_alerts(owners_).empty()) << "owners hear of their groups only";
}

TEST_F(HealthAlertsTest, ADestinationFailingForLongIsToldToTheOthersOnly) {
  // Owners hear of health problems too, to show the failing destination is spared.
  use_config("[[routes]]\nkinds = [\"health\"]\ndestinations = [\"owners\"]\n"
             "[health]\noutbox_age = \"30m\"\n");
  ASSERT_EQ(once(), 0);
  owners_.answer_status(500);
  dept_b_opens_rdp();
  clock_.advance(1min);
  EXPECT_EQ(once(), 1);  // the owners' alert is owed
  ASSERT_EQ(change_alerts(security_).size(), 1u);
  EXPECT_TRUE(health_alerts(security_).empty());

  clock_.advance(31min);
  owners_.answer_status(200);  // back, after this run's health check saw the backlog
  EXPECT_EQ(once(), 0);
  std::vector<json> told = health_alerts(security_);
  ASSERT_EQ(told.size(), 1u);
  const json& item = told[0]["items"][0];
  EXPECT_EQ(item["problem"], "destination_failing");
  EXPECT_EQ(item["subject"], "destination owners");
  EXPECT_EQ(item["details"]["pending"], 1);
  // The owners got the change they were owed (refused once, then delivered: the same alert),
  // and nothing about their own failure.
  std::vector<json> owed = change_alerts(owners_);
  ASSERT_EQ(owed.size(), 2u);
  EXPECT_EQ(owed[0]["id"], owed[1]["id"]);
  EXPECT_TRUE(health_alerts(owners_).empty());

  clock_.advance(1min);
  EXPECT_EQ(once(), 0);
  EXPECT_EQ(health_alerts(security_).size(), 1u);
}

TEST_F(HealthAlertsTest, HealthAlertsCanBeTurnedOff) {
  use_config("[health]\nalerts = false\nscope_failures = 1\n");
  ASSERT_EQ(once(), 0);
  env_.set("AWS_SECRET_ACCESS_KEY", "not-the-secret-any-more");
  clock_.advance(5min);
  testing::CliOutcome outcome = sgwatch({"once", "--region", kRegion});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_TRUE(health_alerts(security_).empty());
  EXPECT_NE(outcome.err.find("Health: sgwatch has not read account"), std::string::npos)
      << outcome.err;  // still logged
}

}  // namespace
}  // namespace sgwatch::health_alerts_test
