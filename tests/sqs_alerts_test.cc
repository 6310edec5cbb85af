// SQS end to end: department B changes a group with the awscli; the emulator forwards the
// CloudTrail event to a queue as an EventBridge rule would, and (on its own path) AWS
// Config's item through an SNS topic to another queue, raw or in its signed envelope. A
// running `sgwatch watch` reads the queues, refreshes the group the event names, and the
// alert goes out once, attributed from the event itself. The poll interval is an hour
// unless a test says otherwise, so nothing but a queue can have found the change.
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "awscli.h"
#include "background_watch.h"
#include "core/time_format.h"
#include "shared_account_fixture.h"
#include "state/sqlite_store.h"

namespace sgwatch::sqs_alerts_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class SqsAlertsTest : public testing::SharedAccountAlertsTest {
 protected:
  // The intern may not add ingress rules: their calls are refused, attempts to report.
  SqsAlertsTest()
      : SharedAccountAlertsTest(json::parse(R"([
          {"name": "intern", "access_key_id": "AKIAEMULATORINTERN00", "secret_access_key": "int",
           "deny": ["ec2:AuthorizeSecurityGroupIngress"]}])")) {}

  void SetUp() override {
    SharedAccountAlertsTest::SetUp();
    if (HasFatalFailure()) return;
    events_queue_ = make_queue("sgwatch-events");
    config_queue_ = make_queue("sgwatch-config");
  }

  // A queue with a dead-letter queue taking what was received twice.
  std::string make_queue(const std::string& name) {
    auto dead = emulator_->sqs().create_queue(kAccount, kRegion, name + "-dlq");
    EXPECT_TRUE(dead);
    const std::string redrive = json{{"deadLetterTargetArn", *emulator_->sqs().arn_of(*dead)},
                                     {"maxReceiveCount", "2"}}
                                    .dump();
    auto queue = emulator_->sqs().create_queue(kAccount, kRegion, name, {{"RedrivePolicy", redrive}});
    EXPECT_TRUE(queue);
    return *queue;
  }

  void write_config(const std::vector<std::string>& queues, const std::string& extra = "") {
    std::ostringstream sqs;
    sqs << "[sqs]\nregion = \"" << kRegion << "\"\nwait = \"20s\"\nqueues = [";
    for (size_t i = 0; i < queues.size(); ++i) sqs << (i ? ", " : "") << '"' << queues[i] << '"';
    sqs << "]\n" << extra;
    use_config(sqs.str());
  }

  uint64_t receives() const { return emulator_->calls().calls("sqs", "ReceiveMessage"); }

  // Takes the baseline with `once`, starts `watch`, and waits for its first cycle and for
  // it to be long-polling every queue.
  std::unique_ptr<testing::BackgroundWatch> start_watch(const std::string& interval,
                                                        size_t queues) {
    EXPECT_EQ(sgwatch({"once", "--region", kRegion}).code, 0);
    const std::optional<Timestamp> baseline = last_cycle();
    const uint64_t before = receives();
    auto watch = std::make_unique<testing::BackgroundWatch>([this, interval](StopSignal* stop) {
      return sgwatch({"watch", "--interval", interval, "--region", kRegion}, stop);
    });
    EXPECT_TRUE(testing::wait_until([&] { return last_cycle() > baseline; }));
    EXPECT_TRUE(testing::wait_until([&] { return receives() >= before + queues; }));
    return watch;
  }

  std::string events_queue_, config_queue_;
};

TEST_F(SqsAlertsTest, AnEventBridgeEventBringsTheChangeAttributedFromTheEventItself) {
  emulator_->events().forward_to(kRegion, *emulator_->sqs().arn_of(events_queue_));
  write_config({events_queue_});
  auto watch = start_watch("1h", 1);
  const uint64_t lookups = emulator_->calls().calls("cloudtrail", "LookupEvents");
  dept_b_opens_rdp();
  ASSERT_TRUE(testing::wait_until([&] {
    return !change_alerts(security_).empty() && !change_alerts(owners_).empty();
  })) << "no alert arrived";
  // The event was deleted once handled, and told who made the change: no lookup was made.
  ASSERT_TRUE(testing::wait_until([&] { return emulator_->sqs().counts(events_queue_).visible +
                                                   emulator_->sqs().counts(events_queue_).in_flight ==
                                               0; }));
  EXPECT_EQ(emulator_->calls().calls("cloudtrail", "LookupEvents"), lookups);
  testing::CliOutcome outcome = watch->stop();
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  expect_one_rdp_alert_each();
}

class SqsConfigPathTest : public SqsAlertsTest, public ::testing::WithParamInterface<bool> {};

TEST_P(SqsConfigPathTest, AConfigItemThroughSnsAndSqsBringsTheChange) {
  const bool raw = GetParam();
  auto subscribed = emulator_->sns().subscribe(topic_, *emulator_->sqs().arn_of(config_queue_),
                                               "sqs", raw);
  ASSERT_TRUE(subscribed);
  emulator_->config().deliver_to(kRegion, topic_);
  write_config({config_queue_}, "topics = [\"arn:aws:sns:*:111122223333:config-*\"]\n");
  auto watch = start_watch("1h", 1);
  dept_b_opens_rdp();
  ASSERT_TRUE(testing::wait_until([&] {
    return !change_alerts(security_).empty() && !change_alerts(owners_).empty();
  })) << "no alert arrived";
  ASSERT_TRUE(testing::wait_until(
      [&] { return emulator_->sqs().counts(config_queue_).in_flight == 0; }));
  EXPECT_EQ(emulator_->sqs().counts(config_queue_).visible, 0u);
  testing::CliOutcome outcome = watch->stop();
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  expect_one_rdp_alert_each();
}

INSTANTIATE_TEST_SUITE_P(RawAndEnveloped, SqsConfigPathTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Raw" : "Enveloped"; });

TEST_F(SqsAlertsTest, AnEnvelopeOfATopicNotAllowedIsPoison) {
  auto subscribed =
      emulator_->sns().subscribe(topic_, *emulator_->sqs().arn_of(config_queue_), "sqs", false);
  ASSERT_TRUE(subscribed);
  emulator_->config().deliver_to(kRegion, topic_);
  write_config({config_queue_}, "topics = [\"arn:aws:sns:*:111122223333:other-*\"]\n");
  auto watch = start_watch("1h", 1);
  dept_b_opens_rdp();
  ASSERT_TRUE(testing::wait_until([&] {
    return emulator_->sqs().counts(config_queue_).in_flight == 1;
  }));
  // The reader polls again once it is done with its batch.
  const uint64_t polls = receives();
  ASSERT_TRUE(testing::wait_until([&] { return receives() > polls; }));
  testing::CliOutcome outcome = watch->stop();
  EXPECT_TRUE(change_alerts(security_).empty());
  EXPECT_EQ(emulator_->sqs().counts(config_queue_).in_flight, 1u);  // left, not deleted
  EXPECT_NE(outcome.err.find("is poison"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("topic"), std::string::npos) << outcome.err;
}

TEST_F(SqsAlertsTest, EveryPathAndPollingTogetherStillAlertOncePerChange) {
  emulator_->events().forward_to(kRegion, *emulator_->sqs().arn_of(events_queue_));
  ASSERT_TRUE(emulator_->sns().subscribe(topic_, *emulator_->sqs().arn_of(config_queue_), "sqs",
                                         true));
  emulator_->config().deliver_to(kRegion, topic_);
  write_config({events_queue_, config_queue_});
  auto watch = start_watch("100ms", 2);
  dept_b_opens_rdp();
  ASSERT_TRUE(testing::wait_until([&] { return !change_alerts(security_).empty(); }));
  // Both messages are handled and several more cycles pass.
  ASSERT_TRUE(testing::wait_until([&] {
    auto events = emulator_->sqs().counts(events_queue_);
    auto config = emulator_->sqs().counts(config_queue_);
    return events.visible + events.in_flight + config.visible + config.in_flight == 0;
  }));
  const std::optional<Timestamp> after = last_cycle();
  ASSERT_TRUE(testing::wait_until([&] { return last_cycle() > after; }));
  testing::CliOutcome outcome = watch->stop();
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  expect_one_rdp_alert_each();
}

TEST_F(SqsAlertsTest, PoisonAndUnknownMessagesDoNotStopTheConsumer) {
  emulator_->events().forward_to(kRegion, *emulator_->sqs().arn_of(events_queue_));
  write_config({events_queue_});
  auto watch = start_watch("1h", 1);
  ASSERT_TRUE(emulator_->sqs().send(events_queue_, "this is not JSON"));
  ASSERT_TRUE(emulator_->sqs().send(events_queue_, R"({"greeting": "hello"})"));
  ASSERT_TRUE(emulator_->sqs().send(
      events_queue_,
      R"({"version":"0","id":"1","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2",)"
      R"("account":"111122223333","time":"2026-11-27T10:00:00Z","region":"eu-west-1",)"
      R"("resources":[],"detail":{"eventName":"AuthorizeSecurityGroupIngress"}})"));
  ASSERT_TRUE(emulator_->sqs().send(
      events_queue_,
      R"({"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1",)"
      R"("eventTime":"2026-11-27T10:00:00.000Z","eventName":"ObjectCreated:Put",)"
      R"("s3":{"bucket":{"name":"trail-logs"},"object":{"key":"AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/27/x.json.gz","size":1024}}}]})"));
  dept_b_opens_rdp();
  ASSERT_TRUE(testing::wait_until([&] { return !change_alerts(security_).empty(); }));
  // The two poison messages are left in flight for the dead-letter queue; the rest is gone.
  ASSERT_TRUE(testing::wait_until(
      [&] { return emulator_->sqs().counts(events_queue_).in_flight == 2; }));
  testing::CliOutcome outcome = watch->stop();
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_EQ(emulator_->sqs().counts(events_queue_).visible, 0u);
  EXPECT_NE(outcome.err.find("is poison"), std::string::npos) << outcome.err;
  EXPECT_EQ(change_alerts(security_).size(), 1u);
}

TEST_F(SqsAlertsTest, ADeletionAndARefusedCallArriveThroughEvents) {
  emulator_->events().forward_to(kRegion, *emulator_->sqs().arn_of(events_queue_));
  write_config({events_queue_});
  auto other = emulator_->ec2().create_group(kAccount, kRegion, "batch-dept-c", "batch jobs", "",
                                             {{"NotifyOnChange", "No"}});
  ASSERT_TRUE(other);
  auto watch = start_watch("1h", 1);
  testing::AwsCli intern(emulator_->endpoint(), "AKIAEMULATORINTERN00", "int");
  ASSERT_NE(intern.run({"ec2", "authorize-security-group-ingress", "--group-id", group_,
                        "--protocol", "tcp", "--port", "22", "--cidr", "0.0.0.0/0"})
                .exit_code,
            0);
  dept_b({"ec2", "delete-security-group", "--group-id", *other});
  ASSERT_TRUE(testing::wait_until([&] {
    std::vector<json> attempts;
    for (const std::string& body : security_.bodies()) {
      if (json::parse(body)["kind"] == "attempt") attempts.push_back(json::parse(body));
    }
    return attempts.size() == 1 && change_alerts(security_).size() == 1;
  })) << "no attempt and deletion alerts";
  ASSERT_TRUE(testing::wait_until([&] {
    return emulator_->sqs().counts(events_queue_).visible +
               emulator_->sqs().counts(events_queue_).in_flight == 0;
  }));
  watch->stop();
  const std::vector<json> changes = change_alerts(security_);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes.front()["items"][0]["kind"], "deleted");
  EXPECT_EQ(changes.front()["items"][0]["group_id"], *other);
  EXPECT_EQ(changes.front()["items"][0]["attribution"]["calls"][0]["actor"]["arn"], kDeptB);
  for (const std::string& body : security_.bodies()) {
    const json alert = json::parse(body);
    if (alert["kind"] != "attempt") continue;
    EXPECT_EQ(alert["group_id"], group_);
    EXPECT_EQ(alert["items"][0]["actor"]["arn"], "arn:aws:iam::111122223333:user/intern");
  }
}

TEST_F(SqsAlertsTest, EventsOfAnAccountNotObservedAreSkipped) {
  emulator_->events().forward_to(kRegion, *emulator_->sqs().arn_of(events_queue_));
  write_config({events_queue_});
  auto watch = start_watch("1h", 1);
  dept_b_opens_rdp();
  ASSERT_TRUE(testing::wait_until([&] { return !change_alerts(security_).empty(); }));
  const uint64_t describes = emulator_->calls().calls("ec2", "DescribeSecurityGroups");
  // A well-formed event of another account, as a rule of that account would forward it.
  json foreign = json::parse(R"({"version":"0","id":"f","detail-type":"AWS API Call via CloudTrail",
    "source":"aws.ec2","account":"999988887777","time":"2026-11-27T10:00:00Z","region":"eu-west-1",
    "resources":[],"detail":{"eventVersion":"1.08","userIdentity":{"type":"IAMUser",
    "arn":"arn:aws:iam::999988887777:user/x","accountId":"999988887777"},
    "eventTime":"2026-11-27T10:00:00Z","eventSource":"ec2.amazonaws.com",
    "eventName":"AuthorizeSecurityGroupIngress","awsRegion":"eu-west-1","sourceIPAddress":"192.0.2.1",
    "userAgent":"aws-cli/2.9.19","requestParameters":{"groupId":"sg-0123456789abcdef0",
    "ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,
    "ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}},"responseElements":{"_return":true},
    "requestID":"r","eventID":"11111111-2222-3333-4444-555555555555","readOnly":false,
    "eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"999988887777"}})");
  ASSERT_TRUE(emulator_->sqs().send(events_queue_, foreign.dump()));
  ASSERT_TRUE(testing::wait_until([&] {
    return emulator_->sqs().counts(events_queue_).visible +
               emulator_->sqs().counts(events_queue_).in_flight == 0;
  }));
  watch->stop();
  EXPECT_EQ(emulator_->calls().calls("ec2", "DescribeSecurityGroups"), describes);
  EXPECT_EQ(change_alerts(security_).size(), 1u);
}

// Unsigned messages name groups; they never say what a group holds.
TEST_F(SqsAlertsTest, ARawConfigItemOnlyNamesItsGroup) {
  write_config({config_queue_});
  auto watch = start_watch("1h", 1);
  json forged = json::parse(R"({"configurationItemDiff":{"changeType":"UPDATE",
    "changedProperties":{"Configuration.IpPermissions.0":{"changeType":"DELETE"}}},
    "configurationItem":{"configurationItemVersion":"1.3","configurationItemCaptureTime":"2099-01-01T00:00:00.000Z",
    "configurationStateId":9223372036854775807,"awsAccountId":"111122223333",
    "configurationItemStatus":"OK","resourceType":"AWS::EC2::SecurityGroup","resourceId":"",
    "awsRegion":"eu-west-1","tags":{},"relatedEvents":[],
    "configuration":{"groupName":"web-dept-a","description":"web servers","groupId":"",
      "ownerId":"111122223333","vpcId":"vpc-12345678","ipPermissions":[],"ipPermissionsEgress":[]}},
    "notificationCreationTime":"2026-11-27T00:00:00.000Z",
    "messageType":"ConfigurationItemChangeNotification","recordVersion":"1.3"})");
  forged["configurationItem"]["resourceId"] = group_;
  forged["configurationItem"]["configuration"]["groupId"] = group_;
  const uint64_t describes = emulator_->calls().calls("ec2", "DescribeSecurityGroups");
  ASSERT_TRUE(emulator_->sqs().send(config_queue_, forged.dump()));
  ASSERT_TRUE(testing::wait_until([&] {
    return emulator_->sqs().counts(config_queue_).visible +
               emulator_->sqs().counts(config_queue_).in_flight == 0;
  }));
  watch->stop();
  EXPECT_EQ(emulator_->calls().calls("ec2", "DescribeSecurityGroups"), describes + 1);
  EXPECT_TRUE(change_alerts(security_).empty());
  auto store = SqliteStore::open_reader(dir_.file("store.db"));
  ASSERT_TRUE(store);
  auto latest = (*store)->latest(*GroupId::parse(group_));
  ASSERT_TRUE(latest && *latest && (*latest)->content);
  EXPECT_EQ((*latest)->content->rules.size(), 1u);  // the default egress, as EC2 has it
}

// An item captured before a targeted refresh read the group arrives after it: taking it
// would record a change back to the older state.
TEST_F(SqsAlertsTest, AConfigItemOlderThanARefreshIsNotRecordedOverIt) {
  emulator_->events().forward_to(kRegion, *emulator_->sqs().arn_of(events_queue_));
  ASSERT_TRUE(emulator_->sns().subscribe(topic_, *emulator_->sqs().arn_of(config_queue_), "sqs",
                                         false));
  write_config({events_queue_, config_queue_});
  auto watch = start_watch("1h", 2);
  const Timestamp before_change = clock_.now();
  dept_b_opens_rdp();
  ASSERT_TRUE(testing::wait_until([&] { return change_alerts(security_).size() == 1; }));
  json item = json::parse(R"({"configurationItemVersion":"1.3","configurationStateId":7,
    "awsAccountId":"111122223333","configurationItemStatus":"OK",
    "resourceType":"AWS::EC2::SecurityGroup","awsRegion":"eu-west-1","tags":{},"relatedEvents":[],
    "configuration":{"groupName":"web-dept-a","description":"web servers",
      "ownerId":"111122223333","ipPermissions":[],"ipPermissionsEgress":[
        {"ipProtocol":"-1","ipv4Ranges":[{"cidrIp":"0.0.0.0/0"}],"ipv6Ranges":[],
         "prefixListIds":[],"userIdGroupPairs":[],"ipRanges":["0.0.0.0/0"]}]}})");
  item["resourceId"] = group_;
  item["configuration"]["groupId"] = group_;
  item["configurationItemCaptureTime"] = format_utc(before_change);
  json notification = {{"configurationItemDiff",
                        {{"changeType", "UPDATE"},
                         {"changedProperties", {{"Configuration.IpPermissions.0", {{"changeType", "DELETE"}}}}}}},
                       {"configurationItem", item},
                       {"notificationCreationTime", "2026-11-27T00:00:00.000Z"},
                       {"messageType", "ConfigurationItemChangeNotification"},
                       {"recordVersion", "1.3"}};
  ASSERT_TRUE(emulator_->sns().publish(topic_, notification.dump(), "[AWS Config:eu-west-1]"));
  ASSERT_TRUE(testing::wait_until([&] {
    auto events = emulator_->sqs().counts(events_queue_);
    auto config = emulator_->sqs().counts(config_queue_);
    return events.visible + events.in_flight + config.visible + config.in_flight == 0;
  }));
  watch->stop();
  EXPECT_EQ(change_alerts(security_).size(), 1u);  // RDP opened, and nothing undone
  auto store = SqliteStore::open_reader(dir_.file("store.db"));
  ASSERT_TRUE(store);
  auto latest = (*store)->latest(*GroupId::parse(group_));
  ASSERT_TRUE(latest && *latest && (*latest)->content);
  EXPECT_EQ((*latest)->content->rules.size(), 2u);
}

// Department B stops the trail: attribution goes blind, which the security team hears of
// at once, as a high-severity health alert naming who did it; a second delivery of the
// same event tells nothing more.
TEST_F(SqsAlertsTest, AStoppedTrailIsToldAsAHealthAlert) {
  write_config({events_queue_});
  auto watch = start_watch("1h", 1);
  const json record = {
      {"eventVersion", "1.08"},
      {"userIdentity",
       {{"type", "IAMUser"}, {"principalId", "AIDAEXAMPLEDEPTB"}, {"arn", kDeptB},
        {"accountId", kAccount}, {"accessKeyId", "AKIAEXAMPLEDEPTB"}, {"userName", "bob-dept-b"}}},
      {"eventTime", "2026-11-28T09:55:00Z"},
      {"eventSource", "cloudtrail.amazonaws.com"},
      {"eventName", "StopLogging"},
      {"awsRegion", kRegion},
      {"sourceIPAddress", "203.0.113.7"},
      {"userAgent", "aws-cli/2.9.19"},
      {"requestParameters", {{"name", "management-events"}}},
      {"responseElements", nullptr},
      {"requestID", "6b1a3c52-0000-4000-8000-000000000001"},
      {"eventID", "0c7e5b2a-0000-4000-8000-0000000000aa"},
      {"readOnly", false},
      {"eventType", "AwsApiCall"},
      {"managementEvent", true},
      {"recipientAccountId", kAccount},
      {"eventCategory", "Management"}};
  const json envelope = {{"version", "0"},
                         {"id", "3f2c7d10-0000-4000-8000-000000000001"},
                         {"detail-type", "AWS API Call via CloudTrail"},
                         {"source", "aws.cloudtrail"},
                         {"account", kAccount},
                         {"time", "2026-11-28T09:55:00Z"},
                         {"region", kRegion},
                         {"resources", json::array()},
                         {"detail", record}};
  auto health = [&] {
    std::vector<json> alerts;
    for (const std::string& body : security_.bodies()) {
      json alert = json::parse(body);
      if (alert["kind"] == "health") alerts.push_back(alert);
    }
    return alerts;
  };
  ASSERT_TRUE(emulator_->sqs().send(events_queue_, envelope.dump()));
  ASSERT_TRUE(testing::wait_until([&] { return !health().empty(); })) << "nothing was told";
  ASSERT_TRUE(emulator_->sqs().send(events_queue_, envelope.dump()));
  ASSERT_TRUE(testing::wait_until([&] {
    return emulator_->sqs().counts(events_queue_).visible +
               emulator_->sqs().counts(events_queue_).in_flight == 0;
  }));
  testing::CliOutcome outcome = watch->stop();
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  const std::vector<json> told = health();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0]["severity"], "high");
  const json& item = told[0]["items"][0];
  EXPECT_EQ(item["problem"], "trail_changed");
  EXPECT_EQ(item["subject"], "trail management-events");
  EXPECT_EQ(item["details"]["event_id"], "0c7e5b2a-0000-4000-8000-0000000000aa");
  EXPECT_NE(item["summary"].get<std::string>().find(std::string(kDeptB) + " called StopLogging"),
            std::string::npos)
      << item["summary"];
  EXPECT_TRUE(owners_.bodies().empty());
}

TEST_F(SqsAlertsTest, ShutdownDuringALongPollIsPrompt) {
  write_config({events_queue_, config_queue_});
  auto watch = start_watch("1h", 2);
  std::this_thread::sleep_for(100ms);  // both polls are waiting their 20 s
  const auto started = std::chrono::steady_clock::now();
  testing::CliOutcome outcome = watch->stop();
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_LT(took, 3s);
  EXPECT_NE(outcome.err.find("Stopped reading SQS queue sgwatch-events"), std::string::npos)
      << outcome.err;
}

TEST_F(SqsAlertsTest, ValidateReadsEachQueue) {
  const std::string missing = emulator_->endpoint() + "/" + kAccount + "/no-such-queue";
  write_config({events_queue_, missing});
  testing::CliOutcome validated = sgwatch({"validate"});
  EXPECT_EQ(validated.code, 1) << validated.out << validated.err;
  EXPECT_NE(validated.out.find("arn:aws:sqs:eu-west-1:111122223333:sgwatch-events in eu-west-1"),
            std::string::npos)
      << validated.out;
  EXPECT_NE(validated.out.find("poison goes to arn:aws:sqs:eu-west-1:111122223333:sgwatch-events-dlq "
                               "after 2 receives; events failing through a short outage would "
                               "join it: set maxReceiveCount to 10 or more"),
            std::string::npos)
      << validated.out;
  EXPECT_NE(validated.out.find("sqs queue no-such-queue"), std::string::npos) << validated.out;

  // A queue without a dead-letter queue is a warning, not a failure.
  auto plain = emulator_->sqs().create_queue(kAccount, kRegion, "plain");
  ASSERT_TRUE(plain);
  write_config({*plain});
  testing::CliOutcome warned = sgwatch({"validate"});
  EXPECT_EQ(warned.code, 0) << warned.out;
  EXPECT_NE(warned.out.find("no dead-letter queue"), std::string::npos) << warned.out;
}

}  // namespace
}  // namespace sgwatch::sqs_alerts_test
