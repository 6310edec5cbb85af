// ConfigClient against a fake transport that records each request and answers with a
// canned GetResourceConfigHistory response: no network at all.
#include "aws/config_client.h"

#include <date/date.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/time_format.h"

namespace sgwatch::config_client_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const AwsCredentials kKeys{"AKIDCONFIGTEST000000", "config-test-secret", "", std::nullopt};

class CannedTransport final : public HttpTransport {
 public:
  TransportResult<HttpResponse> send(const HttpRequest& request) override {
    requests.push_back(request);
    return response;
  }
  HttpResponse response{200, {{"Content-Type", "application/x-amz-json-1.1"}}, ""};
  std::vector<HttpRequest> requests;
};

// What Config records for a group, as the API sends it: `configuration` as JSON text.
nlohmann::json answer_item() {
  const nlohmann::json configuration = {
      {"groupId", "sg-0123456789abcdef0"},
      {"groupName", "web"},
      {"description", "web servers"},
      {"vpcId", "vpc-0a1b2c3d"},
      {"ownerId", "111122223333"},
      {"ipPermissions",
       {{{"ipProtocol", "tcp"},
         {"fromPort", 22},
         {"toPort", 22},
         {"ipv4Ranges", {{{"cidrIp", "0.0.0.0/0"}, {"description", "ssh from anywhere"}}}},
         {"ipRanges", {"0.0.0.0/0"}},
         {"ipv6Ranges", {{{"cidrIpv6", "::/0"}}}},
         {"prefixListIds", nlohmann::json::array()},
         {"userIdGroupPairs", nlohmann::json::array()}}}},
      {"ipPermissionsEgress",
       {{{"ipProtocol", "-1"},
         {"ipv4Ranges", {{{"cidrIp", "0.0.0.0/0"}}}},
         {"ipRanges", {"0.0.0.0/0"}}}}},
      {"tags", {{{"key", "OwnerDL"}, {"value", "web@example.com"}}}}};
  return {{"version", "1.3"},
          {"accountId", "111122223333"},
          {"configurationItemCaptureTime", 1709633472.345},
          {"configurationItemStatus", "OK"},
          {"configurationStateId", "1709633472345"},
          {"configurationItemMD5Hash", ""},
          {"arn", "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0"},
          {"resourceType", "AWS::EC2::SecurityGroup"},
          {"resourceId", "sg-0123456789abcdef0"},
          {"resourceName", "web"},
          {"awsRegion", "eu-west-1"},
          {"availabilityZone", "Not Applicable"},
          {"tags", {{"OwnerDL", "web@example.com"}}},
          {"relatedEvents", {"5f6a7b8c-1d2e-3f40-9a8b-7c6d5e4f3a2b"}},
          {"relationships", nlohmann::json::array()},
          {"configuration", configuration.dump()},
          {"supplementaryConfiguration", nlohmann::json::object()}};
}

class ConfigClientTest : public ::testing::Test {
 protected:
  EnvLookup env() {
    return [this](const std::string& name) -> std::optional<std::string> {
      if (name == "AWS_ENDPOINT_URL_CONFIG_SERVICE" && !endpoint_.empty()) return endpoint_;
      return std::nullopt;
    };
  }
  void answer(const nlohmann::json& body, int status = 200) {
    transport_.response.status = status;
    transport_.response.body = body.dump();
  }
  Result<std::optional<ConfigItem>> latest() {
    return config_.latest_item(kKeys, *Region::parse("eu-west-1"),
                               *GroupId::parse("sg-0123456789abcdef0"));
  }

  std::string endpoint_ = "http://127.0.0.1:1";
  CannedTransport transport_;
  ManualClock clock_{date::sys_days{date::year{2024} / 3 / 5}};
  RetryPolicy retries_{3, 1};
  std::vector<std::chrono::milliseconds> slept_;
  QueryClient client_{transport_, clock_, env(), retries_,
                      [this](std::chrono::milliseconds d) { slept_.push_back(d); }};
  ConfigClient config_{client_};
};

TEST_F(ConfigClientTest, SendsOneSignedJsonCall) {
  answer({{"configurationItems", {answer_item()}}});
  ASSERT_TRUE(latest());
  ASSERT_EQ(transport_.requests.size(), 1u);
  const HttpRequest& request = transport_.requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "http://127.0.0.1:1/");  // AWS_ENDPOINT_URL_CONFIG_SERVICE
  EXPECT_EQ(request.header("X-Amz-Target"), "StarlingDoveService.GetResourceConfigHistory");
  EXPECT_EQ(request.header("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(nlohmann::json::parse(request.body),
            (nlohmann::json{{"resourceType", "AWS::EC2::SecurityGroup"},
                            {"resourceId", "sg-0123456789abcdef0"},
                            {"limit", 1}}));
  EXPECT_THAT(request.header("Authorization"),
              StartsWith("AWS4-HMAC-SHA256 Credential=AKIDCONFIGTEST000000/20240305/eu-west-1/"
                         "config/aws4_request"));
}

TEST_F(ConfigClientTest, StandardEndpointWithoutConfiguration) {
  endpoint_.clear();
  answer({{"configurationItems", nlohmann::json::array()}});
  ASSERT_TRUE(latest());
  EXPECT_EQ(transport_.requests.at(0).url, "https://config.eu-west-1.amazonaws.com/");
}

TEST_F(ConfigClientTest, ReadsTheNewestItem) {
  answer({{"configurationItems", {answer_item()}}, {"nextToken", "next"}});
  auto item = latest();
  ASSERT_TRUE(item) << item.error().message;
  ASSERT_TRUE(item->has_value());
  const ConfigItem& got = **item;
  EXPECT_EQ(got.account.str(), "111122223333");
  EXPECT_EQ(got.region.str(), "eu-west-1");
  EXPECT_EQ(got.group.str(), "sg-0123456789abcdef0");
  EXPECT_EQ(got.status, "OK");
  EXPECT_EQ(format_utc(got.capture_time), "2024-03-05T10:11:12.345Z");  // epoch seconds
  EXPECT_EQ(got.state_id, "1709633472345");
  EXPECT_EQ(got.version, "1.3");
  EXPECT_THAT(got.related_events, ElementsAre("5f6a7b8c-1d2e-3f40-9a8b-7c6d5e4f3a2b"));
  ASSERT_TRUE(got.content.has_value());
  const Group& group = *got.content;
  EXPECT_EQ(group.name, "web");
  EXPECT_EQ(group.vpc->str(), "vpc-0a1b2c3d");
  EXPECT_EQ(group.tags, (std::map<std::string, std::string>{{"OwnerDL", "web@example.com"}}));
  std::vector<std::string> keys;
  for (const Rule& rule : group.rules) keys.push_back(rule.key_string());
  EXPECT_THAT(keys, ElementsAre("ingress|6|22|22|0.0.0.0/0", "ingress|6|22|22|::/0",
                                "egress|-1|-1|-1|0.0.0.0/0"));
  EXPECT_EQ(group.rules[0].description, "ssh from anywhere");
}

TEST_F(ConfigClientTest, NoItemsIsNone) {
  answer({{"configurationItems", nlohmann::json::array()}});
  auto item = latest();
  ASSERT_TRUE(item) << item.error().message;
  EXPECT_FALSE(item->has_value());
}

TEST_F(ConfigClientTest, ADeletedGroupHasNoContent) {
  nlohmann::json item = answer_item();
  item["configurationItemStatus"] = "ResourceDeleted";
  item["configuration"] = "null";  // the API's text for no configuration
  answer({{"configurationItems", {item}}});
  auto deleted = latest();
  ASSERT_TRUE(deleted) << deleted.error().message;
  ASSERT_TRUE(deleted->has_value());
  EXPECT_TRUE((*deleted)->deleted());
  EXPECT_FALSE((*deleted)->content.has_value());
}

TEST_F(ConfigClientTest, AwsErrorsAreErrors) {
  answer({{"__type", "ResourceNotDiscoveredException"},
          {"message",
           "Resource sg-0123456789abcdef0 of resourceType:AWS::EC2::SecurityGroup "
           "is unknown or has not been discovered"}},
         400);
  auto item = latest();
  ASSERT_FALSE(item);
  EXPECT_THAT(item.error().message,
              StartsWith("the history of sg-0123456789abcdef0: config:GetResourceConfigHistory"));
  EXPECT_THAT(item.error().message, HasSubstr("ResourceNotDiscoveredException"));
  EXPECT_EQ(transport_.requests.size(), 1u);  // not retried
}

TEST_F(ConfigClientTest, BadAnswersNameThePath) {
  const std::string where =
      "config:GetResourceConfigHistory for sg-0123456789abcdef0 in eu-west-1: ";
  transport_.response.body = "<html>";
  auto not_json = latest();
  ASSERT_FALSE(not_json);
  EXPECT_THAT(not_json.error().message, StartsWith(where + "the response is not JSON"));

  answer(nlohmann::json::object());
  EXPECT_EQ(latest().error().message, where + "the response has no configurationItems");

  nlohmann::json broken = answer_item();
  broken["configuration"] = "{\"groupId\": ";
  answer({{"configurationItems", {broken}}});
  EXPECT_THAT(latest().error().message,
              StartsWith(where + "configurationItems[0].configuration: the string is not JSON"));

  nlohmann::json no_group = answer_item();
  nlohmann::json configuration =
      nlohmann::json::parse(no_group["configuration"].get<std::string>());
  configuration.erase("groupId");
  no_group["configuration"] = configuration.dump();
  answer({{"configurationItems", {no_group}}});
  EXPECT_EQ(latest().error().message,
            where + "configurationItems[0].configuration.groupId: missing");

  nlohmann::json no_account = answer_item();
  no_account.erase("accountId");
  answer({{"configurationItems", {no_account}}});
  EXPECT_EQ(latest().error().message,
            where + "configurationItems[0]: has neither awsAccountId nor accountId");

  nlohmann::json other = answer_item();
  other["resourceId"] = "sg-0fedcba9876543210";
  answer({{"configurationItems", {other}}});
  EXPECT_EQ(latest().error().message,
            where +
                "configurationItems[0].configuration.groupId: 'sg-0123456789abcdef0' is not "
                "the item's resourceId 'sg-0fedcba9876543210'");

  nlohmann::json instance = answer_item();
  instance["resourceType"] = "AWS::EC2::Instance";
  answer({{"configurationItems", {instance}}});
  EXPECT_EQ(latest().error().message,
            where +
                "configurationItems[0].resourceType: expected AWS::EC2::SecurityGroup, got "
                "'AWS::EC2::Instance'");
}

TEST(ConfigHistoryAnswer, AnotherGroupsItemIsAnError) {
  nlohmann::json item = answer_item();
  item["resourceId"] = "sg-0fedcba9876543210";
  nlohmann::json configuration = nlohmann::json::parse(item["configuration"].get<std::string>());
  configuration["groupId"] = "sg-0fedcba9876543210";
  item["configuration"] = configuration.dump();
  const std::string body = nlohmann::json{{"configurationItems", {item}}}.dump();
  auto parsed = parse_resource_config_history(body);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ((*parsed)->group.str(), "sg-0fedcba9876543210");

  CannedTransport transport;
  transport.response.body = body;
  ManualClock clock{date::sys_days{date::year{2024} / 3 / 5}};
  RetryPolicy retries{1, 1};
  QueryClient client{transport, clock, [](const std::string&) { return std::nullopt; }, retries,
                     [](std::chrono::milliseconds) {}};
  ConfigClient config{client};
  auto latest = config.latest_item(kKeys, *Region::parse("eu-west-1"),
                                   *GroupId::parse("sg-0123456789abcdef0"));
  ASSERT_FALSE(latest);
  EXPECT_EQ(latest.error().message,
            "config:GetResourceConfigHistory for sg-0123456789abcdef0 in eu-west-1: the answer is "
            "about sg-0fedcba9876543210");
}

}  // namespace
}  // namespace sgwatch::config_client_test
