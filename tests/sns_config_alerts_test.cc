// AWS Config's path end to end: department B changes a group with the awscli; the
// emulator's Config recorder publishes the item to an SNS topic, which signs it and posts it
// to the endpoint of a running `sgwatch watch`. The endpoint verifies it, takes the item in
// as an observation of the group, attributes it from the item's related CloudTrail event,
// and the alert goes out once, routed by the item's tags. The poll interval is an hour, so
// nothing but the notification can have found the change.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "background_watch.h"
#include "shared_account_fixture.h"
#include "state/sqlite_store.h"

namespace sgwatch::sns_config_alerts_test {
namespace {

using nlohmann::json;

// A loopback port nothing listens on now. The endpoint binds it a moment later; the
// command line has no way to report a port it chose itself.
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);
  return ntohs(address.sin_port);
}

class SnsConfigAlertsTest : public testing::SharedAccountAlertsTest {
 protected:
  void SetUp() override {
    SharedAccountAlertsTest::SetUp();
    if (HasFatalFailure()) return;
    port_ = free_port();
    write_config();
  }

  void write_config() {
    use_config(std::string("[sns]\nlisten = \"127.0.0.1:") + std::to_string(port_) + "\"\n" +
               "topics = [\"arn:aws:sns:*:" + kAccount + ":config-*\"]\n");
  }

  std::string endpoint_url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/sns";
  }

  // Takes the baseline with `once`, starts `watch` with `interval`, waits for its first
  // cycle, and subscribes its endpoint to the Config topic (sgwatch confirms).
  std::unique_ptr<testing::BackgroundWatch> start_watch(const std::string& interval) {
    EXPECT_EQ(sgwatch({"once", "--region", kRegion}).code, 0);
    const std::optional<Timestamp> baseline = last_cycle();
    auto watch = std::make_unique<testing::BackgroundWatch>([this, interval](StopSignal* stop) {
      return sgwatch({"watch", "--interval", interval, "--region", kRegion}, stop);
    });
    // The endpoint is up before the first cycle; that cycle finds nothing new.
    EXPECT_TRUE(testing::wait_until([&] { return last_cycle() > baseline; }));
    auto subscription = emulator_->sns().subscribe(topic_, endpoint_url());
    EXPECT_TRUE(subscription);
    EXPECT_TRUE(testing::wait_until([&] {
      auto subscriptions = emulator_->sns().subscriptions(topic_);
      return !subscriptions.empty() && subscriptions.front().confirmed;
    })) << "the subscription was not confirmed";
    emulator_->config().deliver_to(kRegion, topic_);
    return watch;
  }

  // The Notification deliveries SNS made, and their answers.
  std::vector<emulator::SnsDelivery> notifications() const {
    std::vector<emulator::SnsDelivery> found;
    for (const auto& delivery : emulator_->sns().deliveries()) {
      if (delivery.message_type == "Notification") found.push_back(delivery);
    }
    return found;
  }

  int port_ = 0;
};

TEST_F(SnsConfigAlertsTest, AChangeArrivesThroughConfigAndSnsOnceRoutedByTheItemsTags) {
  auto watch = start_watch("1h");  // no poll after the first: only SNS can bring the change
  dept_b_opens_rdp();
  ASSERT_TRUE(testing::wait_until([&] {
    return !change_alerts(security_).empty() && !change_alerts(owners_).empty();
  })) << "no alert arrived";
  // Answered 200 at the first attempt.
  ASSERT_EQ(notifications().size(), 1u);
  EXPECT_EQ(notifications().front().status, 200);
  testing::CliOutcome outcome = watch->stop();
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  expect_one_rdp_alert_each();
}

TEST_F(SnsConfigAlertsTest, AnOversizedItemIsFetchedFromConfigsHistory) {
  emulator_->config().set_oversize_threshold(64);  // every notification is oversized
  auto watch = start_watch("1h");
  dept_b_opens_rdp();
  ASSERT_TRUE(testing::wait_until([&] { return !change_alerts(security_).empty(); }));
  EXPECT_EQ(emulator_->calls().calls("config", "GetResourceConfigHistory"), 1u);
  watch->stop();
  const std::vector<json> security = change_alerts(security_);
  ASSERT_EQ(security.size(), 1u);
  EXPECT_EQ(security.front()["items"][0]["added"][0]["from_port"], 3389);
  EXPECT_EQ(security.front()["items"][0]["attribution"]["calls"][0]["actor"]["arn"], kDeptB);
}

TEST_F(SnsConfigAlertsTest, ADeletedGroupIsReportedFromItsLastItem) {
  auto watch = start_watch("1h");
  dept_b({"ec2", "delete-security-group", "--group-id", group_});
  ASSERT_TRUE(testing::wait_until([&] { return !change_alerts(security_).empty(); }));
  watch->stop();
  const std::vector<json> security = change_alerts(security_);
  ASSERT_EQ(security.size(), 1u);
  EXPECT_EQ(security.front()["items"][0]["kind"], "deleted");
  EXPECT_EQ(security.front()["items"][0]["group_id"], group_);
}

TEST_F(SnsConfigAlertsTest, PollingAndSnsTogetherStillAlertOncePerChange) {
  auto watch = start_watch("100ms");
  dept_b_opens_rdp();
  ASSERT_TRUE(testing::wait_until([&] { return !change_alerts(security_).empty(); }));
  // Several more cycles and the notification (however late) find the change known.
  ASSERT_TRUE(testing::wait_until([&] { return notifications().size() == 1; }));
  const std::optional<Timestamp> after = last_cycle();
  ASSERT_TRUE(testing::wait_until([&] { return last_cycle() > after; }));
  watch->stop();
  EXPECT_EQ(change_alerts(security_).size(), 1u);
  EXPECT_EQ(change_alerts(owners_).size(), 1u);
  EXPECT_EQ(notifications().front().status, 200);
}

TEST_F(SnsConfigAlertsTest, ValidateShowsTheEndpointAndWarnsOfTheTestOnlyTrust) {
  testing::CliOutcome validated = sgwatch({"validate"});
  EXPECT_EQ(validated.code, 0) << validated.out << validated.err;
  EXPECT_NE(validated.out.find("http://127.0.0.1:" + std::to_string(port_) +
                               "/sns accepts the topics arn:aws:sns:*:111122223333:config-*"),
            std::string::npos)
      << validated.out;
  EXPECT_NE(validated.out.find("SGWATCH_TEST_ONLY_TRUST_SNS_CERT_URL is set"), std::string::npos)
      << validated.out;
  EXPECT_NE(validated.out.find("will be created at the first message"), std::string::npos)
      << validated.out;

  env_.set("SGWATCH_TEST_ONLY_TRUST_SNS_CERT_URL", "https://certs.example.com/x.pem");
  testing::CliOutcome refused = sgwatch({"validate"});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.out.find("is not on a loopback host"), std::string::npos) << refused.out;
  // watch refuses to start with it, before serving anything.
  testing::CliOutcome watch = sgwatch({"watch", "--interval", "1h", "--region", kRegion});
  EXPECT_EQ(watch.code, 1);
  EXPECT_NE(watch.err.find("is not on a loopback host"), std::string::npos) << watch.err;
}

// Config's notifications as SNS might deliver them: late, repeated, out of order, about
// other things. Each is signed by the emulator's SNS, so only sgwatch's own rules stop them.
TEST_F(SnsConfigAlertsTest, LateRepeatedAndForeignItemsChangeNothing) {
  auto watch = start_watch("1h");
  dept_b_opens_rdp();
  ASSERT_TRUE(testing::wait_until([&] { return !change_alerts(security_).empty(); }));
  const json item = json::parse(emulator_->config().items().back().dump());
  const int64_t state = item["configurationStateId"];

  auto publish = [&](json changed_item, const std::string& type = "ConfigurationItemChangeNotification") {
    json diff = {{"changeType", "UPDATE"},
                 {"changedProperties",
                  {{"Configuration.IpPermissions.0", {{"changeType", "UPDATE"}}}}}};
    json notification = {{"configurationItemDiff", diff},
                         {"configurationItem", changed_item},
                         {"notificationCreationTime", "2026-11-27T00:00:00.000Z"},
                         {"messageType", type},
                         {"recordVersion", "1.3"}};
    ASSERT_TRUE(emulator_->sns().publish(topic_, notification.dump(), "[AWS Config:eu-west-1]"));
  };
  json reverted = item;
  reverted["configuration"]["ipPermissions"] = json::array();
  json older = reverted;  // an earlier state arriving late: RDP not yet open
  older["configurationStateId"] = state - 1;
  publish(older);
  json again = item;  // the same state again
  publish(again);
  json not_recorded = reverted;  // newer, but Config stopped recording the group
  not_recorded["configurationStateId"] = state + 1;
  not_recorded["configurationItemStatus"] = "ResourceNotRecorded";
  publish(not_recorded);
  json before_the_last_poll = reverted;  // newer id, captured before watch's first cycle
  before_the_last_poll["configurationStateId"] = state + 2;
  before_the_last_poll["configurationItemCaptureTime"] = "2020-01-01T00:00:00.000Z";
  publish(before_the_last_poll);
  json elsewhere = reverted;  // an account sgwatch does not observe
  elsewhere["awsAccountId"] = "999988887777";
  elsewhere["configurationStateId"] = state + 3;
  publish(elsewhere);
  publish(reverted, "ComplianceChangeNotification");

  ASSERT_TRUE(testing::wait_until([&] { return notifications().size() == 7; }));
  for (const auto& delivery : notifications()) EXPECT_EQ(delivery.status, 200);
  watch->stop();
  EXPECT_EQ(change_alerts(security_).size(), 1u);  // the real change only
  auto store = SqliteStore::open_reader(dir_.file("store.db"));
  ASSERT_TRUE(store);
  auto latest = (*store)->latest(*GroupId::parse(group_));
  ASSERT_TRUE(latest && *latest && (*latest)->content);
  EXPECT_EQ((*latest)->content->rules.size(), 2u);  // RDP in, and the default egress
}

}  // namespace
}  // namespace sgwatch::sns_config_alerts_test
