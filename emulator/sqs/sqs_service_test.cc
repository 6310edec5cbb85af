#include "emulator/sqs/sqs_service.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "emulator/sqs/sqs_test_support.h"

namespace sgwatch::emulator::sqs_testing::sqs_service_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

TEST_F(SqsTest, JsonProtocolRoundTrip) {
  JsonReply created = json_call("CreateQueue", {{"QueueName", "events"},
                                                {"Attributes", {{"VisibilityTimeout", "5"}}}});
  ASSERT_EQ(created.status, 200) << created.body.dump();
  const std::string url = created.body["QueueUrl"];
  EXPECT_EQ(url, emulator_->endpoint() + "/111122223333/events");
  EXPECT_EQ(json_call("CreateQueue", {{"QueueName", "events"}}).body["QueueUrl"], url);
  EXPECT_EQ(json_call("GetQueueUrl", {{"QueueName", "events"}}).body["QueueUrl"], url);
  EXPECT_EQ(json_call("ListQueues", nlohmann::json::object()).body["QueueUrls"],
            nlohmann::json::array({url}));

  JsonReply sent = json_call("SendMessage", {{"QueueUrl", url}, {"MessageBody", "hello"}});
  ASSERT_EQ(sent.status, 200) << sent.body.dump();
  EXPECT_EQ(sent.body["MD5OfMessageBody"], "5d41402abc4b2a76b9719d911017c592");

  JsonReply received = json_call("ReceiveMessage", {{"QueueUrl", url},
                                                    {"MaxNumberOfMessages", 10},
                                                    {"MessageSystemAttributeNames", {"All"}}});
  ASSERT_EQ(received.status, 200) << received.body.dump();
  ASSERT_EQ(received.body["Messages"].size(), 1u) << received.body.dump();
  const auto& message = received.body["Messages"][0];
  EXPECT_EQ(message["MessageId"], sent.body["MessageId"]);
  EXPECT_EQ(message["Body"], "hello");
  EXPECT_EQ(message["MD5OfBody"], "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(message["Attributes"]["ApproximateReceiveCount"], "1");
  EXPECT_EQ(message["Attributes"]["SentTimestamp"].get<std::string>().size(), 13u);
  EXPECT_TRUE(message["Attributes"].contains("ApproximateFirstReceiveTimestamp"));

  JsonReply attributes = json_call("GetQueueAttributes", {{"QueueUrl", url},
                                                          {"AttributeNames", {"All"}}});
  EXPECT_EQ(attributes.body["Attributes"]["QueueArn"], "arn:aws:sqs:eu-west-1:111122223333:events");
  EXPECT_EQ(attributes.body["Attributes"]["VisibilityTimeout"], "5");
  EXPECT_EQ(attributes.body["Attributes"]["ApproximateNumberOfMessagesNotVisible"], "1");

  EXPECT_EQ(json_call("DeleteMessage", {{"QueueUrl", url},
                                        {"ReceiptHandle", message["ReceiptHandle"]}})
                .status,
            200);
  EXPECT_EQ(sqs().counts(url).in_flight, 0u);
  EXPECT_EQ(emulator_->calls().calls("sqs", "SendMessage"), 1u);
  EXPECT_EQ(json_call("DeleteQueue", {{"QueueUrl", url}}).status, 200);
  EXPECT_FALSE(sqs().url_of(url));
}

TEST_F(SqsTest, QueryProtocolPostedToTheQueueUrl) {
  const std::string url = make_queue("q");
  const std::string path = "/111122223333/q";
  XmlReply sent = query_call({{"Action", "SendMessage"}, {"QueueUrl", url},
                              {"MessageBody", "a b&c"}}, path);
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.text("/SendMessageResponse/SendMessageResult/MD5OfMessageBody"),
            sqs_md5_hex("a b&c"));
  EXPECT_NE(sent.body.find("xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\""),
            std::string::npos);

  XmlReply received = query_call({{"Action", "ReceiveMessage"}, {"QueueUrl", url},
                                  {"AttributeName.1", "All"}}, path);
  ASSERT_EQ(received.status, 200) << received.body;
  const std::string base = "/ReceiveMessageResponse/ReceiveMessageResult/Message";
  EXPECT_EQ(received.text(base + "/Body"), "a b&c");
  EXPECT_EQ(received.text(base + "/MD5OfBody"), sqs_md5_hex("a b&c"));
  EXPECT_EQ(received.text(base + "/Attribute[Name='ApproximateReceiveCount']/Value"), "1");
  EXPECT_EQ(received.count("/ReceiveMessageResponse/ResponseMetadata/RequestId"), 1u);

  XmlReply attributes = query_call({{"Action", "GetQueueAttributes"}, {"QueueUrl", url},
                                    {"AttributeName.1", "QueueArn"},
                                    {"AttributeName.2", "ApproximateNumberOfMessagesNotVisible"}},
                                   path);
  EXPECT_EQ(attributes.count("//Attribute"), 2u) << attributes.body;
  EXPECT_EQ(attributes.text("//Attribute[Name='QueueArn']/Value"),
            "arn:aws:sqs:eu-west-1:111122223333:q");

  XmlReply listed = query_call({{"Action", "ListQueues"}});
  EXPECT_EQ(listed.text("/ListQueuesResponse/ListQueuesResult/QueueUrl"), url);

  XmlReply batch = query_call({{"Action", "SendMessageBatch"}, {"QueueUrl", url},
                               {"SendMessageBatchRequestEntry.1.Id", "one"},
                               {"SendMessageBatchRequestEntry.1.MessageBody", "1"},
                               {"SendMessageBatchRequestEntry.2.Id", "two"},
                               {"SendMessageBatchRequestEntry.2.MessageBody", ""}},
                              path);
  ASSERT_EQ(batch.status, 200) << batch.body;
  EXPECT_EQ(batch.text("//SendMessageBatchResultEntry/Id"), "one");
  EXPECT_EQ(batch.text("//BatchResultErrorEntry/Id"), "two");
  EXPECT_EQ(batch.text("//BatchResultErrorEntry/SenderFault"), "true");
}

TEST_F(SqsTest, ErrorsInEachProtocolsShape) {
  JsonReply missing = json_call("SendMessage", {{"QueueUrl", emulator_->endpoint() +
                                                                 "/111122223333/none"},
                                                {"MessageBody", "x"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body["__type"], "com.amazonaws.sqs#QueueDoesNotExist");
  EXPECT_EQ(missing.query_error, "AWS.SimpleQueueService.NonExistentQueue;Sender");
  EXPECT_FALSE(missing.body["message"].get<std::string>().empty());

  XmlReply query_missing = query_call({{"Action", "GetQueueUrl"}, {"QueueName", "none"}});
  EXPECT_EQ(query_missing.status, 400);
  EXPECT_EQ(query_missing.text("/ErrorResponse/Error/Code"),
            "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(query_missing.text("/ErrorResponse/Error/Type"), "Sender");
  EXPECT_FALSE(query_missing.text("/ErrorResponse/RequestId").empty());

  const std::string url = make_queue("q");
  auto code_of = [](const JsonReply& reply) { return reply.query_error; };
  EXPECT_EQ(code_of(json_call("ReceiveMessage", {{"QueueUrl", url}, {"MaxNumberOfMessages", 11}})),
            "InvalidParameterValue;Sender");
  EXPECT_EQ(code_of(json_call("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 21}})),
            "InvalidParameterValue;Sender");
  EXPECT_EQ(code_of(json_call("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", "nope"}})),
            "ReceiptHandleIsInvalid;Sender");
  EXPECT_EQ(code_of(json_call("SendMessage", {{"QueueUrl", url}})), "MissingParameter;Sender");
  EXPECT_EQ(code_of(json_call("CreateQueue", {{"QueueName", "bad name"}})),
            "InvalidParameterValue;Sender");
  EXPECT_EQ(code_of(json_call("CreateQueue", {{"QueueName", "q"},
                                              {"Attributes", {{"VisibilityTimeout", "9"}}}})),
            "QueueAlreadyExists;Sender");
  EXPECT_EQ(code_of(json_call("SetQueueAttributes", {{"QueueUrl", url},
                                                     {"Attributes", {{"Colour", "red"}}}})),
            "InvalidAttributeName;Sender");
  EXPECT_EQ(code_of(json_call("SetQueueAttributes",
                              {{"QueueUrl", url}, {"Attributes", {{"RedrivePolicy", "{}"}}}})),
            "InvalidAttributeValue;Sender");

  nlohmann::json eleven = nlohmann::json::array();
  for (int i = 0; i < 11; ++i) eleven.push_back({{"Id", std::to_string(i)}, {"MessageBody", "x"}});
  EXPECT_EQ(code_of(json_call("SendMessageBatch", {{"QueueUrl", url}, {"Entries", eleven}})),
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest;Sender");
  EXPECT_EQ(code_of(json_call("SendMessageBatch", {{"QueueUrl", url},
                                                   {"Entries", nlohmann::json::array()}})),
            "AWS.SimpleQueueService.EmptyBatchRequest;Sender");
  JsonReply twice = json_call("DeleteMessageBatch",
                              {{"QueueUrl", url},
                               {"Entries", {{{"Id", "a"}, {"ReceiptHandle", "h"}},
                                            {{"Id", "a"}, {"ReceiptHandle", "h"}}}}});
  EXPECT_EQ(twice.body["__type"], "com.amazonaws.sqs#BatchEntryIdsNotDistinct");
  EXPECT_EQ(code_of(json_call("DeleteMessageBatch",
                              {{"QueueUrl", url},
                               {"Entries", {{{"Id", "a b"}, {"ReceiptHandle", "h"}}}}})),
            "AWS.SimpleQueueService.InvalidBatchEntryId;Sender");

  // Another account's queue, and an unsigned call.
  JsonReply foreign = json_call("SendMessage", {{"QueueUrl", emulator_->endpoint() +
                                                                 "/999988887777/q"},
                                                {"MessageBody", "x"}});
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(foreign.query_error, "AccessDenied;Sender");
  Request unsigned_call;
  unsigned_call.method = "POST";
  unsigned_call.path = "/";
  unsigned_call.headers = {{"X-Amz-Target", "AmazonSQS.ListQueues"},
                           {"Content-Type", "application/x-amz-json-1.0"}};
  unsigned_call.body = "{}";
  const Response refused = emulator_->handle(unsigned_call);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("com.amazonaws.sqs#MissingAuthenticationToken"), std::string::npos);
}

TEST_F(SqsTest, BatchesDeleteAndChangeVisibility) {
  const std::string url = make_queue("q");
  JsonReply sent = json_call("SendMessageBatch", {{"QueueUrl", url},
                                                  {"Entries", {{{"Id", "a"}, {"MessageBody", "1"}},
                                                               {{"Id", "b"}, {"MessageBody", "2"}}}}});
  ASSERT_EQ(sent.body["Successful"].size(), 2u) << sent.body.dump();
  EXPECT_FALSE(sent.body.contains("Failed"));
  JsonReply got = json_call("ReceiveMessage", {{"QueueUrl", url}, {"MaxNumberOfMessages", 10}});
  ASSERT_EQ(got.body["Messages"].size(), 2u);
  const std::string first = got.body["Messages"][0]["ReceiptHandle"];
  const std::string second = got.body["Messages"][1]["ReceiptHandle"];

  JsonReply changed = json_call("ChangeMessageVisibilityBatch",
                                {{"QueueUrl", url},
                                 {"Entries", {{{"Id", "a"}, {"ReceiptHandle", first},
                                               {"VisibilityTimeout", 0}},
                                              {{"Id", "x"}, {"ReceiptHandle", "bogus"},
                                               {"VisibilityTimeout", 0}}}}});
  ASSERT_EQ(changed.status, 200) << changed.body.dump();
  EXPECT_EQ(changed.body["Successful"][0]["Id"], "a");
  EXPECT_EQ(changed.body["Failed"][0]["Code"], "ReceiptHandleIsInvalid");
  EXPECT_EQ(sqs().counts(url).visible, 1u);

  JsonReply deleted = json_call("DeleteMessageBatch",
                                {{"QueueUrl", url}, {"Entries", {{{"Id", "b"}, {"ReceiptHandle", second}}}}});
  EXPECT_EQ(deleted.body["Successful"][0]["Id"], "b");
  EXPECT_EQ(sqs().bodies(url), std::vector<std::string>{"1"});

  // A handle of a deleted message cannot change visibility (SQS's wording).
  JsonReply gone = json_call("ChangeMessageVisibility", {{"QueueUrl", url},
                                                         {"ReceiptHandle", second},
                                                         {"VisibilityTimeout", 10}});
  EXPECT_EQ(gone.query_error, "InvalidParameterValue;Sender");
  EXPECT_EQ(json_call("PurgeQueue", {{"QueueUrl", url}}).status, 200);
  EXPECT_TRUE(sqs().bodies(url).empty());
}

TEST_F(SqsTest, RedriveMovesToTheDeadLetterQueueThroughTheApi) {
  make_queue("dlq");
  const std::string url = make_queue(
      "work", {{"RedrivePolicy", R"({"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:111122223333:dlq","maxReceiveCount":"2"})"}});
  ASSERT_TRUE(sqs().send(url, "poison"));
  for (int i = 0; i < 2; ++i) {
    JsonReply got = json_call("ReceiveMessage", {{"QueueUrl", url}});
    ASSERT_EQ(got.body["Messages"].size(), 1u) << i;
    ASSERT_EQ(json_call("ChangeMessageVisibility",
                        {{"QueueUrl", url},
                         {"ReceiptHandle", got.body["Messages"][0]["ReceiptHandle"]},
                         {"VisibilityTimeout", 0}})
                  .status,
              200);
  }
  EXPECT_FALSE(json_call("ReceiveMessage", {{"QueueUrl", url}}).body.contains("Messages"));
  EXPECT_EQ(sqs().bodies("arn:aws:sqs:eu-west-1:111122223333:dlq"),
            std::vector<std::string>{"poison"});
  EXPECT_EQ(sqs().counts(url).moved_to_dead_letter, 1u);
  JsonReply attributes = json_call("GetQueueAttributes", {{"QueueUrl", url},
                                                          {"AttributeNames", {"RedrivePolicy"}}});
  EXPECT_NE(attributes.body["Attributes"]["RedrivePolicy"].get<std::string>().find("dlq"),
            std::string::npos);
}

TEST_F(SqsTest, VisibilityTimeoutRunsOutInRealTime) {
  const std::string url = make_queue("q", {{"VisibilityTimeout", "1"}});
  ASSERT_TRUE(sqs().send(url, "again"));
  ASSERT_EQ(json_call("ReceiveMessage", {{"QueueUrl", url}}).body["Messages"].size(), 1u);
  // A long poll wakes when the visibility runs out, not at the end of its wait.
  const auto start = Clock::now();
  JsonReply again = json_call("ReceiveMessage", {{"QueueUrl", url},
                                                 {"WaitTimeSeconds", 5},
                                                 {"AttributeNames", {"ApproximateReceiveCount"}}});
  const auto waited = Clock::now() - start;
  ASSERT_EQ(again.body["Messages"].size(), 1u);
  EXPECT_EQ(again.body["Messages"][0]["Attributes"]["ApproximateReceiveCount"], "2");
  EXPECT_LT(waited, milliseconds(2500));
}

TEST_F(SqsTest, LongPollWakesOnSendAtOnce) {
  const std::string url = make_queue("q");
  auto receive = std::async(std::launch::async, [&] {
    return json_call("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 20}});
  });
  std::this_thread::sleep_for(milliseconds(50));  // let it start waiting
  const auto sent_at = Clock::now();
  ASSERT_TRUE(sqs().send(url, "wake"));
  ASSERT_EQ(receive.wait_for(seconds(5)), std::future_status::ready);
  const auto latency = Clock::now() - sent_at;
  JsonReply got = receive.get();
  ASSERT_EQ(got.body["Messages"].size(), 1u);
  EXPECT_EQ(got.body["Messages"][0]["Body"], "wake");
  EXPECT_LT(latency, milliseconds(100));
}

TEST_F(SqsTest, EmptyLongPollEndsAfterItsWait) {
  const std::string url = make_queue("q");
  const auto start = Clock::now();
  JsonReply got = json_call("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 1}});
  EXPECT_EQ(got.status, 200);
  EXPECT_FALSE(got.body.contains("Messages"));
  EXPECT_GE(Clock::now() - start, milliseconds(990));
}

TEST_F(SqsTest, StopWakesEveryWaitingReceive) {
  const std::string url = make_queue("q");
  std::vector<std::future<JsonReply>> waiting;
  for (int i = 0; i < 3; ++i) {
    waiting.push_back(std::async(std::launch::async, [&] {
      return json_call("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 20}});
    }));
  }
  std::this_thread::sleep_for(milliseconds(50));
  const auto start = Clock::now();
  emulator_->stop();
  for (auto& receive : waiting) {
    ASSERT_EQ(receive.wait_for(seconds(2)), std::future_status::ready);
    EXPECT_FALSE(receive.get().body.contains("Messages"));
  }
  EXPECT_LT(Clock::now() - start, seconds(1));
}

TEST_F(SqsTest, AdminEndpointListsQueues) {
  const std::string url = make_queue("q");
  ASSERT_TRUE(sqs().send(url, "x"));
  Request get;
  get.method = "GET";
  get.path = "/_emulator/sqs";
  const auto listed = nlohmann::json::parse(emulator_->handle(get).body);
  ASSERT_EQ(listed["queues"].size(), 1u);
  EXPECT_EQ(listed["queues"][0]["url"], url);
  EXPECT_EQ(listed["queues"][0]["visible"], 1);
  EXPECT_FALSE(sqs().send_to_arn("arn:aws:sqs:eu-west-1:111122223333:none", "x"));
  EXPECT_TRUE(sqs().send_to_arn("arn:aws:sqs:eu-west-1:111122223333:q", "y"));
}

}  // namespace
}  // namespace sgwatch::emulator::sqs_testing::sqs_service_test
