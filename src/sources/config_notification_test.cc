#include "sources/config_notification.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/time_format.h"

namespace sgwatch::config_notification_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

std::string read_data(const std::string& name) {
  const std::string path = std::string(SGWATCH_TEST_DATA_DIR) + "/config/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The documentation shows Message as an object; SNS delivers it as text, so the tests
// hand over that object re-serialised, as a caller that decoded the string would.
nlohmann::json documented_message(const std::string& name) {
  return nlohmann::json::parse(read_data("aws-config-developer-guide/" + name))["Message"];
}

std::vector<std::string> keys(const std::vector<Rule>& rules) {
  std::vector<std::string> out;
  for (const Rule& rule : rules) out.push_back(rule.key_string());
  return out;
}

// Replaces every `from` in `text` by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The error parse_config_notification gives for `message`, or "" if it parsed.
std::string error_of(const nlohmann::json& message, const std::string& source = "msg-123") {
  auto parsed = parse_config_notification(message.dump(), source);
  return parsed ? "" : parsed.error().message;
}

TEST(ConfigNotification, DocumentedSecurityGroupCreate) {
  const std::string text = documented_message("example-sns-notification_block3.json").dump();
  auto parsed = parse_config_notification(text, "msg-1");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->message_type, "ConfigurationItemChangeNotification");
  EXPECT_EQ(parsed->kind, ConfigMessageKind::kItemChange);
  EXPECT_EQ(parsed->resource_type, "AWS::EC2::SecurityGroup");
  EXPECT_TRUE(parsed->has_diff);
  EXPECT_EQ(parsed->change_type, "CREATE");
  EXPECT_EQ(parsed->changed_properties, 0u);  // {}: counted as none
  EXPECT_FALSE(parsed->summary.has_value());
  ASSERT_TRUE(parsed->item.has_value());
  const ConfigItem& item = *parsed->item;
  EXPECT_EQ(item.account.str(), "123456789012");
  EXPECT_EQ(item.region.str(), "us-east-2");
  EXPECT_EQ(item.group.str(), "sg-3f1fef43");
  EXPECT_EQ(item.status, "ResourceDiscovered");
  EXPECT_FALSE(item.deleted());
  EXPECT_EQ(format_utc(item.capture_time), "2017-01-09T22:50:15.156Z");
  EXPECT_EQ(item.state_id, "1484002215156");
  EXPECT_THAT(item.related_events, IsEmpty());
  EXPECT_THAT(item.tags, IsEmpty());
  EXPECT_EQ(item.version, "1.2");
  EXPECT_EQ(item.arn, "arn:aws:ec2:us-east-2:123456789012:security-group/sg-3f1fef43");
  ASSERT_TRUE(item.content.has_value());
  const Group& group = *item.content;
  EXPECT_EQ(group.id.str(), "sg-3f1fef43");
  EXPECT_EQ(group.name, "example-security-group-2");
  EXPECT_EQ(group.description, "This is an example security group.");
  ASSERT_TRUE(group.vpc.has_value());
  EXPECT_EQ(group.vpc->str(), "vpc-14400670");
  EXPECT_EQ(group.owner.str(), "123456789012");
  EXPECT_THAT(group.tags, IsEmpty());
  // fromPort/toPort null for protocol -1; the legacy ipRanges string list.
  EXPECT_THAT(keys(group.rules), ElementsAre("egress|-1|-1|-1|0.0.0.0/0"));
  EXPECT_EQ(group.rules[0].description, "");
}

TEST(ConfigNotification, OtherResourceTypesAreNamedButNotRead) {
  auto parsed = parse_config_notification(
      documented_message("example-sns-notification_block2.json").dump(), "msg-2");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->kind, ConfigMessageKind::kItemChange);
  EXPECT_EQ(parsed->resource_type, "AWS::EC2::Instance");
  EXPECT_FALSE(parsed->item.has_value());
  EXPECT_TRUE(parsed->has_diff);
  EXPECT_EQ(parsed->change_type, "UPDATE");
  EXPECT_EQ(parsed->changed_properties, 6u);
}

TEST(ConfigNotification, RuleSamplesWithPlaceholderIdsAreRejected) {
  const std::vector<std::pair<std::string, std::string>> samples = {
      {"VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS_invokingEvent_1.json", "sg-01"},
      {"VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS_invokingEvent_2.json", "sg-01"},
      {"VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS_invokingEvent_3.json", "sg-01"},
      {"VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS_invokingEvent_4.json", "sg-01"},
      {"VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS_invokingEvent_5.json", "sg-01"},
      {"VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS_invokingEvent_6.json", "sg-01"},
      {"VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS_invokingEvent_7.json", "sg-01"},
      {"VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS_invokingEvent_8.json", "sg-01"},
      {"EC2_SECURITY_GROUP_NOT_USED_invokingEvent_9.json", "sg-011af0a7f107d6sg6"},
      {"EC2_SECURITY_GROUP_NOT_USED_invokingEvent_10.json", "sg-011af0a7f107d6sg7"},
  };
  for (const auto& [name, id] : samples) {
    auto parsed = parse_config_notification(read_data("aws-config-rules/" + name), name);
    ASSERT_FALSE(parsed) << name;
    EXPECT_EQ(parsed.error().message,
              name + ": configurationItem.resourceId: '" + id +
                  "' is not a valid security group id (sg- and 8 or 17 hex digits)");
  }
}

// The same samples with the placeholder id replaced: version 1.3 items listing each block
// in both ipv4Ranges and the legacy ipRanges.
Result<ConfigNotification> rule_sample(int n) {
  const std::string name =
      "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS_invokingEvent_" + std::to_string(n) + ".json";
  return parse_config_notification(
      replaced(read_data("aws-config-rules/" + name), "\"sg-01\"", "\"sg-0123456789abcdef0\""),
      name);
}

TEST(ConfigNotification, RuleSamplesReadExactly) {
  for (int n = 1; n <= 8; ++n) {
    auto parsed = rule_sample(n);
    ASSERT_TRUE(parsed) << n << ": " << parsed.error().message;
    ASSERT_TRUE(parsed->item && parsed->item->content) << n;
    EXPECT_FALSE(parsed->has_diff) << n;  // null in 1-3, absent in 4-8
    EXPECT_EQ(parsed->item->account.str(), "970012433126");
    EXPECT_EQ(parsed->item->region.str(), "ap-south-1");
    EXPECT_EQ(parsed->item->status, "OK");
    EXPECT_EQ(parsed->item->state_id, "1536298470560");
  }

  auto first = rule_sample(1);
  ASSERT_TRUE(first);
  const Group& group = *first->item->content;
  EXPECT_EQ(group.id.str(), "sg-0123456789abcdef0");
  EXPECT_EQ(group.name, "testconfig");
  EXPECT_EQ(group.description, "testgroupforconfig");
  EXPECT_EQ(group.owner.str(), "970012433126");
  EXPECT_EQ(group.vpc->str(), "vpc-4540bc2d");
  // Each block appears once although both lists name it; host bits (10.0.0.0/0) drop, as
  // EC2 drops them; the tcp/11000 permission has no peers, so no rule.
  EXPECT_THAT(keys(group.rules),
              ElementsAre("ingress|6|0|65535|0.0.0.0/0", "ingress|6|80|80|0.0.0.0/0",
                          "ingress|6|443|443|52.95.75.1/32", "ingress|6|15000|15000|0.0.0.0/0",
                          "ingress|17|10000|10000|0.0.0.0/0", "egress|-1|-1|-1|0.0.0.0/0"));

  auto eighth = rule_sample(8);
  ASSERT_TRUE(eighth);
  EXPECT_THAT(keys(eighth->item->content->rules),
              ElementsAre("ingress|6|10000|20000|0.0.0.0/0", "ingress|17|80|100|0.0.0.0/0",
                          "egress|-1|-1|-1|0.0.0.0/0"));
  auto fifth = rule_sample(5);
  ASSERT_TRUE(fifth);
  EXPECT_THAT(keys(fifth->item->content->rules),
              ElementsAre("ingress|6|10000|12000|0.0.0.0/0", "egress|-1|-1|-1|0.0.0.0/0"));
}

TEST(ConfigNotification, Version12ItemWithOnlyIpRanges) {
  nlohmann::json message = {
      {"messageType", "ConfigurationItemChangeNotification"},
      {"recordVersion", "1.2"},
      {"configurationItem",
       nlohmann::json::parse(read_data("aws-config-rdk/AWS_EC2_SecurityGroup.json"))}};
  auto parsed = parse_config_notification(message.dump(), "rdk");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_FALSE(parsed->has_diff);
  EXPECT_EQ(parsed->change_type, "");
  ASSERT_TRUE(parsed->item.has_value());
  const ConfigItem& item = *parsed->item;
  EXPECT_EQ(item.account.str(), "264683526309");  // accountId, as the API writes it
  EXPECT_EQ(item.state_id, "58");                 // a string here
  EXPECT_EQ(item.version, "1.2");
  EXPECT_EQ(format_utc(item.capture_time), "2016-06-09T08:59:59.139Z");
  ASSERT_TRUE(item.content.has_value());
  EXPECT_EQ(item.content->name, "launch-wizard-7");
  EXPECT_THAT(keys(item.content->rules),
              ElementsAre("ingress|6|22|22|0.0.0.0/0", "egress|-1|-1|-1|0.0.0.0/0"));
}

TEST(ConfigNotification, DeletedAndUnrecordedGroupsHaveNoContent) {
  nlohmann::json deleted = documented_message("example-sns-notification_block3.json");
  deleted["configurationItemDiff"] = {
      {"changeType", "DELETE"},
      {"changedProperties", {{"Configuration", {{"changeType", "DELETE"}}}}}};
  deleted["configurationItem"]["configurationItemStatus"] = "ResourceDeleted";
  deleted["configurationItem"]["configuration"] = nullptr;
  deleted["configurationItem"]["relatedEvents"] = {"2c1b5d3e-0f4a-4a1e-9c0b-5f7f0e2d1a11"};
  auto gone = parse_config_notification(deleted.dump(), "msg-3");
  ASSERT_TRUE(gone) << gone.error().message;
  EXPECT_EQ(gone->change_type, "DELETE");
  EXPECT_EQ(gone->changed_properties, 1u);
  ASSERT_TRUE(gone->item.has_value());
  EXPECT_TRUE(gone->item->deleted());
  EXPECT_FALSE(gone->item->content.has_value());
  EXPECT_EQ(gone->item->group.str(), "sg-3f1fef43");
  EXPECT_THAT(gone->item->related_events, ElementsAre("2c1b5d3e-0f4a-4a1e-9c0b-5f7f0e2d1a11"));

  deleted["configurationItem"]["configurationItemStatus"] = "ResourceDeletedNotRecorded";
  auto gone_unrecorded = parse_config_notification(deleted.dump(), "msg-4");
  ASSERT_TRUE(gone_unrecorded) << gone_unrecorded.error().message;
  EXPECT_TRUE(gone_unrecorded->item->deleted());
  EXPECT_FALSE(gone_unrecorded->item->content.has_value());

  nlohmann::json unrecorded = documented_message("example-sns-notification_block3.json");
  unrecorded["configurationItem"]["configurationItemStatus"] = "ResourceNotRecorded";
  unrecorded["configurationItem"].erase("configuration");
  unrecorded["configurationItem"].erase("configurationStateId");
  auto not_recorded = parse_config_notification(unrecorded.dump(), "msg-5");
  ASSERT_TRUE(not_recorded) << not_recorded.error().message;
  EXPECT_FALSE(not_recorded->item->deleted());
  EXPECT_FALSE(not_recorded->item->content.has_value());
  EXPECT_EQ(not_recorded->item->state_id, "");
}

TEST(ConfigNotification, ItemTagsAndEveryPeerKind) {
  nlohmann::json message = documented_message("example-sns-notification_block3.json");
  nlohmann::json& item = message["configurationItem"];
  item["tags"] = {{"NotifyOnChange", "yes"}, {"OwnerDL", "net@example.com"}};
  item["configuration"]["tags"] = {{{"key", "NotifyOnChange"}, {"value", "yes"}},
                                   {{"key", "OwnerDL"}, {"value", "net@example.com"}}};
  item["configuration"]["ipPermissions"] = nlohmann::json::parse(R"([
    {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443,
     "ipv4Ranges": [{"cidrIp": "203.0.113.0/24", "description": "office"}],
     "ipRanges": ["203.0.113.0/24"],
     "ipv6Ranges": [{"cidrIpv6": "2001:db8::/32", "description": "v6 office"}],
     "prefixListIds": [{"prefixListId": "pl-12345678", "description": "s3"}],
     "userIdGroupPairs": [{"groupId": "sg-0123456789abcdef0", "userId": "111122223333",
                           "groupName": "peer", "vpcId": "vpc-0a1b2c3d",
                           "vpcPeeringConnectionId": "pcx-1a2b3c4d", "description": "peered",
                           "peeringStatus": "active"},
                          {"groupId": "sg-3f1fef43"}]},
    {"ipProtocol": "icmp", "fromPort": 8, "toPort": 0, "ipv4Ranges": [], "ipRanges": ["10.0.0.0/8"]}
  ])");
  auto parsed = parse_config_notification(message.dump(), "msg-6");
  ASSERT_TRUE(parsed) << parsed.error().message;
  const Group& group = *parsed->item->content;
  EXPECT_EQ(group.tags, (std::map<std::string, std::string>{{"NotifyOnChange", "yes"},
                                                            {"OwnerDL", "net@example.com"}}));
  EXPECT_EQ(parsed->item->tags, group.tags);
  ASSERT_EQ(group.rules.size(), 7u);  // six ingress, and the documented egress rule
  std::map<std::string, std::string> descriptions;
  for (const Rule& rule : group.rules) descriptions[describe_peer(rule.peer)] = rule.description;
  EXPECT_EQ(descriptions["203.0.113.0/24"], "office");  // merged with the bare ipRanges entry
  EXPECT_EQ(descriptions["2001:db8::/32"], "v6 office");
  EXPECT_EQ(descriptions["10.0.0.0/8"], "");
  int prefix_lists = 0;
  int references = 0;
  for (const Rule& rule : group.rules) {
    if (std::holds_alternative<PrefixListId>(rule.peer)) {
      ++prefix_lists;
      EXPECT_EQ(std::get<PrefixListId>(rule.peer).str(), "pl-12345678");
      EXPECT_EQ(rule.description, "s3");
    }
    if (const auto* ref = std::get_if<GroupRef>(&rule.peer)) {
      ++references;
      ASSERT_TRUE(ref->user.has_value());
      if (ref->group.str() == "sg-0123456789abcdef0") {
        EXPECT_EQ(ref->user->str(), "111122223333");
        EXPECT_EQ(ref->vpc->str(), "vpc-0a1b2c3d");
        EXPECT_EQ(ref->peering->str(), "pcx-1a2b3c4d");
        EXPECT_EQ(rule.description, "peered");
      } else {
        EXPECT_EQ(ref->user->str(), "123456789012");  // completed with the owner
      }
    }
  }
  EXPECT_EQ(prefix_lists, 1);
  EXPECT_EQ(references, 2);
  EXPECT_EQ(group.rules[0].key_string(), "ingress|1|8|0|10.0.0.0/8");

  // Without the flat map, the configuration's own list gives the tags.
  item.erase("tags");
  auto from_configuration = parse_config_notification(message.dump(), "msg-7");
  ASSERT_TRUE(from_configuration) << from_configuration.error().message;
  EXPECT_THAT(from_configuration->item->tags, IsEmpty());
  EXPECT_EQ(from_configuration->item->content->tags.at("OwnerDL"), "net@example.com");
}

TEST(ConfigNotification, OtherMessageTypesAreNotErrors) {
  const nlohmann::json compliance = {{"messageType", "ComplianceChangeNotification"},
                                     {"awsAccountId", "123456789012"},
                                     {"configRuleName", "restricted-ssh"},
                                     {"resourceType", "AWS::EC2::SecurityGroup"},
                                     {"resourceId", "sg-3f1fef43"},
                                     {"awsRegion", "us-east-2"},
                                     {"newEvaluationResult", {{"complianceType", "NON_COMPLIANT"}}},
                                     {"notificationCreationTime", "2017-01-09T22:50:16.021Z"},
                                     {"recordVersion", "1.0"}};
  const nlohmann::json snapshot = {{"messageType", "ConfigurationSnapshotDeliveryCompleted"},
                                   {"s3Bucket", "config-bucket"},
                                   {"notificationCreationTime", "2017-01-09T22:50:16.021Z"},
                                   {"recordVersion", "1.1"}};
  for (const nlohmann::json& message : {compliance, snapshot}) {
    auto parsed = parse_config_notification(message.dump(), "msg-8");
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->kind, ConfigMessageKind::kOther);
    EXPECT_EQ(parsed->message_type, message["messageType"]);
    EXPECT_EQ(parsed->resource_type, "");
    EXPECT_FALSE(parsed->item.has_value());
    EXPECT_FALSE(parsed->summary.has_value());
    EXPECT_FALSE(parsed->has_diff);
  }
}

TEST(ConfigNotification, OversizedChangesCarryASummary) {
  // The documented example (an EC2 instance), cut from its email text.
  const std::string email =
      read_data("aws-config-developer-guide/oversized-notification-example_block1.txt");
  auto documented = parse_config_notification(email.substr(email.find('{')), "email");
  ASSERT_TRUE(documented) << documented.error().message;
  EXPECT_EQ(documented->kind, ConfigMessageKind::kOversizedItemChange);
  EXPECT_EQ(documented->resource_type, "AWS::EC2::Instance");
  ASSERT_TRUE(documented->summary.has_value());
  EXPECT_EQ(documented->summary->resource_id, "resourceId_14b76876-7969-4097-ab8e-a31942b02e80");
  EXPECT_EQ(documented->summary->state_id, "0");
  EXPECT_FALSE(documented->item.has_value());

  // A security group's, from the documented fields.
  const nlohmann::json message = {
      {"configurationItemSummary",
       {{"changeType", "UPDATE"},
        {"configurationItemVersion", "1.3"},
        {"configurationItemCaptureTime", "2024-03-05T10:11:12.345Z"},
        {"configurationStateId", 1709633472345},
        {"awsAccountId", "111122223333"},
        {"configurationItemStatus", "OK"},
        {"resourceType", "AWS::EC2::SecurityGroup"},
        {"resourceId", "sg-0123456789abcdef0"},
        {"resourceName", "web"},
        {"ARN", "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0"},
        {"awsRegion", "eu-west-1"},
        {"availabilityZone", "Not Applicable"},
        {"configurationStateMd5Hash", ""},
        {"resourceCreationTime", nullptr}}},
      {"s3DeliverySummary",
       {{"s3BucketLocation", "config-bucket/AWSLogs/111122223333/Config/eu-west-1/x.json.gz"},
        {"errorCode", nullptr},
        {"errorMessage", nullptr}}},
      {"notificationCreationTime", "2024-03-05T10:11:13.000Z"},
      {"messageType", "OversizedConfigurationItemChangeNotification"},
      {"recordVersion", "1.0"}};
  auto parsed = parse_config_notification(message.dump(), "msg-9");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->message_type, "OversizedConfigurationItemChangeNotification");
  EXPECT_EQ(parsed->kind, ConfigMessageKind::kOversizedItemChange);
  EXPECT_EQ(parsed->resource_type, "AWS::EC2::SecurityGroup");
  EXPECT_EQ(parsed->change_type, "UPDATE");
  EXPECT_FALSE(parsed->item.has_value());
  ASSERT_TRUE(parsed->summary.has_value());
  const ConfigItemSummary& summary = *parsed->summary;
  EXPECT_EQ(summary.account.str(), "111122223333");
  EXPECT_EQ(summary.region.str(), "eu-west-1");
  EXPECT_EQ(summary.resource_type, "AWS::EC2::SecurityGroup");
  EXPECT_EQ(summary.resource_id, "sg-0123456789abcdef0");
  EXPECT_EQ(format_utc(summary.capture_time), "2024-03-05T10:11:12.345Z");
  EXPECT_EQ(summary.state_id, "1709633472345");
  EXPECT_EQ(summary.change_type, "UPDATE");

  nlohmann::json no_summary = message;
  no_summary.erase("configurationItemSummary");
  EXPECT_EQ(error_of(no_summary), "msg-123: configurationItemSummary: missing");
  nlohmann::json bad_region = message;
  bad_region["configurationItemSummary"]["awsRegion"] = "Europe";
  EXPECT_THAT(
      error_of(bad_region),
      StartsWith(
          "msg-123: configurationItemSummary.awsRegion: 'Europe' is not a valid AWS region"));
}

TEST(ConfigNotification, BadInputsNameThePath) {
  auto malformed = parse_config_notification("{\"messageType\": ", "msg-123");
  ASSERT_FALSE(malformed);
  EXPECT_THAT(malformed.error().message, StartsWith("msg-123: malformed JSON: "));
  EXPECT_EQ(malformed.error().code, ErrorCode::kInvalidInput);

  EXPECT_EQ(error_of(nlohmann::json::array()),
            "msg-123: expected a JSON object at the top level, got array");
  EXPECT_EQ(error_of({{"recordVersion", "1.3"}}), "msg-123: messageType: missing");
  EXPECT_EQ(error_of({{"messageType", 7}}), "msg-123: messageType: expected a string, got integer");

  const nlohmann::json good = documented_message("example-sns-notification_block3.json");
  {
    nlohmann::json m = good;
    m["configurationItem"]["configuration"]["ipPermissions"] = {
        {{"ipProtocol", "tcp"}, {"fromPort", "22"}, {"toPort", 22}, {"ipRanges", {"0.0.0.0/0"}}}};
    EXPECT_EQ(error_of(m),
              "msg-123: configurationItem.configuration.ipPermissions[0].fromPort: expected an "
              "integer, got string");
  }
  {
    nlohmann::json m = good;
    m["configurationItem"]["configuration"]["ipPermissionsEgress"][0]["ipRanges"] = {
        "0.0.0.0/0", "10.0.0.300/8"};
    EXPECT_THAT(error_of(m),
                StartsWith("msg-123: configurationItem.configuration.ipPermissionsEgress[0]."
                           "ipRanges[1]: "));
    EXPECT_THAT(error_of(m), HasSubstr("10.0.0.300/8"));
  }
  {
    nlohmann::json m = good;
    m["configurationItem"]["configuration"]["ipPermissionsEgress"][0]["ipv4Ranges"] = {
        {{"cidrIp", "2001:db8::/32"}}};
    EXPECT_THAT(error_of(m), StartsWith("msg-123: configurationItem.configuration."
                                        "ipPermissionsEgress[0].ipv4Ranges[0].cidrIp: "));
  }
  {
    nlohmann::json m = good;
    m["configurationItem"]["configuration"].erase("groupId");
    EXPECT_EQ(error_of(m), "msg-123: configurationItem.configuration.groupId: missing");
  }
  {
    nlohmann::json m = good;
    m["configurationItem"]["configuration"]["groupId"] = "sg-0123456789abcdef0";
    EXPECT_EQ(error_of(m),
              "msg-123: configurationItem.configuration.groupId: 'sg-0123456789abcdef0' is not "
              "the item's resourceId 'sg-3f1fef43'");
  }
  {
    nlohmann::json m = good;
    m["configurationItem"].erase("configuration");
    EXPECT_EQ(error_of(m),
              "msg-123: configurationItem.configuration: missing, although "
              "configurationItemStatus is 'ResourceDiscovered'");
  }
  {
    nlohmann::json m = good;
    m["configurationItem"]["configuration"]["ipPermissions"] = {
        {{"ipProtocol", "tcp"}, {"fromPort", 80}, {"toPort", 70000}}};
    EXPECT_THAT(error_of(m), StartsWith("msg-123: configurationItem.configuration."
                                        "ipPermissions[0].fromPort/toPort: "));
  }
  {
    nlohmann::json m = good;
    m["configurationItem"]["configuration"]["ipPermissions"] = {
        {{"ipProtocol", "tcp"},
         {"fromPort", 80},
         {"toPort", 80},
         {"userIdGroupPairs", {{{"groupId", "sg-3f1fef43"}, {"userId", "me"}}}}}};
    EXPECT_THAT(error_of(m), StartsWith("msg-123: configurationItem.configuration.ipPermissions[0]."
                                        "userIdGroupPairs[0].userId: 'me' is not a valid"));
  }
  {
    nlohmann::json m = good;
    m["configurationItem"]["tags"] = {{"Team", 5}};
    EXPECT_EQ(error_of(m), "msg-123: configurationItem.tags.Team: expected a string, got integer");
  }
  {
    nlohmann::json m = good;
    m["configurationItem"]["configurationItemCaptureTime"] = "yesterday";
    EXPECT_THAT(error_of(m),
                StartsWith("msg-123: configurationItem.configurationItemCaptureTime: 'yesterday' "
                           "is not a time"));
  }
  {
    nlohmann::json m = good;
    m["configurationItem"]["configurationStateId"] = 1.5;
    EXPECT_EQ(error_of(m),
              "msg-123: configurationItem.configurationStateId: expected an integer, got number");
  }
  {
    nlohmann::json m = good;
    m["configurationItemDiff"]["changedProperties"] = nlohmann::json::array();
    EXPECT_EQ(error_of(m),
              "msg-123: configurationItemDiff.changedProperties: expected an object, got array");
  }
  {
    nlohmann::json m = good;
    m.erase("configurationItem");
    EXPECT_EQ(error_of(m), "msg-123: configurationItem: missing");
  }
}

}  // namespace
}  // namespace sgwatch::config_notification_test
