// SqsClient: the request documents exactly, each answer's parser on real-shaped answers (the
// awscli examples of receive-message, delete-message-batch and get-queue-attributes, and the
// shapes of botocore's sqs service-2.json) and on every bad input, and the client against a
// loopback HTTP server that plays SQS's JSON 1.0 protocol.
#include "aws/sqs_client.h"

#include <strings.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <date/date.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "aws/curl_transport.h"
#include "aws/query_client.h"
#include "aws/retry_policy.h"
#include "core/time_format.h"

namespace sgwatch::sqs_client_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using json = nlohmann::json;

const AwsCredentials kKeys{"AKIDSQSTEST000000000", "sqs-test-secret", "", std::nullopt};
constexpr char kUrl[] = "https://sqs.eu-west-1.amazonaws.com/123456789012/sgwatch-events";

SqsQueue queue() { return SqsQueue{kUrl, *Region::parse("eu-west-1")}; }

// The awscli example of receive-message (its Body, ids and attributes), as JSON 1.0 sends it.
const char kReceiveAnswer[] = R"({"Messages":[{
  "Body":"My first message.",
  "ReceiptHandle":"AQEBzbVv...fqNzFw==",
  "MD5OfBody":"1000f835...a35411fa",
  "MD5OfMessageAttributes":"9424c491...26bc3ae7",
  "MessageId":"d6790f8d-d575-4f01-bc51-40122EXAMPLE",
  "Attributes":{"ApproximateFirstReceiveTimestamp":"1442428276921",
                "SenderId":"AIDAIAZKMSNQ7TEXAMPLE",
                "ApproximateReceiveCount":"5",
                "SentTimestamp":"1442428276921"},
  "MessageAttributes":{"PostalCode":{"DataType":"String","StringValue":"ABC123"},
                       "City":{"DataType":"String","StringValue":"Any City"}}}]})";

// The awscli example of get-queue-attributes --attribute-names All.
const char kAttributesAnswer[] = R"({"Attributes":{
  "ApproximateNumberOfMessagesNotVisible":"2",
  "RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:80398EXAMPLE:MyDeadLetterQueue\",\"maxReceiveCount\":1000}",
  "MessageRetentionPeriod":"345600",
  "ApproximateNumberOfMessagesDelayed":"0",
  "MaximumMessageSize":"262144",
  "CreatedTimestamp":"1442426968",
  "ApproximateNumberOfMessages":"7",
  "ReceiveMessageWaitTimeSeconds":"0",
  "DelaySeconds":"0",
  "VisibilityTimeout":"30",
  "LastModifiedTimestamp":"1442426968",
  "QueueArn":"arn:aws:sqs:us-east-1:80398EXAMPLE:MyNewQueue"}})";

// ---------------------------------------------------------------- queue URLs

TEST(SqsQueueUrl, RegionFromStandardHosts) {
  auto region = [](std::string_view url) {
    auto found = region_of_queue_url(url);
    return found ? found->str() : std::string("none");
  };
  EXPECT_EQ(region(kUrl), "eu-west-1");
  EXPECT_EQ(region("https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q"), "cn-north-1");
  EXPECT_EQ(region("https://SQS.US-GOV-WEST-1.amazonaws.com/123456789012/q"), "us-gov-west-1");
  EXPECT_EQ(region("https://ap-southeast-2.queue.amazonaws.com/123456789012/q"),
            "ap-southeast-2");
  EXPECT_EQ(region("https://queue.amazonaws.com/123456789012/q"), "us-east-1");
  EXPECT_EQ(region("https://sqs.eu-west-1.amazonaws.com:443/123456789012/q"), "eu-west-1");
  // Custom endpoints: the region must come from the configuration.
  EXPECT_EQ(region("http://127.0.0.1:4566/000000000000/q"), "none");
  EXPECT_EQ(region("http://localhost:9324/queue/q"), "none");
  EXPECT_EQ(region("https://sqs.eu-west-1.example.com/1/q"), "none");
  EXPECT_EQ(region("https://sqs.not_a_region.amazonaws.com/1/q"), "none");
  EXPECT_EQ(region("sqs.eu-west-1.amazonaws.com/1/q"), "none");  // no scheme
  EXPECT_EQ(region(""), "none");
}

TEST(SqsQueueUrl, NameIsTheLastPathSegment) {
  EXPECT_EQ(queue().name(), "sgwatch-events");
  EXPECT_EQ((SqsQueue{"https://sqs.eu-west-1.amazonaws.com/1/events.fifo/", queue().region}.name()),
            "events.fifo");
  EXPECT_EQ((SqsQueue{"http://127.0.0.1:4566/000000000000/q?x=1", queue().region}.name()), "q");
}

// ---------------------------------------------------------------- requests

TEST(SqsRequests, DocumentsAreExact) {
  SqsReceiveOptions options;
  options.max_messages = 7;
  options.wait = std::chrono::seconds(15);
  options.visibility = std::chrono::seconds(90);
  EXPECT_EQ(receive_message_request(queue(), options),
            std::string(R"({"QueueUrl":")") + kUrl +
                R"(","MaxNumberOfMessages":7,"WaitTimeSeconds":15,"VisibilityTimeout":90,)"
                R"("MessageSystemAttributeNames":["ApproximateReceiveCount","SentTimestamp",)"
                R"("ApproximateFirstReceiveTimestamp"],"AttributeNames":[)"
                R"("ApproximateReceiveCount","SentTimestamp","ApproximateFirstReceiveTimestamp"]})");

  const std::vector<SqsEntry> entries{{"0", "AQEB+handle/0=="}, {"1", "h\"1"}};
  EXPECT_EQ(delete_message_batch_request(queue(), entries),
            std::string(R"({"QueueUrl":")") + kUrl +
                R"(","Entries":[{"Id":"0","ReceiptHandle":"AQEB+handle/0=="},)"
                R"({"Id":"1","ReceiptHandle":"h\"1"}]})");
  EXPECT_EQ(change_message_visibility_batch_request(queue(), entries, std::chrono::seconds(120)),
            std::string(R"({"QueueUrl":")") + kUrl +
                R"(","Entries":[{"Id":"0","ReceiptHandle":"AQEB+handle/0==","VisibilityTimeout":120},)"
                R"({"Id":"1","ReceiptHandle":"h\"1","VisibilityTimeout":120}]})");
  EXPECT_EQ(get_queue_attributes_request(queue()),
            std::string(R"({"QueueUrl":")") + kUrl +
                R"(","AttributeNames":["QueueArn","VisibilityTimeout","RedrivePolicy",)"
                R"("ApproximateNumberOfMessages","ApproximateNumberOfMessagesNotVisible"]})");
}

// ---------------------------------------------------------------- answers

TEST(SqsAnswers, ReceiveMessage) {
  auto messages = parse_receive_message_response(kReceiveAnswer);
  ASSERT_TRUE(messages) << messages.error().message;
  ASSERT_EQ(messages->size(), 1u);
  const SqsMessage& message = (*messages)[0];
  EXPECT_EQ(message.message_id, "d6790f8d-d575-4f01-bc51-40122EXAMPLE");
  EXPECT_EQ(message.receipt_handle, "AQEBzbVv...fqNzFw==");
  EXPECT_EQ(message.body, "My first message.");
  EXPECT_EQ(message.receive_count, 5);
  ASSERT_TRUE(message.sent_at);
  EXPECT_EQ(format_utc(*message.sent_at), "2015-09-16T18:31:16.921Z");
  ASSERT_TRUE(message.first_received_at);
  EXPECT_EQ(message.first_received_at->time_since_epoch().count(), 1442428276921);

  // A poll that found nothing: JSON 1.0 leaves Messages out; some servers send [].
  for (const char* empty : {"{}", R"({"Messages":[]})", R"({"Messages":null})"}) {
    auto none = parse_receive_message_response(empty);
    ASSERT_TRUE(none) << empty << ": " << none.error().message;
    EXPECT_TRUE(none->empty()) << empty;
  }
  // Attributes are optional: a server may not send them.
  auto bare = parse_receive_message_response(
      R"({"Messages":[{"MessageId":"m","ReceiptHandle":"r","Body":"{}"}]})");
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_EQ((*bare)[0].receive_count, 0);
  EXPECT_FALSE((*bare)[0].sent_at);
}

TEST(SqsAnswers, BadReceiveAnswersNameThePath) {
  auto error_of = [](std::string body) {
    auto parsed = parse_receive_message_response(body);
    return parsed ? std::string("(parsed)") : parsed.error().message;
  };
  EXPECT_THAT(error_of("<html>"), StartsWith("the response is not JSON"));
  EXPECT_EQ(error_of("[]"), "the response: expected an object, got array");
  EXPECT_EQ(error_of(R"({"Messages":{}})"), "Messages: expected an array, got object");
  EXPECT_EQ(error_of(R"({"Messages":[1]})"), "Messages[0]: expected an object, got integer");

  json good = json::parse(kReceiveAnswer)["Messages"][0];
  auto with = [&](const std::function<void(json&)>& change) {
    json third = good;
    change(third);
    return json{{"Messages", {good, good, third}}}.dump();
  };
  EXPECT_EQ(error_of(with([](json& m) { m.erase("ReceiptHandle"); })),
            "Messages[2].ReceiptHandle: missing");
  EXPECT_EQ(error_of(with([](json& m) { m.erase("MessageId"); })),
            "Messages[2].MessageId: missing");
  EXPECT_EQ(error_of(with([](json& m) { m.erase("Body"); })), "Messages[2].Body: missing");
  EXPECT_EQ(error_of(with([](json& m) { m["Body"] = 5; })),
            "Messages[2].Body: expected a string, got integer");
  EXPECT_EQ(error_of(with([](json& m) { m["Attributes"] = "x"; })),
            "Messages[2].Attributes: expected an object, got string");
  EXPECT_EQ(error_of(with([](json& m) { m["Attributes"]["ApproximateReceiveCount"] = 5; })),
            "Messages[2].Attributes.ApproximateReceiveCount: expected a string, got integer");
  EXPECT_EQ(error_of(with([](json& m) { m["Attributes"]["SentTimestamp"] = "soon"; })),
            "Messages[2].Attributes.SentTimestamp: 'soon' is not a decimal number");
  EXPECT_EQ(error_of(with([](json& m) { m["Attributes"]["ApproximateFirstReceiveTimestamp"] = "-1"; })),
            "Messages[2].Attributes.ApproximateFirstReceiveTimestamp: '-1' is not a decimal "
            "number");
  EXPECT_EQ(error_of(with([](json& m) { m["Attributes"]["ApproximateReceiveCount"] = "99999999999"; })),
            "Messages[2].Attributes.ApproximateReceiveCount: 99999999999 is out of range");
}

TEST(SqsAnswers, BatchAnswers) {
  // The awscli example of delete-message-batch with one receipt handle refused.
  const char answer[] = R"({"Successful":[{"Id":"FirstMessage"}],
    "Failed":[{"Id":"SecondMessage","SenderFault":true,"Code":"ReceiptHandleIsInvalid",
               "Message":"The input receipt handle \"AQEB\" is not a valid receipt handle."}]})";
  for (auto parse : {&parse_delete_message_batch_response,
                     &parse_change_message_visibility_batch_response}) {
    auto result = parse(answer);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_THAT(result->successful, ElementsAre("FirstMessage"));
    ASSERT_EQ(result->failed.size(), 1u);
    EXPECT_EQ(result->failed[0].id, "SecondMessage");
    EXPECT_EQ(result->failed[0].code, "ReceiptHandleIsInvalid");
    EXPECT_EQ(result->failed[0].message,
              "The input receipt handle \"AQEB\" is not a valid receipt handle.");
    EXPECT_TRUE(result->failed[0].sender_fault);

    auto all_done = parse(R"({"Successful":[{"Id":"0"},{"Id":"1"}]})");
    ASSERT_TRUE(all_done) << all_done.error().message;
    EXPECT_THAT(all_done->successful, ElementsAre("0", "1"));
    EXPECT_TRUE(all_done->failed.empty());

    auto error_of = [&](std::string body) {
      auto parsed = parse(body);
      return parsed ? std::string("(parsed)") : parsed.error().message;
    };
    EXPECT_THAT(error_of("nope"), StartsWith("the response is not JSON"));
    EXPECT_EQ(error_of(R"({"Successful":[{}]})"), "Successful[0].Id: missing");
    EXPECT_EQ(error_of(R"({"Successful":{"Id":"0"}})"), "Successful: expected an array, got object");
    EXPECT_EQ(error_of(R"({"Failed":[{"Id":"0","SenderFault":false}]})"), "Failed[0].Code: missing");
    EXPECT_EQ(error_of(R"({"Failed":[{"Id":"0","Code":"X"}]})"), "Failed[0].SenderFault: missing");
    EXPECT_EQ(error_of(R"({"Failed":[{"Id":"0","Code":"X","SenderFault":"yes"}]})"),
              "Failed[0].SenderFault: expected a boolean, got string");
    EXPECT_EQ(error_of(R"({"Failed":[{"Code":"X","SenderFault":true}]})"), "Failed[0].Id: missing");
  }
}

TEST(SqsAnswers, QueueAttributes) {
  auto attributes = parse_get_queue_attributes_response(kAttributesAnswer);
  ASSERT_TRUE(attributes) << attributes.error().message;
  EXPECT_EQ(attributes->arn, "arn:aws:sqs:us-east-1:80398EXAMPLE:MyNewQueue");
  EXPECT_EQ(attributes->visibility_timeout, std::chrono::seconds(30));
  EXPECT_EQ(attributes->dead_letter_arn, "arn:aws:sqs:us-east-1:80398EXAMPLE:MyDeadLetterQueue");
  EXPECT_EQ(attributes->max_receive_count, 1000);
  EXPECT_EQ(attributes->visible, 7);
  EXPECT_EQ(attributes->in_flight, 2);

  // Older answers wrote maxReceiveCount as a string; a queue without a policy has none.
  auto older = parse_get_queue_attributes_response(
      R"({"Attributes":{"QueueArn":"arn:aws:sqs:eu-west-1:123456789012:q","VisibilityTimeout":"120",)"
      R"("RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:eu-west-1:123456789012:dlq\",\"maxReceiveCount\":\"5\"}"}})");
  ASSERT_TRUE(older) << older.error().message;
  EXPECT_EQ(older->max_receive_count, 5);
  EXPECT_EQ(older->visibility_timeout, std::chrono::seconds(120));
  auto plain = parse_get_queue_attributes_response(
      R"({"Attributes":{"QueueArn":"arn:aws:sqs:eu-west-1:123456789012:q"}})");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_FALSE(plain->dead_letter_arn);
  EXPECT_EQ(plain->max_receive_count, 0);
  EXPECT_EQ(plain->visibility_timeout, std::chrono::seconds(30));
}

TEST(SqsAnswers, BadQueueAttributesNameThePath) {
  auto error_of = [](std::string body) {
    auto parsed = parse_get_queue_attributes_response(body);
    return parsed ? std::string("(parsed)") : parsed.error().message;
  };
  const std::string arn = R"("QueueArn":"arn:aws:sqs:eu-west-1:123456789012:q")";
  EXPECT_EQ(error_of("{}"), "Attributes: missing");
  EXPECT_EQ(error_of(R"({"Attributes":[]})"), "Attributes: expected an object, got array");
  EXPECT_EQ(error_of(R"({"Attributes":{}})"), "Attributes.QueueArn: missing");
  EXPECT_EQ(error_of(R"({"Attributes":{)" + arn + R"(,"VisibilityTimeout":"1.5"}})"),
            "Attributes.VisibilityTimeout: '1.5' is not a decimal number");
  EXPECT_EQ(error_of(R"({"Attributes":{)" + arn + R"(,"ApproximateNumberOfMessages":7}})"),
            "Attributes.ApproximateNumberOfMessages: expected a string, got integer");
  EXPECT_THAT(error_of(R"({"Attributes":{)" + arn + R"(,"RedrivePolicy":"{"}})"),
              StartsWith("Attributes.RedrivePolicy: the string is not JSON"));
  EXPECT_EQ(error_of(R"({"Attributes":{)" + arn + R"(,"RedrivePolicy":"[]"}})"),
            "Attributes.RedrivePolicy: expected an object, got array");
  EXPECT_EQ(error_of(R"({"Attributes":{)" + arn + R"(,"RedrivePolicy":"{\"maxReceiveCount\":3}"}})"),
            "Attributes.RedrivePolicy.deadLetterTargetArn: missing");
  EXPECT_EQ(error_of(R"({"Attributes":{)" + arn +
                     R"(,"RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:x\"}"}})"),
            "Attributes.RedrivePolicy.maxReceiveCount: missing");
  EXPECT_EQ(error_of(R"({"Attributes":{)" + arn +
                     R"(,"RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:x\",\"maxReceiveCount\":\"many\"}"}})"),
            "Attributes.RedrivePolicy.maxReceiveCount: 'many' is not a decimal number");
}

// ---------------------------------------------------------------- the client over HTTP

struct SeenRequest {
  std::string target;
  std::string content_type;
  std::string authorization;
  std::string body;
};

// A loopback server playing SQS: it records each request and answers as `respond` says.
class SqsClientTest : public ::testing::Test {
 protected:
  struct Answer {
    int status = 200;
    std::string body;
    httplib::Headers headers;
  };
  using Respond = std::function<Answer(const SeenRequest&)>;

  void SetUp() override {
    server_.set_tcp_nodelay(true);  // else small replies wait out a delayed ACK (40 ms)
    // One request per connection: no idle keep-alive connection holds up stop().
    server_.set_keep_alive_max_count(1);
    server_.Post("/", [this](const httplib::Request& request, httplib::Response& response) {
      SeenRequest seen{request.get_header_value("X-Amz-Target"),
                       request.get_header_value("Content-Type"),
                       request.get_header_value("Authorization"), request.body};
      Respond respond;
      {
        std::lock_guard lock(mutex_);
        seen_.push_back(seen);
        respond = respond_;
      }
      Answer answer = respond ? respond(seen) : Answer{200, "{}", {}};
      response.status = answer.status;
      for (const auto& [name, value] : answer.headers) response.set_header(name, value);
      response.set_content(answer.body, "application/x-amz-json-1.0");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  void respond(Respond respond) {
    std::lock_guard lock(mutex_);
    respond_ = std::move(respond);
  }
  std::vector<SeenRequest> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

  static CurlTransportOptions loopback_only() {
    CurlTransportOptions options;
    options.allow_only_loopback = true;
    options.connect_timeout = std::chrono::milliseconds(1000);
    options.total_timeout = std::chrono::milliseconds(5000);
    return options;
  }

  EnvLookup env() {
    return [this](const std::string& name) -> std::optional<std::string> {
      if (name == "AWS_ENDPOINT_URL_SQS") return "http://127.0.0.1:" + std::to_string(port_);
      return std::nullopt;
    };
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<SeenRequest> seen_;
  Respond respond_;

  CurlTransport transport_{loopback_only()};
  ManualClock clock_{date::sys_days{date::year{2024} / 3 / 5}};
  RetryPolicy retries_{3, 1};
  std::vector<std::chrono::milliseconds> slept_;
  QueryClient client_{transport_, clock_, env(), retries_,
                      [this](std::chrono::milliseconds d) { slept_.push_back(d); }};
  SqsClient sqs_{client_};
};

TEST_F(SqsClientTest, ReceiveSendsOneSignedJson10Call) {
  respond([](const SeenRequest&) { return Answer{200, kReceiveAnswer, {}}; });
  auto messages = sqs_.receive(kKeys, queue(), SqsReceiveOptions{});
  ASSERT_TRUE(messages) << messages.error().message;
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].body, "My first message.");

  auto requests = seen();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "AmazonSQS.ReceiveMessage");
  EXPECT_EQ(requests[0].content_type, "application/x-amz-json-1.0");
  EXPECT_EQ(requests[0].body, receive_message_request(queue(), SqsReceiveOptions{}));
  EXPECT_THAT(requests[0].authorization,
              StartsWith("AWS4-HMAC-SHA256 Credential=AKIDSQSTEST000000000/20240305/eu-west-1/"
                         "sqs/aws4_request"));
  EXPECT_THAT(requests[0].authorization, HasSubstr("x-amz-target"));  // the action is signed
}

TEST_F(SqsClientTest, DeletesIn10s) {
  // Every entry done except those whose receipt handle says "bad".
  respond([](const SeenRequest& request) {
    json successful = json::array();
    json failed = json::array();
    const json sent = json::parse(request.body);
    for (const json& entry : sent["Entries"]) {
      if (entry["ReceiptHandle"].get<std::string>().starts_with("bad")) {
        failed.push_back({{"Id", entry["Id"]},
                          {"SenderFault", true},
                          {"Code", "ReceiptHandleIsInvalid"},
                          {"Message", "The input receipt handle is invalid."}});
      } else {
        successful.push_back({{"Id", entry["Id"]}});
      }
    }
    return Answer{200, json{{"Successful", successful}, {"Failed", failed}}.dump(), {}};
  });
  std::vector<SqsEntry> entries;
  for (int i = 0; i < 23; ++i) {
    entries.push_back({std::to_string(i), (i == 4 || i == 21 ? "bad-" : "rh-") + std::to_string(i)});
  }
  auto failures = sqs_.delete_messages(kKeys, queue(), entries);
  ASSERT_TRUE(failures) << failures.error().message;
  ASSERT_EQ(failures->size(), 2u) << (*failures)[0].code << ": " << (*failures)[0].message;
  EXPECT_EQ((*failures)[0].id, "4");
  EXPECT_EQ((*failures)[0].code, "ReceiptHandleIsInvalid");
  EXPECT_TRUE((*failures)[0].sender_fault);
  EXPECT_EQ((*failures)[1].id, "21");

  auto requests = seen();
  ASSERT_EQ(requests.size(), 3u);
  std::vector<size_t> sizes;
  for (const SeenRequest& request : requests) {
    EXPECT_EQ(request.target, "AmazonSQS.DeleteMessageBatch");
    EXPECT_EQ(request.content_type, "application/x-amz-json-1.0");
    json body = json::parse(request.body);
    EXPECT_EQ(body["QueueUrl"], kUrl);
    sizes.push_back(body["Entries"].size());
  }
  EXPECT_THAT(sizes, ElementsAre(10u, 10u, 3u));
  EXPECT_EQ(json::parse(requests[2].body)["Entries"][2]["ReceiptHandle"], "rh-22");

  // Nothing to delete: nothing sent.
  auto nothing = sqs_.delete_messages(kKeys, queue(), {});
  ASSERT_TRUE(nothing);
  EXPECT_TRUE(nothing->empty());
  EXPECT_EQ(seen().size(), 3u);
}

TEST_F(SqsClientTest, ChangesVisibilityInBatchesAndReportsUnansweredEntries) {
  // An answer that forgets an entry: it must not pass for done.
  respond([](const SeenRequest& request) {
    json entries = json::parse(request.body)["Entries"];
    json successful = json::array();
    for (size_t i = 1; i < entries.size(); ++i) successful.push_back({{"Id", entries[i]["Id"]}});
    return Answer{200, json{{"Successful", successful}}.dump(), {}};
  });
  std::vector<SqsEntry> entries;
  for (int i = 0; i < 12; ++i) entries.push_back({"m" + std::to_string(i), "rh"});
  auto failures = sqs_.change_visibility(kKeys, queue(), entries, std::chrono::seconds(300));
  ASSERT_TRUE(failures) << failures.error().message;
  ASSERT_EQ(failures->size(), 2u);
  EXPECT_EQ((*failures)[0].id, "m0");
  EXPECT_EQ((*failures)[0].code, "NoResult");
  EXPECT_EQ((*failures)[1].id, "m10");

  auto requests = seen();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "AmazonSQS.ChangeMessageVisibilityBatch");
  EXPECT_EQ(json::parse(requests[1].body)["Entries"][0]["VisibilityTimeout"], 300);
}

TEST_F(SqsClientTest, BadBatchesAndOptionsAreRefusedBeforeSending) {
  std::vector<SqsEntry> entries{{"0", "a"}, {"1", "b"}, {"0", "c"}};
  auto twice = sqs_.delete_messages(kKeys, queue(), entries);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message,
            "sqs:DeleteMessageBatch of queue sgwatch-events: batch entry id '0' is used twice in "
            "one batch");
  // The same id in two different batches of 10 is fine for SQS, and so here.
  std::vector<SqsEntry> many;
  for (int i = 0; i < 11; ++i) many.push_back({std::to_string(i % 10), "rh"});
  respond([](const SeenRequest& request) {
    json successful = json::array();
    const json sent = json::parse(request.body);
    for (const json& entry : sent["Entries"]) {
      successful.push_back({{"Id", entry["Id"]}});
    }
    return Answer{200, json{{"Successful", successful}}.dump(), {}};
  });
  EXPECT_TRUE(sqs_.delete_messages(kKeys, queue(), many));
  EXPECT_EQ(seen().size(), 2u);

  auto bad_id = sqs_.change_visibility(kKeys, queue(), {{"a b", "rh"}}, std::chrono::seconds(5));
  ASSERT_FALSE(bad_id);
  EXPECT_THAT(bad_id.error().message, HasSubstr("batch entry id 'a b' is not 1 to 80 letters"));
  auto too_long = sqs_.change_visibility(kKeys, queue(), {{"0", "rh"}}, std::chrono::hours(13));
  ASSERT_FALSE(too_long);
  EXPECT_THAT(too_long.error().message, HasSubstr("a visibility timeout of 46800 s"));

  SqsReceiveOptions options;
  options.max_messages = 11;
  auto too_many = sqs_.receive(kKeys, queue(), options);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(too_many.error().message,
            "sqs:ReceiveMessage of queue sgwatch-events: max_messages 11 is not 1 to 10");
  options.max_messages = 10;
  options.wait = std::chrono::seconds(21);
  EXPECT_FALSE(sqs_.receive(kKeys, queue(), options));
  EXPECT_EQ(seen().size(), 2u);
}

TEST_F(SqsClientTest, AMissingQueueIsAClearErrorNotRetried) {
  respond([](const SeenRequest&) {
    return Answer{400,
                  R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."})",
                  {{"x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"},
                   {"x-amzn-RequestId", "req-1"}}};
  });
  auto messages = sqs_.receive(kKeys, queue(), SqsReceiveOptions{});
  ASSERT_FALSE(messages);
  EXPECT_EQ(messages.error().message,
            "queue sgwatch-events: sqs:ReceiveMessage in eu-west-1 failed: "
            "AWS.SimpleQueueService.NonExistentQueue: The specified queue does not exist. (no "
            "such queue: check the queue URL, and that its account and region are the queue's) "
            "[request id req-1]");
  EXPECT_EQ(seen().size(), 1u);
  EXPECT_TRUE(slept_.empty());

  auto deleted = sqs_.delete_messages(kKeys, queue(), {{"0", "rh"}});
  ASSERT_FALSE(deleted);
  EXPECT_THAT(deleted.error().message, HasSubstr("sqs:DeleteMessageBatch in eu-west-1 failed"));
}

TEST_F(SqsClientTest, ThrottlingIsRetried) {
  int calls = 0;
  respond([&calls](const SeenRequest&) {
    if (++calls == 1) {
      return Answer{400, R"({"__type":"com.amazonaws.sqs#RequestThrottled","message":"Slow down"})",
                    {{"x-amzn-query-error", "RequestThrottled;Sender"}}};
    }
    return Answer{200, kAttributesAnswer, {}};
  });
  auto attributes = sqs_.attributes(kKeys, queue());
  ASSERT_TRUE(attributes) << attributes.error().message;
  EXPECT_EQ(attributes->max_receive_count, 1000);
  EXPECT_EQ(seen().size(), 2u);
  EXPECT_EQ(slept_.size(), 1u);
  EXPECT_EQ(seen()[1].target, "AmazonSQS.GetQueueAttributes");
}

TEST_F(SqsClientTest, BadAnswersNameTheCallAndQueue) {
  respond([](const SeenRequest&) {
    return Answer{200, R"({"Messages":[{"MessageId":"m","Body":"b"}]})", {}};
  });
  auto messages = sqs_.receive(kKeys, queue(), SqsReceiveOptions{});
  ASSERT_FALSE(messages);
  EXPECT_EQ(messages.error().message,
            "sqs:ReceiveMessage of queue sgwatch-events: Messages[0].ReceiptHandle: missing");
  auto attributes = sqs_.attributes(kKeys, queue());
  ASSERT_FALSE(attributes);
  EXPECT_EQ(attributes.error().message,
            "sqs:GetQueueAttributes of queue sgwatch-events: Attributes: missing");
}

}  // namespace
}  // namespace sgwatch::sqs_client_test
