// classify_queue_message on what really arrives on a queue: EventBridge envelopes around real
// CloudTrail records (panther-analysis), the redacted EventBridge samples of streamalert (as
// negative input), real SNS envelopes and AWS Config notifications, and the S3 and
// CloudTrail log-file notices as the AWS documentation shows them.
#include "sources/queue_message.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "attribution/stored_calls.h"
#include "core/time_format.h"
#include "test_support.h"
#include "trail/record_parser.h"

namespace sgwatch::queue_message_test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using json = nlohmann::json;

constexpr char kSource[] = "SQS message m-1 of queue q";

json panther_record(size_t index) {
  return json::parse(testing::test_data("cloudtrail/panther-analysis/panther_sg_events.Records.json"))
      ["Records"][index];
}

// What an EventBridge rule on "AWS API Call via CloudTrail" puts on its SQS target: the
// envelope of the EventBridge documentation around one CloudTrail record.
json eventbridge(const json& record) {
  return {{"version", "0"},
          {"id", "6a7e8feb-b491-4cf7-a9f1-bf3703467718"},
          {"detail-type", "AWS API Call via CloudTrail"},
          {"source", "aws.ec2"},
          {"account", record["recipientAccountId"]},
          {"time", record["eventTime"]},
          {"region", record["awsRegion"]},
          {"resources", json::array()},
          {"detail", record}};
}

Result<QueueMessage> classify(const std::string& body) {
  return classify_queue_message(body, kSource);
}

std::string error_of(const std::string& body) {
  auto message = classify(body);
  return message ? std::string("(classified as ") + to_string(message->kind) + ")"
                 : message.error().message;
}

// ---------------------------------------------------------------- EventBridge

TEST(QueueMessage, CloudTrailEventFromEventBridge) {
  const json record = panther_record(0);
  auto message = classify(eventbridge(record).dump());
  ASSERT_TRUE(message) << message.error().message;
  EXPECT_EQ(message->kind, QueueMessageKind::kCloudTrailEvent);
  EXPECT_EQ(message->summary,
            "EventBridge AuthorizeSecurityGroupIngress by "
            "arn:aws:sts::112233445566:assumed-role/TestAdmin/alan (event "
            "6a7e8feb-b491-4cf7-a9f1-bf3703467718)");
  ASSERT_TRUE(message->event);
  const CloudTrailEventMessage& event = *message->event;
  EXPECT_EQ(event.event_id, "6a7e8feb-b491-4cf7-a9f1-bf3703467718");
  EXPECT_EQ(event.account.str(), "112233445566");
  EXPECT_EQ(event.region.str(), "us-west-2");
  EXPECT_EQ(event.time, *parse_time(record["eventTime"].get<std::string>()));
  EXPECT_EQ(event.call.event_id, "504b492f-7832-406b-a4fd-45a13e48adc4");
  EXPECT_EQ(event.call.event_name, "AuthorizeSecurityGroupIngress");

  // The record text is the detail, member for member, and parses to the same call.
  EXPECT_EQ(json::parse(event.record), record);
  simdjson::dom::parser parser;
  auto again = parse_record(parser.parse(event.record).value(), 0);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->event_id, event.call.event_id);
  EXPECT_EQ(again->event_time, event.call.event_time);
  EXPECT_EQ(again->actor.arn, event.call.actor.arn);
  ASSERT_EQ(again->effects.size(), event.call.effects.size());
  ASSERT_FALSE(again->effects.empty());
  EXPECT_EQ(again->effects[0].group, event.call.effects[0].group);
  ASSERT_EQ(again->effects[0].rules.size(), event.call.effects[0].rules.size());
  for (size_t i = 0; i < again->effects[0].rules.size(); ++i) {
    EXPECT_EQ(again->effects[0].rules[i].key_string(), event.call.effects[0].rules[i].key_string());
  }
  // And the store takes it as LookupEvents' CloudTrailEvent.
  auto kept = security_group_event(event.record, Scope{event.account, event.region});
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_TRUE(kept->has_value());
}

// Each panther record in an envelope is an event exactly when parse_record takes it; the
// sanitised ones (group "sg-1") are poison, for the reason parse_record gives.
TEST(QueueMessage, PantherRecordsInAnEnvelopeAsParseRecordSeesThem) {
  const json records =
      json::parse(testing::test_data("cloudtrail/panther-analysis/panther_sg_events.Records.json"))
          ["Records"];
  size_t events = 0;
  size_t poison = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    simdjson::dom::parser parser;
    const std::string text = records[i].dump();
    auto direct = parse_record(parser.parse(text).value(), 0);
    auto message = classify(eventbridge(records[i]).dump());
    if (direct) {
      ++events;
      ASSERT_TRUE(message) << "record " << i << ": " << message.error().message;
      EXPECT_EQ(message->kind, QueueMessageKind::kCloudTrailEvent) << i;
      EXPECT_EQ(message->event->call.event_name, records[i]["eventName"]) << i;
      EXPECT_EQ(message->event->call.attempt(), records[i].contains("errorCode")) << i;
    } else {
      ++poison;
      ASSERT_FALSE(message) << "record " << i;
      std::string expected = direct.error().message;
      expected.replace(0, std::string("record 0").size(), "detail");
      EXPECT_EQ(message.error().message, std::string(kSource) + ": " + expected) << i;
      EXPECT_EQ(message.error().code, ErrorCode::kInvalidInput);
    }
  }
  EXPECT_GE(events, 5u);
  EXPECT_GE(poison, 1u);
}

TEST(QueueMessage, MalformedCloudTrailEventsArePoisonNamingThePath) {
  const json good = eventbridge(panther_record(0));
  auto broken = [&](const std::function<void(json&)>& change) {
    json event = good;
    change(event);
    return error_of(event.dump());
  };
  const std::string at = std::string(kSource) + ": ";
  EXPECT_EQ(broken([](json& e) { e.erase("account"); }), at + "account: missing");
  EXPECT_EQ(broken([](json& e) { e["account"] = 112233445566; }),
            at + "account: expected a string, got integer");
  EXPECT_EQ(broken([](json& e) { e["account"] = "12345"; }),
            at + "account: '12345' is not a valid AWS account id (12 digits)");
  EXPECT_EQ(broken([](json& e) { e.erase("region"); }), at + "region: missing");
  EXPECT_THAT(broken([](json& e) { e["region"] = "..."; }),
              StartsWith(at + "region: '...' is not a valid AWS region"));
  EXPECT_EQ(broken([](json& e) { e.erase("id"); }), at + "id: missing");
  EXPECT_EQ(broken([](json& e) { e.erase("time"); }), at + "time: missing");
  EXPECT_THAT(broken([](json& e) { e["time"] = "yesterday"; }), StartsWith(at + "time: "));
  EXPECT_EQ(broken([](json& e) { e["time"] = 1700000000; }),
            at + "time: expected a string, got integer");
  EXPECT_EQ(broken([](json& e) { e["detail"] = "record"; }),
            at + "detail: expected an object, got string");
  EXPECT_EQ(broken([](json& e) { e["detail"] = nullptr; }), at + "detail: missing");
  EXPECT_EQ(broken([](json& e) { e["detail"].erase("eventTime"); }),
            at + "detail (eventID 504b492f-7832-406b-a4fd-45a13e48adc4): eventTime: missing");
  EXPECT_THAT(broken([](json& e) { e["detail"].erase("eventID"); }), StartsWith(at + "detail: "));
  EXPECT_EQ(broken([](json& e) { e["detail-type"] = 3; }),
            at + "detail-type: expected a string, got integer");
}

TEST(QueueMessage, StreamAlertSamplesAreNotTakenForEvents) {
  // The samples are redacted: detail-type, source, region and time are "...", account is
  // the integer 12345. As they are, they are EventBridge events of no known kind.
  const json cases = json::parse(
      testing::test_data("cloudtrail/streamalert/cloudtrail_security_group_ingress_anywhere.json"));
  ASSERT_FALSE(cases.empty());
  for (const json& sample : cases) {
    auto message = classify(sample["data"].dump());
    ASSERT_TRUE(message) << message.error().message;
    EXPECT_EQ(message->kind, QueueMessageKind::kUnknown);
    EXPECT_EQ(message->summary, "unknown: an EventBridge event '...' from ...");
    // Named as CloudTrail events from AWS, they are malformed: poison.
    json named = sample["data"];
    named["detail-type"] = "AWS API Call via CloudTrail";
    named["source"] = "aws.ec2";
    EXPECT_EQ(error_of(named.dump()),
              std::string(kSource) + ": account: expected a string, got integer");
  }
  // The critical-calls samples are CloudTrail log bodies ({"Records":[...]} of CloudTrail
  // records), not queue messages sgwatch knows.
  const json critical =
      json::parse(testing::test_data("cloudtrail/streamalert/cloudtrail_critical_api_calls.json"));
  auto log_body = classify(critical[0]["data"].dump());
  ASSERT_TRUE(log_body) << log_body.error().message;
  EXPECT_EQ(log_body->kind, QueueMessageKind::kUnknown);
  EXPECT_EQ(log_body->summary, "unknown: an object with key Records");
}

TEST(QueueMessage, OtherEventBridgeEventsAreUnknown) {
  json event = eventbridge(panther_record(0));
  event["detail-type"] = "AWS Console Sign In via CloudTrail";
  event["source"] = "aws.signin";
  auto signin = classify(event.dump());
  ASSERT_TRUE(signin);
  EXPECT_EQ(signin->kind, QueueMessageKind::kUnknown);
  EXPECT_EQ(signin->summary,
            "unknown: an EventBridge event 'AWS Console Sign In via CloudTrail' from aws.signin");
  // Anyone may send "AWS API Call via CloudTrail"; only AWS can send it from aws.*.
  event["detail-type"] = "AWS API Call via CloudTrail";
  event["source"] = "my.app";
  auto custom = classify(event.dump());
  ASSERT_TRUE(custom);
  EXPECT_EQ(custom->kind, QueueMessageKind::kUnknown);
  EXPECT_FALSE(custom->event);
}

// ---------------------------------------------------------------- SNS and Config

TEST(QueueMessage, SnsEnvelopes) {
  for (const char* name :
       {"sns/aws-sdk-java-v2_sns-message-manager/test-notification-no-subject.json",
        "sns/aws-sdk-java-v2_sns-message-manager/test-notification-with-subject.json",
        "sns/aws-sdk-java-v2_sns-message-manager/test-subscription-confirmation.json",
        "sns/aws-sdk-java-v2_sns-message-manager/test-unsubscribe-confirmation.json",
        "sns/bobf_action_mailbox_amazon_ingress/valid_signature.json"}) {
    const std::string body = testing::test_data(name);
    ASSERT_FALSE(body.empty()) << name;
    auto message = classify(body);
    ASSERT_TRUE(message) << name << ": " << message.error().message;
    EXPECT_EQ(message->kind, QueueMessageKind::kSnsEnvelope) << name;
    ASSERT_TRUE(message->sns) << name;
    EXPECT_EQ(message->sns->message_id, json::parse(body)["MessageId"]) << name;
  }
  auto notification = classify(testing::test_data(
      "sns/aws-sdk-java-v2_sns-message-manager/test-notification-no-subject.json"));
  EXPECT_EQ(notification->summary,
            "SNS Notification c0e5a280-53c9-5a98-93bb-c0a560b3d192 of topic "
            "arn:aws:sns:us-west-2:131990247566:dongie-standard-topic");
  EXPECT_EQ(notification->sns->message, "This notification has no subject.");

  // Recognised as an envelope, but parse_sns_message refuses it: poison, named by it.
  json broken = json::parse(testing::test_data(
      "sns/aws-sdk-java-v2_sns-message-manager/test-notification-no-subject.json"));
  broken.erase("Timestamp");
  EXPECT_EQ(error_of(broken.dump()), std::string(kSource) + ": Timestamp: missing");
}

TEST(QueueMessage, ConfigNotificationsRawAndInsideAnEnvelope) {
  // The documentation shows Message as an object; SNS sends it as JSON text.
  json documented = json::parse(
      testing::test_data("config/aws-config-developer-guide/example-sns-notification_block3.json"));
  const std::string config_text = documented["Message"].dump();

  auto raw = classify(config_text);
  ASSERT_TRUE(raw) << raw.error().message;
  EXPECT_EQ(raw->kind, QueueMessageKind::kConfigNotification);
  EXPECT_EQ(raw->config_message, config_text);
  EXPECT_EQ(raw->summary,
            "AWS Config ConfigurationItemChangeNotification for AWS::EC2::SecurityGroup "
            "sg-3f1fef43");

  json envelope = documented;
  envelope["Message"] = config_text;
  auto wrapped = classify(envelope.dump());
  ASSERT_TRUE(wrapped) << wrapped.error().message;
  EXPECT_EQ(wrapped->kind, QueueMessageKind::kSnsEnvelope);
  auto inner = classify(wrapped->sns->message);
  ASSERT_TRUE(inner) << inner.error().message;
  EXPECT_EQ(inner->kind, QueueMessageKind::kConfigNotification);

  // Any messageType is Config's: ConfigIntake decides what to take.
  auto other = classify(R"({"messageType":"ConfigurationSnapshotDeliveryCompleted","s3Bucket":"b"})");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->kind, QueueMessageKind::kConfigNotification);
  EXPECT_EQ(other->summary, "AWS Config ConfigurationSnapshotDeliveryCompleted");
}

// ---------------------------------------------------------------- log files

TEST(QueueMessage, S3EventNotifications) {
  // The shape of "Event message structure" in the Amazon S3 User Guide
  // (docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html),
  // filled in as S3 sends it for a CloudTrail log file; keys arrive URL-encoded.
  const json record = {
      {"eventVersion", "2.1"},
      {"eventSource", "aws:s3"},
      {"awsRegion", "us-west-2"},
      {"eventTime", "2024-03-05T10:11:12.345Z"},
      {"eventName", "ObjectCreated:Put"},
      {"userIdentity", {{"principalId", "AWS:AROAEXAMPLE:regionalDeliverySession"}}},
      {"requestParameters", {{"sourceIPAddress", "10.0.0.1"}}},
      {"responseElements",
       {{"x-amz-request-id", "C3D13FE58DE4C810"},
        {"x-amz-id-2", "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"}}},
      {"s3",
       {{"s3SchemaVersion", "1.0"},
        {"configurationId", "trail-files"},
        {"bucket",
         {{"name", "trail-bucket"},
          {"ownerIdentity", {{"principalId", "A3NL1KOZZKExample"}}},
          {"arn", "arn:aws:s3:::trail-bucket"}}},
        {"object",
         {{"key",
           "AWSLogs/123456789012/CloudTrail/us-west-2/2024/03/05/"
           "123456789012_CloudTrail_us-west-2_20240305T1010Z_abc.json.gz"},
          {"size", 1024},
          {"eTag", "d41d8cd98f00b204e9800998ecf8427e"},
          {"sequencer", "0055AED6DCD90281E5"}}}}}};
  json second = record;
  second["eventName"] = "ObjectCreated:CompleteMultipartUpload";
  second["s3"]["object"]["key"] = "odd+name%3A1.json.gz";
  auto message = classify(json{{"Records", {record, second}}}.dump());
  ASSERT_TRUE(message) << message.error().message;
  EXPECT_EQ(message->kind, QueueMessageKind::kLogFileNotification);
  ASSERT_EQ(message->log_files.size(), 2u);
  EXPECT_EQ(message->log_files[0].bucket, "trail-bucket");
  EXPECT_EQ(message->log_files[0].key,
            "AWSLogs/123456789012/CloudTrail/us-west-2/2024/03/05/"
            "123456789012_CloudTrail_us-west-2_20240305T1010Z_abc.json.gz");
  EXPECT_EQ(message->log_files[1].key, "odd name:1.json.gz");
  EXPECT_EQ(message->summary, "2 new S3 object(s) in bucket trail-bucket");

  json removed = record;
  removed["eventName"] = "ObjectRemoved:Delete";
  auto deletion = classify(json{{"Records", {removed}}}.dump());
  ASSERT_TRUE(deletion);
  EXPECT_EQ(deletion->kind, QueueMessageKind::kUnknown);
  EXPECT_EQ(deletion->summary, "unknown: an S3 event notification of ObjectRemoved:Delete");

  json no_key = record;
  no_key["s3"]["object"].erase("key");
  EXPECT_EQ(error_of(json{{"Records", {record, no_key}}}.dump()),
            std::string(kSource) + ": Records[1].s3.object.key: missing");
  json no_bucket = record;
  no_bucket["s3"].erase("bucket");
  EXPECT_EQ(error_of(json{{"Records", {no_bucket}}}.dump()),
            std::string(kSource) + ": Records[0].s3.bucket: missing");
}

TEST(QueueMessage, S3TestEventAndCloudTrailNotes) {
  // S3's test message when a notification is configured (same User Guide page).
  auto test = classify(R"({"Service":"Amazon S3","Event":"s3:TestEvent",)"
                       R"("Time":"2014-10-13T15:57:02.089Z","Bucket":"trail-bucket",)"
                       R"("RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"})");
  ASSERT_TRUE(test) << test.error().message;
  EXPECT_EQ(test->kind, QueueMessageKind::kLogFileNotification);
  EXPECT_TRUE(test->log_files.empty());
  EXPECT_EQ(test->summary, "S3 test event for bucket trail-bucket");

  // CloudTrail's note on its SNS topic ("Configuring Amazon SNS notifications for
  // CloudTrail", AWS CloudTrail User Guide), delivered raw.
  const std::string note =
      R"({"s3Bucket":"amzn-s3-demo-bucket","s3ObjectKey":["AWSLogs/123456789012/CloudTrail/us-east-2/2013/12/13/123456789012_CloudTrail_us-west-2_20131213T1920Z_LnPgDQnpkSKEsppV.json.gz"]})";
  auto files = classify(note);
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(files->kind, QueueMessageKind::kLogFileNotification);
  ASSERT_EQ(files->log_files.size(), 1u);
  EXPECT_EQ(files->log_files[0].bucket, "amzn-s3-demo-bucket");
  EXPECT_EQ(files->log_files[0].key,
            "AWSLogs/123456789012/CloudTrail/us-east-2/2013/12/13/"
            "123456789012_CloudTrail_us-west-2_20131213T1920Z_LnPgDQnpkSKEsppV.json.gz");
  EXPECT_EQ(files->summary, "1 CloudTrail log file(s) in bucket amzn-s3-demo-bucket");
  EXPECT_EQ(error_of(R"({"s3Bucket":"b","s3ObjectKey":["a",7]})"),
            std::string(kSource) + ": s3ObjectKey[1]: expected a string, got integer");
  EXPECT_EQ(error_of(R"({"s3Bucket":"b","s3ObjectKey":"a"})"),
            std::string(kSource) + ": s3ObjectKey: expected an array, got string");

  // EventBridge "Object Created" from aws.s3 (the Amazon S3 User Guide's EventBridge
  // example shape).
  auto created = classify(R"({"version":"0","id":"f5f1e65c-dc3a-93ca-6c1e-b1647eac7963",)"
                          R"("detail-type":"Object Created","source":"aws.s3",)"
                          R"("account":"123456789012","time":"2023-03-08T17:50:14Z",)"
                          R"("region":"eu-west-1","resources":["arn:aws:s3:::trail-bucket"],)"
                          R"("detail":{"version":"0","bucket":{"name":"trail-bucket"},)"
                          R"("object":{"key":"AWSLogs/x.json.gz","size":184662,)"
                          R"("etag":"4e68adba0abe2dc8653dc3354e14c01d","sequencer":"006408CAD69598B05E"},)"
                          R"("request-id":"57H08PA84AB1JZW0","requester":"123456789012",)"
                          R"("source-ip-address":"34.252.34.74","reason":"PutObject"}})");
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->kind, QueueMessageKind::kLogFileNotification);
  ASSERT_EQ(created->log_files.size(), 1u);
  EXPECT_EQ(created->log_files[0].bucket, "trail-bucket");
  EXPECT_EQ(created->log_files[0].key, "AWSLogs/x.json.gz");
  EXPECT_EQ(error_of(R"({"detail-type":"Object Created","source":"aws.s3","detail":{"bucket":{}}})"),
            std::string(kSource) + ": detail.bucket.name: missing");
}

// ---------------------------------------------------------------- anything else

TEST(QueueMessage, NotJsonOrNotAnObjectIsPoison) {
  EXPECT_THAT(error_of("hello"), StartsWith(std::string(kSource) + ": the message is not JSON"));
  EXPECT_THAT(error_of(""), StartsWith(std::string(kSource) + ": the message is not JSON"));
  EXPECT_THAT(error_of(R"({"a":)"), StartsWith(std::string(kSource) + ": the message is not JSON"));
  EXPECT_EQ(error_of("[1,2]"), std::string(kSource) + ": the message: expected an object, got array");
  EXPECT_EQ(error_of(R"("text")"),
            std::string(kSource) + ": the message: expected an object, got string");
  EXPECT_EQ(classify("[]").error().code, ErrorCode::kInvalidInput);
}

TEST(QueueMessage, UnknownObjectsAreNamedByAFewKeys) {
  auto few = classify(R"({"a":1,"b":[2],"c":{}})");
  ASSERT_TRUE(few);
  EXPECT_EQ(few->kind, QueueMessageKind::kUnknown);
  EXPECT_EQ(few->summary, "unknown: an object with keys a, b, c");
  EXPECT_EQ(classify("{}")->summary, "unknown: an empty object");
  auto many = classify(R"({"k1":1,"k2":1,"k3":1,"k4":1,"k5":1,"k6":1,"k7":1})");
  EXPECT_EQ(many->summary, "unknown: an object with keys k1, k2, k3, k4, k5 and 2 more");
  // A Type that is not SNS's, or no signature: not an envelope.
  auto not_sns = classify(R"({"Type":"Notification","TopicArn":"arn:aws:sns:eu-west-1:1:t"})");
  EXPECT_EQ(not_sns->kind, QueueMessageKind::kUnknown);
}

TEST(QueueMessage, HugeBodiesAreFineAndSummariesStayShort) {
  // A 4 MiB value (SQS takes up to 1 MiB; an SNS-wrapped Config item may be large too).
  const std::string huge_key(200, 'k');
  const std::string body =
      json{{huge_key, std::string(4u << 20, 'x')}, {"b", 1}}.dump();
  auto message = classify(body);
  ASSERT_TRUE(message) << message.error().message;
  EXPECT_EQ(message->kind, QueueMessageKind::kUnknown);
  EXPECT_LT(message->summary.size(), 200u);
  EXPECT_THAT(message->summary, HasSubstr("..."));

  json config = {{"messageType", "ConfigurationItemChangeNotification"},
                 {"padding", std::string(2u << 20, 'p')}};
  auto large_config = classify(config.dump());
  ASSERT_TRUE(large_config);
  EXPECT_EQ(large_config->config_message.size(), config.dump().size());
}

TEST(QueueMessage, KindNames) {
  EXPECT_STREQ(to_string(QueueMessageKind::kCloudTrailEvent), "cloudtrail-event");
  EXPECT_STREQ(to_string(QueueMessageKind::kSnsEnvelope), "sns-envelope");
  EXPECT_STREQ(to_string(QueueMessageKind::kConfigNotification), "config-notification");
  EXPECT_STREQ(to_string(QueueMessageKind::kLogFileNotification), "log-file-notification");
  EXPECT_STREQ(to_string(QueueMessageKind::kUnknown), "unknown");
}

}  // namespace
}  // namespace sgwatch::queue_message_test
