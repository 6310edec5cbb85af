#include "emulator/config/config_recorder.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "webhook_receiver.h"

namespace sgwatch::emulator::config_recorder_test {
namespace {

using std::chrono::seconds;

constexpr char kAccount[] = "111122223333";
constexpr char kRegion[] = "eu-west-1";

Caller admin() {
  Caller caller;
  caller.account_id = kAccount;
  caller.arn = std::string("arn:aws:iam::") + kAccount + ":user/admin";
  caller.principal_id = "AIDAEMULATORADMIN000";
  caller.access_key_id = "AKIAEMULATORADMIN000";
  caller.type = "IAMUser";
  return caller;
}

class ConfigRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = Emulator::start(EmulatorOptions{}, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
  }

  // An EC2 call as the API would make it; returns the response body.
  std::string ec2(Params params) {
    params["Version"] = "2016-11-15";
    Response response = emulator_->ec2().handle(admin(), kRegion, params);
    EXPECT_EQ(response.status, 200) << response.body;
    return response.body;
  }
  std::string create_group(const std::string& name) {
    const std::string body =
        ec2({{"Action", "CreateSecurityGroup"}, {"GroupName", name}, {"GroupDescription", "d"}});
    const size_t start = body.find("<groupId>") + 9;
    return body.substr(start, body.find("</groupId>") - start);
  }
  void authorize_ssh(const std::string& group, const std::string& cidr = "0.0.0.0/0") {
    ec2({{"Action", "AuthorizeSecurityGroupIngress"}, {"GroupId", group},
         {"IpPermissions.1.IpProtocol", "tcp"}, {"IpPermissions.1.FromPort", "22"},
         {"IpPermissions.1.ToPort", "22"}, {"IpPermissions.1.IpRanges.1.CidrIp", cidr}});
  }
  void deliver_to_topic() {
    auto topic = emulator_->sns().create_topic(kRegion, kAccount, "config-topic");
    ASSERT_TRUE(topic);
    topic_ = *topic;
    emulator_->config().deliver_to(kRegion, topic_);
  }
  ConfigRecorder& config() { return emulator_->config(); }
  ConfigJson history(const ConfigJson& request, int* status = nullptr) {
    Response response =
        config().handle(admin(), kRegion, "GetResourceConfigHistory", request.dump());
    if (status != nullptr) *status = response.status;
    return ConfigJson::parse(response.body);
  }

  ManualClock clock_{Timestamp(std::chrono::milliseconds(1772800496789))};
  std::unique_ptr<Emulator> emulator_;
  std::string topic_;
};

TEST_F(ConfigRecorderTest, RecordsNothingUntilConfigured) {
  authorize_ssh(create_group("quiet"));
  EXPECT_TRUE(config().items().empty());
  EXPECT_FALSE(config().recording());
}

TEST_F(ConfigRecorderTest, CreateAuthorizeRevokeTagAndDelete) {
  deliver_to_topic();
  const std::string group = create_group("web");
  clock_.advance(std::chrono::milliseconds(1000));
  authorize_ssh(group);
  ec2({{"Action", "CreateTags"}, {"ResourceId.1", group}, {"Tag.1.Key", "OwnerDL"},
       {"Tag.1.Value", "a@example.com"}});
  ec2({{"Action", "RevokeSecurityGroupIngress"}, {"GroupId", group},
       {"IpPermissions.1.IpProtocol", "tcp"}, {"IpPermissions.1.FromPort", "22"},
       {"IpPermissions.1.ToPort", "22"}, {"IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"}});
  ec2({{"Action", "DeleteSecurityGroup"}, {"GroupId", group}});

  const auto notes = config().notifications();
  ASSERT_EQ(notes.size(), 5u);
  const auto events = emulator_->trail().events();
  ASSERT_EQ(events.size(), 5u);

  // Created.
  const ConfigJson& created = notes[0]["configurationItem"];
  EXPECT_EQ(notes[0]["messageType"], "ConfigurationItemChangeNotification");
  EXPECT_EQ(notes[0]["recordVersion"], "1.3");
  EXPECT_EQ(notes[0]["notificationCreationTime"], "2026-03-06T12:34:56.789Z");
  EXPECT_EQ(notes[0]["configurationItemDiff"],
            ConfigJson({{"changedProperties", ConfigJson::object()}, {"changeType", "CREATE"}}));
  EXPECT_EQ(created["configurationItemStatus"], "ResourceDiscovered");
  EXPECT_EQ(created["resourceId"], group);
  EXPECT_EQ(created["resourceName"], "web");
  EXPECT_EQ(created["awsAccountId"], kAccount);
  EXPECT_EQ(created["awsRegion"], kRegion);
  EXPECT_EQ(created["configurationStateId"], 1772800496789);
  EXPECT_EQ(created["resourceCreationTime"], "2026-03-06T12:34:56.789Z");
  EXPECT_EQ(created["relatedEvents"], ConfigJson::array({events[0]->event_id}));
  const std::string vpc = emulator_->ec2().default_vpc(kAccount, kRegion);
  EXPECT_EQ(created["relationships"][0]["resourceId"], vpc);
  EXPECT_EQ(created["configuration"], ConfigJson::parse(R"({"ownerId": "111122223333",
      "groupName": "web", "groupId": ")" + group + R"(", "description": "d",
      "ipPermissions": [], "ipPermissionsEgress": [{"ipProtocol": "-1", "fromPort": null,
      "toPort": null, "userIdGroupPairs": [], "ipv6Ranges": [], "prefixListIds": [],
      "ipRanges": ["0.0.0.0/0"], "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}], "vpcId": ")" +
                                                     vpc + R"(", "tags": []})"));

  // Authorized: one new permission.
  const ConfigJson& authorized = notes[1]["configurationItem"];
  EXPECT_EQ(authorized["configurationItemStatus"], "OK");
  EXPECT_EQ(authorized["configurationItemCaptureTime"], "2026-03-06T12:34:57.789Z");
  EXPECT_EQ(authorized["relatedEvents"], ConfigJson::array({events[1]->event_id}));
  EXPECT_EQ(notes[1]["configurationItemDiff"]["changeType"], "UPDATE");
  EXPECT_EQ(notes[1]["configurationItemDiff"]["changedProperties"],
            ConfigJson::parse(R"({"Configuration.IpPermissions.0": {"previousValue": null,
      "updatedValue": {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
      "userIdGroupPairs": [], "ipv6Ranges": [], "prefixListIds": [], "ipRanges": ["0.0.0.0/0"],
      "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}, "changeType": "CREATE"}})"));

  // Tagged.
  EXPECT_EQ(notes[2]["configurationItem"]["tags"], ConfigJson({{"OwnerDL", "a@example.com"}}));
  EXPECT_EQ(notes[2]["configurationItem"]["configuration"]["tags"],
            ConfigJson::parse(R"([{"key": "OwnerDL", "value": "a@example.com"}])"));
  EXPECT_EQ(notes[2]["configurationItemDiff"]["changedProperties"],
            ConfigJson::parse(R"({"Tags.OwnerDL": {"previousValue": null,
      "updatedValue": "a@example.com", "changeType": "CREATE"}})"));

  // Revoked.
  const ConfigJson& revoked = notes[3]["configurationItemDiff"]["changedProperties"];
  ASSERT_EQ(revoked.size(), 1u) << revoked.dump();
  EXPECT_EQ(revoked["Configuration.IpPermissions.0"]["changeType"], "DELETE");
  EXPECT_TRUE(revoked["Configuration.IpPermissions.0"]["updatedValue"].is_null());

  // Deleted.
  const ConfigJson& deleted = notes[4]["configurationItem"];
  EXPECT_EQ(deleted["configurationItemStatus"], "ResourceDeleted");
  EXPECT_TRUE(deleted["configuration"].is_null());
  EXPECT_EQ(deleted["resourceName"], "web");
  EXPECT_EQ(notes[4]["configurationItemDiff"]["changeType"], "DELETE");

  // The clock stood still after the first second, yet each state id is larger.
  int64_t last = 0;
  for (const ConfigJson& note : notes) {
    const int64_t id = note["configurationItem"]["configurationStateId"];
    EXPECT_GT(id, last);
    last = id;
  }
}

TEST_F(ConfigRecorderTest, UnchangedStateListsNoChangedProperties) {
  deliver_to_topic();
  const std::string group = create_group("web");
  const Params tag = {{"Action", "CreateTags"}, {"ResourceId.1", group},
                      {"Tag.1.Key", "Team"}, {"Tag.1.Value", "blue"}};
  ec2(tag);
  ec2(tag);  // the same tag again: the group is as it was
  const auto notes = config().notifications();
  ASSERT_EQ(notes.size(), 3u);
  EXPECT_EQ(notes[2]["configurationItemDiff"]["changeType"], "UPDATE");
  EXPECT_EQ(notes[2]["configurationItemDiff"]["changedProperties"], ConfigJson::object());
  EXPECT_EQ(notes[2]["configurationItem"]["configurationItemStatus"], "OK");
}

TEST_F(ConfigRecorderTest, FailedCallsMakeNoItems) {
  deliver_to_topic();
  const std::string group = create_group("web");
  Response duplicate = emulator_->ec2().handle(
      admin(), kRegion,
      {{"Action", "CreateSecurityGroup"}, {"Version", "2016-11-15"}, {"GroupName", "web"},
       {"GroupDescription", "d"}});
  EXPECT_EQ(duplicate.status, 400);
  EXPECT_EQ(config().items().size(), 1u);
}

TEST_F(ConfigRecorderTest, OversizedAboveTheThreshold) {
  deliver_to_topic();
  config().set_oversize_threshold(200);
  const std::string group = create_group("web");
  const auto notes = config().notifications();
  ASSERT_EQ(notes.size(), 1u);
  const ConfigJson& note = notes[0];
  EXPECT_EQ(note["messageType"], "OversizedConfigurationItemChangeNotification");
  EXPECT_EQ(note["recordVersion"], "1.3");
  EXPECT_FALSE(note.contains("configurationItem"));
  const ConfigJson& summary = note["configurationItemSummary"];
  EXPECT_EQ(summary["changeType"], "CREATE");
  EXPECT_EQ(summary["resourceId"], group);
  EXPECT_EQ(summary["resourceType"], "AWS::EC2::SecurityGroup");
  EXPECT_EQ(summary["configurationItemStatus"], "ResourceDiscovered");
  EXPECT_EQ(summary["configurationStateId"], 1772800496789);
  EXPECT_TRUE(summary.contains("resourceCreationTime"));
  EXPECT_TRUE(note["s3DeliverySummary"]["errorCode"].is_null());
  const std::string location = note["s3DeliverySummary"]["s3BucketLocation"];
  EXPECT_TRUE(location.starts_with("emulator-config-bucket/AWSLogs/111122223333/Config/eu-west-1/"))
      << location;
  // The full item is still kept for GetResourceConfigHistory.
  EXPECT_EQ(config().items().size(), 1u);
}

TEST_F(ConfigRecorderTest, PublishesThroughSnsToConfirmedSubscribers) {
  deliver_to_topic();
  testing::WebhookReceiver receiver;
  ASSERT_TRUE(emulator_->sns().subscribe(topic_, receiver.url("/sns")));
  ASSERT_TRUE(receiver.wait_for_count(1, seconds(5)));
  const auto confirmation = nlohmann::json::parse(receiver.bodies()[0]);
  ASSERT_TRUE(emulator_->sns().confirm(topic_, confirmation["Token"]));

  const std::string group = create_group("web");
  ASSERT_TRUE(receiver.wait_for_count(2, seconds(5)));
  const auto delivered = nlohmann::json::parse(receiver.bodies()[1]);
  EXPECT_EQ(delivered["Type"], "Notification");
  EXPECT_EQ(delivered["TopicArn"], topic_);
  EXPECT_EQ(delivered["Subject"], "[AWS Config:eu-west-1] AWS::EC2::SecurityGroup " + group +
                                      " Created in Account 111122223333");
  ASSERT_TRUE(delivered["Message"].is_string());  // a JSON string, parsed a second time
  const auto message = nlohmann::ordered_json::parse(delivered["Message"].get<std::string>());
  EXPECT_EQ(message, config().notifications()[0]);

  authorize_ssh(group);
  ASSERT_TRUE(receiver.wait_for_count(3, seconds(5)));
  EXPECT_EQ(nlohmann::json::parse(receiver.bodies()[2])["Subject"],
            "[AWS Config:eu-west-1] AWS::EC2::SecurityGroup " + group +
                " Updated in Account 111122223333");
}

TEST_F(ConfigRecorderTest, GetResourceConfigHistory) {
  emulator_->config().set_recording(true);  // items without a topic
  const std::string group = create_group("web");
  for (int i = 0; i < 3; ++i) {
    clock_.advance(std::chrono::milliseconds(1000));
    authorize_ssh(group, "10.0." + std::to_string(i) + ".0/24");
  }
  int status = 0;
  ConfigJson answer = history({{"resourceType", "AWS::EC2::SecurityGroup"},
                               {"resourceId", group}}, &status);
  ASSERT_EQ(status, 200) << answer.dump();
  const ConfigJson& items = answer["configurationItems"];
  ASSERT_EQ(items.size(), 4u);
  EXPECT_FALSE(answer.contains("nextToken"));
  // Newest first by default.
  EXPECT_EQ(items[0]["configurationStateId"], "1772800499789");
  EXPECT_EQ(items[3]["configurationItemStatus"], "ResourceDiscovered");
  EXPECT_EQ(items[0]["configurationItemStatus"], "OK");
  EXPECT_DOUBLE_EQ(items[0]["configurationItemCaptureTime"].get<double>(), 1772800499.789);
  EXPECT_EQ(items[0]["resourceType"], "AWS::EC2::SecurityGroup");
  EXPECT_EQ(items[0]["arn"], "arn:aws:ec2:eu-west-1:111122223333:security-group/" + group);
  ASSERT_TRUE(items[0]["configuration"].is_string());
  const auto configuration = ConfigJson::parse(items[0]["configuration"].get<std::string>());
  EXPECT_EQ(configuration["ipPermissions"][0]["ipRanges"].size(), 3u);

  // Paged, oldest first, within a window.
  answer = history({{"resourceType", "AWS::EC2::SecurityGroup"}, {"resourceId", group},
                    {"chronologicalOrder", "Forward"}, {"limit", 2}});
  ASSERT_EQ(answer["configurationItems"].size(), 2u);
  EXPECT_EQ(answer["configurationItems"][0]["configurationItemStatus"], "ResourceDiscovered");
  ASSERT_TRUE(answer.contains("nextToken"));
  answer = history({{"resourceType", "AWS::EC2::SecurityGroup"}, {"resourceId", group},
                    {"chronologicalOrder", "Forward"}, {"limit", 2},
                    {"nextToken", answer["nextToken"]}});
  ASSERT_EQ(answer["configurationItems"].size(), 2u);
  EXPECT_EQ(answer["configurationItems"][1]["configurationStateId"], "1772800499789");
  answer = history({{"resourceType", "AWS::EC2::SecurityGroup"}, {"resourceId", group},
                    {"earlierTime", 1772800497}, {"laterTime", 1772800498}});
  EXPECT_EQ(answer["configurationItems"].size(), 2u) << answer.dump();

  // Errors in the JSON protocol's shape.
  answer = history({{"resourceType", "AWS::EC2::SecurityGroup"}, {"resourceId", "sg-0000"}},
                   &status);
  EXPECT_EQ(status, 400);
  EXPECT_EQ(answer["__type"], "ResourceNotDiscoveredException");
  answer = history({{"resourceId", group}}, &status);
  EXPECT_EQ(status, 400);
  EXPECT_EQ(answer["__type"], "ValidationException");
  answer = history({{"resourceType", "AWS::EC2::SecurityGroup"}, {"resourceId", group},
                    {"limit", 101}},
                   &status);
  EXPECT_EQ(answer["__type"], "ValidationException");
}

TEST_F(ConfigRecorderTest, AdminEndpointConfiguresTheRecorder) {
  httplib::Client admin_client("127.0.0.1", emulator_->port());
  auto answer = admin_client.Post(
      "/_emulator/config",
      R"({"sns_topic_arn": "arn:aws:sns:eu-west-1:111122223333:from-admin",
          "oversize_threshold": 1000})",
      "application/json");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 200) << answer->body;
  auto settings = nlohmann::json::parse(answer->body);
  EXPECT_EQ(settings["recording"], true);
  EXPECT_EQ(settings["oversize_threshold"], 1000);
  EXPECT_EQ(settings["delivery"][0]["sns_topic_arn"],
            "arn:aws:sns:eu-west-1:111122223333:from-admin");
  EXPECT_TRUE(emulator_->sns().has_topic("arn:aws:sns:eu-west-1:111122223333:from-admin"));
  create_group("web");
  EXPECT_EQ(config().notifications().size(), 1u);

  answer = admin_client.Post("/_emulator/config", R"({"recording": false})", "application/json");
  ASSERT_TRUE(answer && answer->status == 200);
  create_group("db");
  EXPECT_EQ(config().items().size(), 1u);

  answer = admin_client.Post("/_emulator/config", R"({"recording": "yes"})", "application/json");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  answer = admin_client.Post("/_emulator/config", R"({"topic": "x"})", "application/json");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
}

TEST_F(ConfigRecorderTest, AGroupDeletedBeforeItsFirstItemIsRecordedAsADeletion) {
  const std::string group = create_group("older-than-recording");
  deliver_to_topic();
  ec2({{"Action", "DeleteSecurityGroup"}, {"GroupId", group}});
  const std::vector<ConfigJson> notifications = config().notifications();
  ASSERT_EQ(notifications.size(), 1u);
  const ConfigJson& notification = notifications.front();
  EXPECT_EQ(notification["configurationItemDiff"]["changeType"], "DELETE");
  EXPECT_EQ(notification["configurationItem"]["configurationItemStatus"], "ResourceDeleted");
  EXPECT_EQ(notification["configurationItem"]["resourceId"], group);
}

}  // namespace
}  // namespace sgwatch::emulator::config_recorder_test
