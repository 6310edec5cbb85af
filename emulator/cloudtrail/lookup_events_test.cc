// LookupEvents over the trail: delivery delay and the recording switch on a manual clock,
// paging, windows, attribute filters, the rate limit, errors, and the admin endpoint.
#include <gtest/gtest.h>

#include <set>

#include "emulator/cloudtrail/trail_test_support.h"

namespace sgwatch::emulator::lookup_events_test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

struct Admin {
  int status;
  nlohmann::json body;
};

class LookupEventsTest : public trail_testing::TrailTest {
 protected:
  // Mutations only, and no rate limit unless a test asks for it.
  void SetUp() override {
    TrailTest::SetUp();
    emulator_->trail().set_read_only_events(false);
    emulator_->trail().set_lookup_rate_limit(false);
  }

  static int64_t epoch(const ManualClock& clock) {
    return std::chrono::floor<seconds>(clock.now()).time_since_epoch().count();
  }

  // EventNames of a successful lookup's page.
  static std::vector<std::string> names(const json& answer) {
    std::vector<std::string> out;
    for (const json& event : answer["Events"]) out.push_back(event["EventName"]);
    return out;
  }

  Admin admin_request(const std::string& method, const std::string& body = "") {
    Request request;
    request.method = method;
    request.path = "/_emulator/trail";
    request.raw_path = request.path;
    request.body = body;
    Response response = emulator_->handle(request);
    return Admin{response.status, json::parse(response.body, nullptr, false)};
  }
};

TEST_F(LookupEventsTest, AnswersInCloudTrailsShape) {
  const std::string group = create_group("web");
  auto [status, answer] = lookup(json::object());
  ASSERT_EQ(status, 200) << answer;
  ASSERT_EQ(answer["Events"].size(), 1u);
  EXPECT_FALSE(answer.contains("NextToken"));
  const json& event = answer["Events"][0];
  EXPECT_EQ(event["EventName"], "CreateSecurityGroup");
  EXPECT_EQ(event["ReadOnly"], "false");
  EXPECT_EQ(event["AccessKeyId"], "AKIAEMULATORADMIN000");
  EXPECT_EQ(event["EventTime"], epoch(clock_));
  EXPECT_EQ(event["EventSource"], "ec2.amazonaws.com");
  EXPECT_EQ(event["Username"], "admin");
  EXPECT_EQ(event["Resources"],
            json::parse(R"([{"ResourceType": "AWS::EC2::SecurityGroup", "ResourceName": ")" +
                        group + R"("}])"));
  const json record = json::parse(event["CloudTrailEvent"].get<std::string>());
  EXPECT_EQ(record["eventID"], event["EventId"]);
  EXPECT_EQ(record["responseElements"]["groupId"], group);
}

TEST_F(LookupEventsTest, DeliveryDelayOnTheEmulatorsClock) {
  emulator_->trail().set_delivery_delay(seconds(120));
  create_group("late");
  EXPECT_TRUE(lookup(json::object()).second["Events"].empty());
  EXPECT_EQ(emulator_->trail().events().size(), 1u);  // recorded, not yet delivered

  clock_.advance(seconds(119));
  EXPECT_TRUE(lookup(json::object()).second["Events"].empty());
  clock_.advance(seconds(1));
  auto answer = lookup(json::object()).second;
  ASSERT_EQ(answer["Events"].size(), 1u);
  // The event keeps the time of the call, not of its delivery.
  EXPECT_EQ(answer["Events"][0]["EventTime"], epoch(clock_) - 120);
}

TEST_F(LookupEventsTest, NothingIsRecordedWhileRecordingIsOff) {
  emulator_->trail().set_recording(false);
  create_group("unseen");
  EXPECT_TRUE(emulator_->trail().events().empty());
  emulator_->trail().set_recording(true);
  create_group("seen");
  EXPECT_EQ(names(lookup(json::object()).second), std::vector<std::string>{"CreateSecurityGroup"});
}

TEST_F(LookupEventsTest, PagesNewestFirstAcross120Events) {
  for (int i = 0; i < 120; ++i) {
    create_group("g" + std::to_string(i));
    if (i % 7 == 0) clock_.advance(seconds(1));  // several events share each second
  }
  std::vector<std::string> groups;
  json request = {{"LookupAttributes", {{{"AttributeKey", "EventName"},
                                         {"AttributeValue", "CreateSecurityGroup"}}}}};
  int pages = 0;
  while (true) {
    auto [status, answer] = lookup(request);
    ASSERT_EQ(status, 200) << answer;
    ++pages;
    for (const json& event : answer["Events"]) {
      groups.push_back(json::parse(event["CloudTrailEvent"].get<std::string>())
                           ["requestParameters"]["groupName"]);
    }
    if (!answer.contains("NextToken")) break;
    request["NextToken"] = answer["NextToken"];
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(groups.size(), 120u);
  for (int i = 0; i < 120; ++i) EXPECT_EQ(groups[i], "g" + std::to_string(119 - i));

  // MaxResults sets the page size; a token is good only with the parameters it came from.
  auto [status, small] = lookup({{"MaxResults", 7}});
  ASSERT_EQ(small["Events"].size(), 7u);
  auto next = lookup({{"MaxResults", 7}, {"NextToken", small["NextToken"]}}).second;
  EXPECT_EQ(next["Events"].size(), 7u);
  EXPECT_NE(next["Events"][0]["EventId"], small["Events"][6]["EventId"]);
  auto mismatched = lookup({{"NextToken", small["NextToken"]},
                            {"LookupAttributes", {{{"AttributeKey", "Username"},
                                                   {"AttributeValue", "admin"}}}}});
  EXPECT_EQ(mismatched.first, 400);
  EXPECT_EQ(mismatched.second["__type"], "InvalidNextTokenException");
  EXPECT_EQ(lookup({{"NextToken", "garbage"}}).second["__type"], "InvalidNextTokenException");
}

TEST_F(LookupEventsTest, TimeWindowsAreInclusive) {
  const int64_t first = epoch(clock_);
  create_group("a");
  clock_.advance(seconds(60));
  create_group("b");
  clock_.advance(seconds(60));
  create_group("c");
  const auto in_window = [&](const json& start, const json& end) {
    json request = json::object();
    if (!start.is_null()) request["StartTime"] = start;
    if (!end.is_null()) request["EndTime"] = end;
    return lookup(request).second["Events"].size();
  };
  EXPECT_EQ(in_window(first + 60, first + 60), 1u);
  EXPECT_EQ(in_window(first + 0.5, nullptr), 2u);  // fractional seconds, as botocore sends
  EXPECT_EQ(in_window(nullptr, first + 59.9), 1u);
  EXPECT_EQ(in_window("2026-11-23T10:16:00Z", "2026-11-23T10:17:00Z"), 2u);
  auto [status, answer] = lookup({{"StartTime", first + 10}, {"EndTime", first}});
  EXPECT_EQ(status, 400);
  EXPECT_EQ(answer["__type"], "InvalidTimeRangeException");
  // Events older than 90 days are gone.
  clock_.advance(std::chrono::days(90) - seconds(30));
  EXPECT_EQ(in_window(nullptr, nullptr), 1u);
}

TEST_F(LookupEventsTest, AttributeFilters) {
  emulator_->trail().set_read_only_events(true);
  const std::string web = create_group("web");
  ec2({{"Action", "CreateTags"}, {"ResourceId.1", web}, {"Tag.1.Key", "k"}, {"Tag.1.Value", "v"}});
  ec2({{"Action", "DescribeSecurityGroups"}});
  ec2({{"Action", "CreateSecurityGroup"}, {"GroupName", "ro"}, {"GroupDescription", "ro"}},
      trail_testing::readonly_key());
  const auto with = [&](const std::string& key, const std::string& value) {
    auto [status, answer] =
        lookup({{"LookupAttributes", {{{"AttributeKey", key}, {"AttributeValue", value}}}}});
    EXPECT_EQ(status, 200) << answer;
    return names(answer);
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(with("ReadOnly", "false"),
            (Names{"CreateSecurityGroup", "CreateTags", "CreateSecurityGroup"}));
  EXPECT_EQ(with("ReadOnly", "true"), Names{"DescribeSecurityGroups"});
  EXPECT_EQ(with("EventName", "CreateTags"), Names{"CreateTags"});
  EXPECT_EQ(with("Username", "readonly"), Names{"CreateSecurityGroup"});
  EXPECT_EQ(with("AccessKeyId", "AKIAEMULATORREAD0000"), Names{"CreateSecurityGroup"});
  EXPECT_EQ(with("ResourceName", web), (Names{"CreateTags", "CreateSecurityGroup"}));
  EXPECT_EQ(with("ResourceType", "AWS::EC2::SecurityGroup"),
            (Names{"CreateTags", "CreateSecurityGroup"}));
  EXPECT_EQ(with("EventSource", "ec2.amazonaws.com").size(), 4u);
  EXPECT_EQ(with("EventSource", "iam.amazonaws.com").size(), 0u);
  const std::string id = lookup(json::object()).second["Events"][1]["EventId"];
  EXPECT_EQ(with("EventId", id), Names{"DescribeSecurityGroups"});

  auto two = lookup({{"LookupAttributes", {{{"AttributeKey", "ReadOnly"}, {"AttributeValue", "false"}},
                                           {{"AttributeKey", "Username"}, {"AttributeValue", "admin"}}}}});
  EXPECT_EQ(two.first, 400);
  EXPECT_EQ(two.second["__type"], "InvalidLookupAttributesException");
  auto unknown =
      lookup({{"LookupAttributes", {{{"AttributeKey", "Colour"}, {"AttributeValue", "x"}}}}});
  EXPECT_EQ(unknown.second["__type"], "InvalidLookupAttributesException");
  EXPECT_EQ(lookup({{"MaxResults", 51}}).second["__type"], "InvalidMaxResultsException");
  EXPECT_EQ(lookup({{"MaxResults", 0}}).second["__type"], "InvalidMaxResultsException");
  EXPECT_TRUE(lookup({{"EventCategory", "insight"}}).second["Events"].empty());
}

TEST_F(LookupEventsTest, OnlyTheCallersAccountAndRegion) {
  create_group("east");
  ec2({{"Action", "CreateSecurityGroup"}, {"GroupName", "west"}, {"GroupDescription", "w"}}, {},
      "eu-west-1");
  EXPECT_EQ(lookup(json::object(), {}, "us-east-1").second["Events"].size(), 1u);
  auto west = lookup(json::object(), {}, "eu-west-1").second;
  ASSERT_EQ(west["Events"].size(), 1u);
  EXPECT_EQ(json::parse(west["Events"][0]["CloudTrailEvent"].get<std::string>())["awsRegion"],
            "eu-west-1");

  emulator_->identities().add_user("444455556666", "other", "AKIAOTHERACCOUNT0001", "s");
  EXPECT_TRUE(lookup(json::object(), {"AKIAOTHERACCOUNT0001", "s", ""}).second["Events"].empty());
}

TEST_F(LookupEventsTest, TwoCallsPerSecondPerAccountAndRegion) {
  emulator_->trail().set_lookup_rate_limit(true);
  EXPECT_EQ(lookup(json::object()).first, 200);
  clock_.advance(milliseconds(400));
  EXPECT_EQ(lookup(json::object()).first, 200);
  auto [status, answer] = lookup(json::object());
  EXPECT_EQ(status, 400);
  EXPECT_EQ(answer, json::parse(R"({"__type": "ThrottlingException", "message": "Rate exceeded"})"));
  // Another region has its own allowance.
  EXPECT_EQ(lookup(json::object(), {}, "eu-west-1").first, 200);
  // A second after the first call, one more fits.
  clock_.advance(milliseconds(600));
  EXPECT_EQ(lookup(json::object()).first, 200);
  EXPECT_EQ(lookup(json::object()).first, 400);
  // Every call counts, throttled ones too.
  EXPECT_EQ(emulator_->calls().calls("cloudtrail", "LookupEvents"), 6u);

  emulator_->trail().set_lookup_rate_limit(false);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(lookup(json::object()).first, 200);
}

TEST_F(LookupEventsTest, AuthenticationErrorsInJsonShape) {
  auto [status, answer] = lookup(json::object(), {"AKIAEMULATORADMIN000", "wrong", ""});
  EXPECT_EQ(status, 400);
  EXPECT_EQ(answer["__type"], "InvalidSignatureException");
  auto unknown = lookup(json::object(), {"AKIANOSUCHKEY0000000", "x", ""});
  EXPECT_EQ(unknown.second["__type"], "UnrecognizedClientException");
  Request other = signed_request("cloudtrail", "{}", "application/x-amz-json-1.1", {}, "us-east-1",
                                 std::string(kCloudTrailTargetPrefix) + "DescribeTrails");
  EXPECT_EQ(json::parse(emulator_->handle(other).body)["__type"], "UnknownOperationException");
}

TEST_F(LookupEventsTest, AdminEndpoint) {
  Admin set = admin_request("POST", R"({"delivery_delay_seconds": 300, "recording": true})");
  EXPECT_EQ(set.status, 200);
  EXPECT_EQ(set.body["delivery_delay_seconds"], 300);
  EXPECT_EQ(emulator_->trail().settings().delivery_delay, seconds(300));
  create_group("pending");

  Admin dump = admin_request("GET");
  EXPECT_EQ(dump.status, 200);
  ASSERT_EQ(dump.body["Records"].size(), 1u);
  EXPECT_EQ(dump.body["Records"][0]["eventName"], "CreateSecurityGroup");
  EXPECT_EQ(dump.body["undelivered"], json::array({dump.body["Records"][0]["eventID"]}));
  EXPECT_EQ(dump.body["settings"]["recording"], true);

  EXPECT_EQ(admin_request("POST", R"({"recording": "no"})").status, 400);
  EXPECT_EQ(admin_request("POST", R"({"colour": 1})").status, 400);
  EXPECT_EQ(admin_request("POST", R"({"recording": false})").status, 200);
  EXPECT_FALSE(emulator_->trail().settings().recording);

  EXPECT_EQ(admin_request("DELETE").status, 200);
  EXPECT_TRUE(emulator_->trail().events().empty());
}

}  // namespace
}  // namespace sgwatch::emulator::lookup_events_test
