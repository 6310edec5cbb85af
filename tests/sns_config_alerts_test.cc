// AWS Config's path end to end: department B changes a group with the awscli; the
// emulator's Config recorder publishes the item to an SNS topic, which signs it and posts it
// to the endpoint of a running `sgwatch watch`. The endpoint verifies it, takes the item in
// as an observation of the group, attributes it from the item's related CloudTrail event,
// and the alert goes out once, routed by the item's tags. The poll interval is an hour, so
// nothing but the notification can have found the change.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "awscli.h"
#include "background_watch.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "emulator_env.h"
#include "offset_clock.h"
#include "scoped_env.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"
#include "webhook_receiver.h"

namespace sgwatch {
namespace {

using nlohmann::json;

constexpr const char* kAccount = "111122223333";
constexpr const char* kRegion = "eu-west-1";
constexpr const char* kDeptB = "arn:aws:iam::111122223333:user/dept-b";

json seed() {
  return json::parse(R"({
    "regions": ["eu-west-1"],
    "accounts": [{
      "id": "111122223333",
      "users": [
        {"name": "sgwatch", "access_key_id": "AKIAEMULATORSGWATCH0", "secret_access_key": "sgw"},
        {"name": "dept-b", "access_key_id": "AKIAEMULATORDEPTB000", "secret_access_key": "dpb"}
      ]
    }]
  })");
}

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

class SnsConfigAlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    emulator::EmulatorOptions options;
    options.regions = {kRegion};
    auto started = emulator::Emulator::start(options, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    auto seeded = emulator::apply_seed(*emulator_, seed());
    ASSERT_TRUE(seeded) << seeded.error();
    emulator_->trail().set_lookup_rate_limit(false);
    testing::use_emulator(env_, emulator_->endpoint(), dir_, {"AKIAEMULATORSGWATCH0", "sgw"},
                          kRegion);
    env_.set("SGWATCH_TEST_ONLY_TRUST_SNS_CERT_URL", emulator_->sns().certificate_url());
    auto group = emulator_->ec2().create_group(
        kAccount, kRegion, "web-dept-a", "web servers", "",
        {{"NotifyOnChange", "Yes"}, {"OwnerDL", "team-a@example.com"}});
    ASSERT_TRUE(group);
    group_ = *group;
    auto topic = emulator_->sns().create_topic(kRegion, kAccount, "config-topic");
    ASSERT_TRUE(topic);
    topic_ = *topic;
    port_ = free_port();
    write_config();
  }

  void write_config() {
    const std::string path = dir_.file("sgwatch.toml");
    std::ofstream(path) << "[routing]\nowner_destinations = [\"owners\"]\ncoalesce = \"0s\"\n"
                        << "[[routes]]\nname = \"security team\"\n"
                        << "destinations = [\"security\"]\n"
                        << "[[destinations]]\nname = \"security\"\ntype = \"webhook\"\n"
                        << "url = \"" << security_.url() << "\"\n"
                        << "[[destinations]]\nname = \"owners\"\ntype = \"webhook\"\n"
                        << "url = \"" << owners_.url() << "\"\n"
                        << "[sns]\nlisten = \"127.0.0.1:" << port_ << "\"\n"
                        << "topics = [\"arn:aws:sns:*:" << kAccount << ":config-*\"]\n";
    env_.set("SGWATCH_CONFIG", path);
  }

  testing::CliOutcome sgwatch(std::vector<std::string> args, StopSignal* stop = nullptr) {
    args.insert(args.begin(), {"--store", dir_.file("store.db")});
    return testing::run_sgwatch(std::move(args), clock_, stop);
  }

  std::string endpoint_url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/sns";
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
  static std::vector<json> change_alerts(const testing::WebhookReceiver& receiver) {
    std::vector<json> alerts;
    for (const std::string& body : receiver.bodies()) {
      json alert = json::parse(body);
      if (alert["kind"] == "change") alerts.push_back(alert);
    }
    return alerts;
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

  void dept_b(std::vector<std::string> args) {
    testing::AwsCli cli(emulator_->endpoint(), "AKIAEMULATORDEPTB000", "dpb");
    auto ran = cli.run(args);
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
  }
  void dept_b_opens_rdp() {
    dept_b({"ec2", "authorize-security-group-ingress", "--group-id", group_, "--protocol", "tcp",
            "--port", "3389", "--cidr", "0.0.0.0/0"});
  }

  // The Notification deliveries SNS made, and their answers.
  std::vector<emulator::SnsDelivery> notifications() const {
    std::vector<emulator::SnsDelivery> found;
    for (const auto& delivery : emulator_->sns().deliveries()) {
      if (delivery.message_type == "Notification") found.push_back(delivery);
    }
    return found;
  }

  testing::OffsetClock clock_;
  std::unique_ptr<emulator::Emulator> emulator_;
  testing::TempDir dir_;
  testing::ScopedEnv env_;
  testing::WebhookReceiver security_, owners_;
  std::string group_, topic_;
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

  const std::vector<json> security = change_alerts(security_);
  const std::vector<json> owners = change_alerts(owners_);
  ASSERT_EQ(security.size(), 1u);
  ASSERT_EQ(owners.size(), 1u);
  EXPECT_EQ(owners.front()["recipients"], json::array({"team-a@example.com"}));
  const json& item = security.front()["items"][0];
  EXPECT_EQ(item["group_id"], group_);
  EXPECT_EQ(item["added"][0]["from_port"], 3389);
  EXPECT_EQ(item["added"][0]["peer"]["cidr"], "0.0.0.0/0");
  EXPECT_EQ(item["attribution"]["state"], "attributed");
  EXPECT_EQ(item["attribution"]["calls"][0]["actor"]["arn"], kDeptB);
  EXPECT_EQ(security.front()["severity"], "critical");
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
}  // namespace sgwatch
