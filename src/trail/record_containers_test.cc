#include "trail/record_containers.h"

#include <zlib.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/time_format.h"
#include "temp_dir.h"

namespace sgwatch::record_containers_test {
namespace {

std::string data_file(const std::string& name) {
  std::ifstream in(std::string(SGWATCH_TEST_DATA_DIR) + "/cloudtrail/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One gzip member of `text`, as CloudTrail writes its log files.
std::string gzip(const std::string& text) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                         Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// On one line, for JSON Lines.
std::string record(const std::string& id, const std::string& name, const std::string& group) {
  return R"({"eventID":")" + id + R"(","eventTime":"2024-05-01T10:00:00Z","eventName":")" + name +
         R"(","eventSource":"ec2.amazonaws.com","awsRegion":"eu-west-1",)"
         R"("recipientAccountId":"111122223333","requestParameters":{"groupId":")" +
         group + R"("}})";
}

TEST(RecordContainers, PlainLogFile) {
  auto read = read_trail_document(data_file("panther-analysis/panther_sg_events.Records.json"));
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->records, 11u);
  // Three successful calls name the group "sg-1", which is no group id.
  EXPECT_EQ(read->calls.size(), 8u);
  ASSERT_EQ(read->problems.size(), 3u);
  EXPECT_EQ(read->problems[0].index, 5u);
  EXPECT_NE(read->problems[0].message.find("record 5 (eventID 1): requestParameters.groupId"),
            std::string::npos);
  for (const RecordProblem& problem : read->problems) {
    EXPECT_EQ(problem.kind, "requestParameters.groupId") << problem.message;
  }
}

TEST(RecordContainers, ProblemKindIsTheFieldOrComplaintWithoutTheRecord) {
  EXPECT_EQ(record_problem_kind("record 12 (eventID 504b-1): requestParameters.groupId: "
                                "'sg-x' is not a valid security group id"),
            "requestParameters.groupId");
  EXPECT_EQ(record_problem_kind("record 2: eventID: missing"), "eventID");
  EXPECT_EQ(record_problem_kind("record 2: malformed JSON"), "malformed JSON");
  EXPECT_EQ(record_problem_kind("record 0 (eventID x1): CloudTrailEvent: malformed JS"),
            "CloudTrailEvent");
  // An event id is the file's text: whatever it holds, the kind stays a short name.
  EXPECT_EQ(record_problem_kind("record 3 (eventID a: b): eventTime: bad"), "eventTime");
  EXPECT_EQ(record_problem_kind("record 3 (eventID " + std::string(500, 'z') + "): x: y"), "x");
  EXPECT_EQ(record_problem_kind("record 4: " + std::string(500, 'q')).size(), 80u);
}

TEST(RecordContainers, GzipLogFileAndConcatenatedMembers) {
  const std::string log = data_file("panther-analysis/panther_sg_events.Records.json");
  auto read = read_trail_document(gzip(log));
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->records, 11u);
  EXPECT_EQ(read->calls.size(), 8u);

  // Two members: two log documents, read as JSON Lines once decompressed.
  const std::string first = R"({"Records":[)" + record("a", "DeleteSecurityGroup",
                                                       "sg-0123456789abcdef0") + "]}\n";
  const std::string second = R"({"Records":[)" + record("b", "DeleteSecurityGroup",
                                                        "sg-0123456789abcdef1") + "]}\n";
  auto both = read_trail_document(gzip(first) + gzip(second));
  ASSERT_TRUE(both) << both.error().message;
  ASSERT_EQ(both->calls.size(), 2u);
  EXPECT_EQ(both->calls[1].event_id, "b");

  testing::TempDir dir;
  const std::string path = dir.file("log.json.gz");
  std::ofstream(path, std::ios::binary) << gzip(log);
  auto from_file = read_trail_file(path);
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_EQ(from_file->records, 11u);

  auto truncated = read_trail_document(gzip(log).substr(0, 100));
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message.find("gzip"), std::string::npos);
}

TEST(RecordContainers, LookupEventsResponses) {
  auto usecases =
      read_trail_document(data_file("lookupevents/aws-samples_eks-security-immersion-day/"
                                    "lookup-events_usecases_2.json"));
  ASSERT_TRUE(usecases) << usecases.error().message;
  ASSERT_EQ(usecases->calls.size(), 1u);
  const ApiCall& call = usecases->calls[0];
  EXPECT_EQ(call.event_id, "d647586b-b713-46af-b7f9-512c7f5145dd");
  EXPECT_EQ(call.event_name, "AssumeRoleForPodIdentity");
  EXPECT_EQ(call.error_code, "AccessDenied");
  EXPECT_EQ(call.account->str(), "753273931759");
  EXPECT_EQ(call.agent, AgentClass::kSdk);
  EXPECT_EQ(format_utc(call.event_time), "2024-01-30T07:52:08Z");

  // The other sample has its account replaced by a placeholder: unusable in full detail,
  // but an unrelated call when only security-group calls are wanted.
  const std::string deep_dive = data_file(
      "lookupevents/aws-samples_eks-security-immersion-day/lookup-events_deep-dive_1.json");
  auto full = read_trail_document(deep_dive);
  ASSERT_TRUE(full) << full.error().message;
  ASSERT_EQ(full->problems.size(), 1u);
  EXPECT_NE(full->problems[0].message.find(
                "record 0 (eventID e05b6d2e-4be6-45dd-8ad5-ba1e076002a5): recipientAccountId"),
            std::string::npos)
      << full->problems[0].message;
  auto light = read_trail_document(deep_dive, RecordDetail::kSecurityGroupCalls);
  ASSERT_TRUE(light) << light.error().message;
  ASSERT_EQ(light->calls.size(), 1u);
  EXPECT_FALSE(is_security_group_call(light->calls[0]));

  auto bad_string = read_trail_document(
      R"({"Events":[{"EventId":"x1","CloudTrailEvent":"{not json"}],"NextToken":"t"})");
  ASSERT_TRUE(bad_string) << bad_string.error().message;
  ASSERT_EQ(bad_string->problems.size(), 1u);
  EXPECT_EQ(bad_string->problems[0].message.substr(0, 52),
            "record 0 (eventID x1): CloudTrailEvent: malformed JS");
}

TEST(RecordContainers, EventBridgeEvents) {
  // StreamAlert's test cases hold EventBridge events under "data"; their values are
  // redacted ("..."), so they are recognised but not usable.
  const auto cases = nlohmann::json::parse(
      data_file("streamalert/cloudtrail_security_group_ingress_anywhere.json"));
  ASSERT_EQ(cases.size(), 2u);
  for (const auto& test_case : cases) {
    auto read = read_trail_document(test_case["data"].dump());
    ASSERT_TRUE(read) << read.error().message;
    ASSERT_EQ(read->records, 1u);
    ASSERT_EQ(read->problems.size(), 1u);
    EXPECT_NE(read->problems[0].message.find("record 0 (eventID ...): awsRegion: '...'"),
              std::string::npos)
        << read->problems[0].message;
  }
  // The same event with the redactions filled in.
  nlohmann::json event = cases[0]["data"];
  event["detail-type"] = "AWS API Call via CloudTrail";
  event["source"] = "aws.ec2";
  auto& detail = event["detail"];
  detail["awsRegion"] = "us-east-1";
  detail["eventID"] = "5e5a3bb4-0000-4000-8000-000000000001";
  detail["recipientAccountId"] = "123456789012";
  detail["requestParameters"]["groupId"] = "sg-0123456789abcdef0";
  auto read = read_trail_document(event.dump());
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->calls.size(), 1u);
  const ApiCall& call = read->calls[0];
  EXPECT_TRUE(is_security_group_call(call));
  ASSERT_EQ(call.effects[0].rules.size(), 2u);
  EXPECT_EQ(call.effects[0].rules[0].summary(), "ingress all traffic from 0.0.0.0/0");
  EXPECT_EQ(call.effects[0].rules[1].summary(), "ingress all traffic from ::/0");

  // StreamAlert's other file: log files (S3) of calls other than security-group ones.
  const auto critical =
      nlohmann::json::parse(data_file("streamalert/cloudtrail_critical_api_calls.json"));
  size_t records = 0;
  for (const auto& test_case : critical) {
    Status walked = for_each_record(
        test_case["data"].dump(),
        [&](Result<ApiCall> call, size_t) {
          ++records;
          if (call) {
            EXPECT_FALSE(is_security_group_call(*call)) << call->event_name;
          }
        },
        RecordDetail::kSecurityGroupCalls);
    ASSERT_TRUE(walked) << walked.error().message;
  }
  EXPECT_EQ(records, critical.size());
}

TEST(RecordContainers, BadRecordAmongGoodOnesIsCountedAndNamed) {
  const std::string log = R"({"Records":[)" +
                          record("a", "DeleteSecurityGroup", "sg-0123456789abcdef0") + "," +
                          record("b", "DeleteSecurityGroup", "sg-xyz") + "," +
                          R"({"eventTime":"2024-05-01T10:00:00Z"},)" +
                          record("d", "DeleteSecurityGroup", "sg-0123456789abcdef1") + "]}";
  std::vector<size_t> good, bad;
  std::vector<std::string> messages;
  Status walked = for_each_record(log, [&](Result<ApiCall> call, size_t index) {
    if (call) {
      good.push_back(index);
    } else {
      bad.push_back(index);
      messages.push_back(call.error().message);
    }
  });
  ASSERT_TRUE(walked);
  EXPECT_EQ(good, (std::vector<size_t>{0, 3}));
  EXPECT_EQ(bad, (std::vector<size_t>{1, 2}));
  EXPECT_EQ(messages[0].substr(0, 54), "record 1 (eventID b): requestParameters.groupId: 'sg-x");
  EXPECT_EQ(messages[1], "record 2: eventID: missing");
}

TEST(RecordContainers, JsonLinesOfMixedShapes) {
  const std::string lines =
      record("a", "DeleteSecurityGroup", "sg-0123456789abcdef0") + "\n\n" +
      R"({"detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","detail":)" +
      record("b", "DeleteSecurityGroup", "sg-0123456789abcdef1") + "}\n" + "{broken\n" +
      R"({"Records":[)" + record("c", "DeleteSecurityGroup", "sg-0123456789abcdef2") + "]}\r\n" +
      R"({"hello":"world"})" + "\n";
  auto read = read_trail_document(lines);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->records, 5u);
  ASSERT_EQ(read->calls.size(), 3u);
  EXPECT_EQ(read->calls[2].event_id, "c");
  ASSERT_EQ(read->problems.size(), 2u);
  EXPECT_EQ(read->problems[0].index, 2u);
  EXPECT_EQ(read->problems[0].message.substr(0, 24), "record 2: malformed JSON");
  EXPECT_EQ(read->problems[1].message.substr(0, 21), "record 4: not a Cloud");

  // A bare array of records, as some tools export them.
  auto listed = read_trail_document("[" + record("x", "DeleteSecurityGroup",
                                                 "sg-0123456789abcdef0") + "]");
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_EQ(listed->calls.size(), 1u);
}

TEST(RecordContainers, DamagedInputNeverCrashes) {
  const std::string log = data_file("panther-analysis/panther_sg_events.Records.json");
  const char replacements[] = {'"', '{', '}', '[', ']', ',', ':', '0', 'x', '\n'};
  size_t trials = 0;
  for (size_t at = 0; at < log.size(); at += 37) {
    std::string damaged = log;
    damaged[at] = replacements[at % sizeof replacements];
    auto read = read_trail_document(damaged);
    if (read) {
      EXPECT_EQ(read->records, read->calls.size() + read->problems.size());
    }
    auto truncated = read_trail_document(log.substr(0, at));
    if (truncated) {
      EXPECT_EQ(truncated->records, truncated->calls.size() + truncated->problems.size());
    }
    ++trials;
  }
  EXPECT_GT(trials, 500u);
}

TEST(RecordContainers, NotJsonIsAnError) {
  for (const std::string text : {"", "hello world", "<xml/>\n<more/>", "{\"Records\": [\n"}) {
    auto read = read_trail_document(text);
    ASSERT_FALSE(read) << text;
    EXPECT_EQ(read.error().message.substr(0, 9), "not JSON:") << read.error().message;
  }
  auto missing = read_trail_file("/nonexistent/trail.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace sgwatch::record_containers_test
