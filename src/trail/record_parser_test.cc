#include "trail/record_parser.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace sgwatch::record_parser_test {
namespace {

// Parses `json` as one record; the parser lives as long as the test needs the element.
Result<ApiCall> parse(const std::string& json, size_t index = 0,
                      RecordDetail detail = RecordDetail::kFull) {
  static simdjson::dom::parser parser;
  simdjson::dom::element element;
  EXPECT_EQ(parser.parse(json).get(element), simdjson::SUCCESS) << json;
  return parse_record(element, index, detail);
}

// A record in CloudTrail's shape, as a console user in account 111122223333 made it.
std::string record(const std::string& name, const std::string& params,
                   const std::string& response = "null", const std::string& extra = "") {
  return R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE",
    "arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333",
    "accessKeyId":"AKIAEXAMPLE","userName":"alice"},
    "eventTime":"2024-05-01T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":")" +
         name + R"(","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.7",
    "userAgent":"aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64 command/ec2.x",
    "requestParameters":)" +
         params + R"(,"responseElements":)" + response + extra +
         R"(,"requestID":"req-1","eventID":"ev-)" + name +
         R"(","eventType":"AwsApiCall","recipientAccountId":"111122223333"})";
}

const char kGroup[] = "sg-0123456789abcdef0";

std::string permissions(const std::string& items) {
  return std::string(R"({"groupId":")") + kGroup + R"(","ipPermissions":{"items":[)" + items +
         "]}}";
}

std::vector<std::string> summaries(const GroupEffect& effect) {
  std::vector<std::string> out;
  for (const Rule& rule : effect.rules) out.push_back(rule.summary());
  return out;
}

// ---- the real records ----

class PantherRecords : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in(std::string(SGWATCH_TEST_DATA_DIR) +
                     "/cloudtrail/panther-analysis/panther_sg_events.Records.json");
    std::stringstream text;
    text << in.rdbuf();
    json_ = text.str();
    ASSERT_EQ(parser_.parse(json_).get(root_), simdjson::SUCCESS);
    simdjson::dom::array list;
    ASSERT_EQ(root_["Records"].get_array().get(list), simdjson::SUCCESS);
    size_t index = 0;
    for (simdjson::dom::element item : list) calls_.push_back(parse_record(item, index++));
    ASSERT_EQ(calls_.size(), 11u);
  }
  std::string json_;
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
  std::vector<Result<ApiCall>> calls_;
};

TEST_F(PantherRecords, ConsoleIngressWithStringPortsAndLowercasedIdentity) {
  ASSERT_TRUE(calls_[0]) << calls_[0].error().message;
  const ApiCall& call = *calls_[0];
  EXPECT_EQ(call.event_name, "AuthorizeSecurityGroupIngress");
  EXPECT_EQ(call.event_id, "504b492f-7832-406b-a4fd-45a13e48adc4");
  // The "2021-01-24 04:55:45.000" form some tools write.
  EXPECT_EQ(format_utc(call.event_time), "2021-01-24T04:55:45Z");
  EXPECT_EQ(call.account->str(), "112233445566");
  EXPECT_EQ(call.region->str(), "us-west-2");
  EXPECT_EQ(call.agent, AgentClass::kConsole);
  EXPECT_FALSE(call.attempt());
  // userIdentity's keys are lower-cased in this record.
  EXPECT_EQ(call.actor.type, "AssumedRole");
  EXPECT_EQ(call.actor.principal_id, "ARORJ4ULULLE0EEJAAKDO:alan");
  EXPECT_EQ(call.actor.account_id, "112233445566");
  EXPECT_EQ(call.actor.access_key_id, "ASIASWJRT64Z7ZLFLJNI");
  EXPECT_EQ(call.actor.user_name, "alan");
  EXPECT_EQ(call.actor.session_issuer_arn, "arn:aws:iam::112233445566:role/TestAdmin");
  EXPECT_EQ(call.actor.session_issuer_name, "TestAdmin");
  ASSERT_EQ(call.effects.size(), 1u);
  EXPECT_EQ(call.effects[0].group.str(), "sg-04f0b44316f7d2471");
  // Ports "443" as strings; 0.0.0.0/16 is already its network address.
  EXPECT_EQ(summaries(call.effects[0]),
            std::vector<std::string>{"ingress tcp/443 from 0.0.0.0/16"});
  EXPECT_TRUE(is_security_group_call(call));
}

TEST_F(PantherRecords, TerraformCreateAndEgress) {
  ASSERT_TRUE(calls_[1]) << calls_[1].error().message;
  const ApiCall& create = *calls_[1];
  EXPECT_EQ(create.event_name, "CreateSecurityGroup");
  EXPECT_EQ(create.agent, AgentClass::kTerraform);
  EXPECT_EQ(create.group_name, "prod-webapp-webserver-security");
  EXPECT_EQ(create.group_description, "prod-webapp-webserver Security SG");
  EXPECT_EQ(create.vpc->str(), "vpc-a1a044c7");
  ASSERT_EQ(create.effects.size(), 1u);
  EXPECT_EQ(create.effects[0].group.str(), "sg-04d018d184a18f647");
  EXPECT_EQ(create.actor.user_name, "ryan@example.com");
  EXPECT_TRUE(is_security_group_call(create));

  for (size_t i : {2u, 9u}) {
    ASSERT_TRUE(calls_[i]) << calls_[i].error().message;
    EXPECT_EQ(calls_[i]->event_name, "AuthorizeSecurityGroupEgress");
    EXPECT_EQ(calls_[i]->agent, AgentClass::kTerraform);
    ASSERT_EQ(calls_[i]->effects.size(), 1u);
    ASSERT_EQ(calls_[i]->effects[0].rules.size(), 1u);
    const Rule& rule = calls_[i]->effects[0].rules[0];
    EXPECT_EQ(rule.summary(), "egress all traffic to 0.0.0.0/0");
    EXPECT_EQ(rule.description.substr(0, 24), "Allow egress to the inte");
  }
}

TEST_F(PantherRecords, SdkIngress) {
  ASSERT_TRUE(calls_[3]) << calls_[3].error().message;
  EXPECT_EQ(calls_[3]->agent, AgentClass::kSdk);
  EXPECT_EQ(summaries(calls_[3]->effects[0]),
            std::vector<std::string>{"ingress tcp/22 from 0.0.0.0/0"});
}

TEST_F(PantherRecords, FailedCallsAreAttemptsWithTheirCodes) {
  ASSERT_TRUE(calls_[4]) << calls_[4].error().message;
  EXPECT_TRUE(calls_[4]->attempt());
  EXPECT_EQ(calls_[4]->error_code, "UnauthorizedOperation");
  EXPECT_EQ(calls_[4]->effects.size(), 1u);
  EXPECT_TRUE(is_security_group_call(*calls_[4]));
  // "sg-1" is no group id: a failed call keeps it as a note, not as an effect.
  for (size_t i : {6u, 8u}) {
    ASSERT_TRUE(calls_[i]) << calls_[i].error().message;
    EXPECT_TRUE(calls_[i]->attempt());
    EXPECT_EQ(calls_[i]->error_code, "RequestExpired");
    EXPECT_TRUE(calls_[i]->effects.empty());
    ASSERT_EQ(calls_[i]->notes.size(), 1u);
    EXPECT_NE(calls_[i]->notes[0].find("requestParameters.groupId: 'sg-1'"), std::string::npos)
        << calls_[i]->notes[0];
    EXPECT_TRUE(is_security_group_call(*calls_[i]));
  }
}

TEST_F(PantherRecords, SucceededCallsWithAnInvalidGroupIdAreErrors) {
  for (size_t i : {5u, 7u, 10u}) {
    ASSERT_FALSE(calls_[i]);
    EXPECT_EQ(calls_[i].error().message,
              "record " + std::to_string(i) +
                  " (eventID 1): requestParameters.groupId: 'sg-1' is not a valid security "
                  "group id (sg- and 8 or 17 hex digits)");
  }
}

// ---- agents ----

TEST(AgentClass, FromUserAgentAndInvokedBy) {
  struct Case {
    const char* agent;
    const char* invoked_by;
    AgentClass expected;
  };
  const Case cases[] = {
      {"console.amazonaws.com", "", AgentClass::kConsole},
      {"console.ec2.amazonaws.com", "", AgentClass::kConsole},
      {"signin.amazonaws.com", "", AgentClass::kConsole},
      {"AWS Internal", "", AgentClass::kConsole},
      {"aws-cli/2.15.0 Python/3.11.6 Linux/6.1 botocore/2.4.5", "", AgentClass::kAwsCli},
      {"aws-cli/1.18.69 Python/2.7.18 botocore/1.16.19", "", AgentClass::kAwsCli},
      {"aws-sdk-go/1.29.7 (go1.13.7; darwin; amd64) APN/1.0 HashiCorp/1.0 Terraform/0.12.24",
       "", AgentClass::kTerraform},
      {"APN/1.0 HashiCorp/1.0 Terraform/1.5.7 (+https://www.terraform.io) "
       "terraform-provider-aws/5.31.0 aws-sdk-go-v2/1.24.0",
       "", AgentClass::kTerraform},
      {"cloudformation.amazonaws.com", "", AgentClass::kCloudFormation},
      {"autoscaling.amazonaws.com", "", AgentClass::kAwsService},
      {"Boto3/1.28.0 Python/3.11 Linux/5.10 Botocore/1.31.0", "lambda.amazonaws.com",
       AgentClass::kAwsService},
      {"aws-sdk-go/1.24.1 (go1.14; darwin; amd64)", "", AgentClass::kSdk},
      {"aws-sdk-java/1.12.500 Linux/5.10 OpenJDK_64-Bit_Server_VM", "", AgentClass::kSdk},
      {"Boto3/1.28.0 Python/3.11 Linux/5.10 Botocore/1.31.0", "", AgentClass::kSdk},
      {"botocore/1.31.0 Python/3.11", "", AgentClass::kSdk},
      {"aws-internal/3 aws-sdk-java/1.11", "", AgentClass::kSdk},
      {"curl/8.0", "", AgentClass::kOther},
      {"", "", AgentClass::kOther},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(to_string(classify_agent(c.agent, c.invoked_by)), to_string(c.expected))
        << c.agent << " / " << c.invoked_by;
  }
}

// ---- every kind of call, in CloudTrail's shape ----

TEST(RecordParser, RevokeEgressWithEveryPeerKind) {
  auto call = parse(record("RevokeSecurityGroupEgress", permissions(R"(
    {"ipProtocol":"6","fromPort":5432,"toPort":5432,
     "ipRanges":{"items":[{"cidrIp":"10.1.2.3/16","description":"db"}]},
     "ipv6Ranges":{"items":[{"cidrIpv6":"2001:db8::/32"}]},
     "prefixListIds":{"items":[{"prefixListId":"pl-0123456789abcdef0"}]},
     "groups":{"items":[{"groupId":"sg-0fedcba9876543210","userId":"444455556666",
                         "vpcId":"vpc-0123456789abcdef0","description":"peer"}]}},
    {"ipProtocol":"icmp","fromPort":"8","toPort":"-1",
     "ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}})")));
  ASSERT_TRUE(call) << call.error().message;
  ASSERT_EQ(call->effects.size(), 1u);
  EXPECT_EQ(summaries(call->effects[0]),
            (std::vector<std::string>{
                "egress tcp/5432 to 10.1.0.0/16", "egress tcp/5432 to 2001:db8::/32",
                "egress tcp/5432 to prefix list pl-0123456789abcdef0",
                call->effects[0].rules[3].summary(),
                "egress icmp type 8 (all codes) to 0.0.0.0/0"}))
      << call->effects[0].rules[3].summary();
  const auto& ref = std::get<GroupRef>(call->effects[0].rules[3].peer);
  EXPECT_EQ(ref.group.str(), "sg-0fedcba9876543210");
  EXPECT_EQ(ref.user->str(), "444455556666");
  EXPECT_EQ(call->effects[0].rules[0].description, "db");
  EXPECT_EQ(call->agent, AgentClass::kAwsCli);
  EXPECT_EQ(call->actor.user_name, "alice");
}

TEST(RecordParser, RevokeIngress) {
  auto call = parse(record("RevokeSecurityGroupIngress", permissions(R"(
    {"ipProtocol":"udp","fromPort":53,"toPort":53,
     "ipRanges":{"items":[{"cidrIp":"192.0.2.0/24"}]}})")));
  ASSERT_TRUE(call) << call.error().message;
  EXPECT_EQ(summaries(call->effects[0]),
            std::vector<std::string>{"ingress udp/53 from 192.0.2.0/24"});
}

TEST(RecordParser, AnyHostBitsWithPrefixZeroIsTheWorld) {
  auto call = parse(record("AuthorizeSecurityGroupIngress", permissions(R"(
    {"ipProtocol":"tcp","fromPort":3389,"toPort":3389,
     "ipRanges":{"items":[{"cidrIp":"208.236.235.254/0"}]}})")));
  ASSERT_TRUE(call) << call.error().message;
  ASSERT_EQ(call->effects[0].rules.size(), 1u);
  EXPECT_TRUE(is_world(call->effects[0].rules[0].peer));
  EXPECT_EQ(call->effects[0].rules[0].summary(), "ingress tcp/3389 from 0.0.0.0/0");
}

TEST(RecordParser, OlderTopLevelForm) {
  auto call = parse(record("AuthorizeSecurityGroupIngress", std::string(R"({"groupId":")") +
                                                                kGroup + R"(","ipProtocol":"tcp",
      "fromPort":22,"toPort":"22","cidrIp":"203.0.113.9/32"})"));
  ASSERT_TRUE(call) << call.error().message;
  EXPECT_EQ(summaries(call->effects[0]),
            std::vector<std::string>{"ingress tcp/22 from 203.0.113.9/32"});

  auto by_name = parse(record("AuthorizeSecurityGroupIngress", R"({"groupName":"web",
      "sourceSecurityGroupName":"lb","sourceSecurityGroupOwnerId":"111122223333"})"));
  ASSERT_TRUE(by_name) << by_name.error().message;
  EXPECT_TRUE(by_name->effects.empty());
  EXPECT_EQ(by_name->group_name, "web");
  ASSERT_EQ(by_name->notes.size(), 1u);
  EXPECT_NE(by_name->notes[0].find("'lb' of account 111122223333"), std::string::npos);
  EXPECT_TRUE(is_security_group_call(*by_name));

  auto bad = parse(record("AuthorizeSecurityGroupIngress", std::string(R"({"groupId":")") +
                                                               kGroup + R"(","ipProtocol":"tcp",
      "fromPort":22,"toPort":22,"cidrIp":"203.0.113.9"})"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("requestParameters.cidrIp: '203.0.113.9'"),
            std::string::npos)
      << bad.error().message;
}

TEST(RecordParser, ResponseRuleSetGivesRuleIds) {
  auto call = parse(record(
      "AuthorizeSecurityGroupIngress", permissions(R"(
    {"ipProtocol":"tcp","fromPort":443,"toPort":443,
     "ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}})"),
      std::string(R"({"requestId":"r","_return":true,"securityGroupRuleSet":{"items":[
        {"groupOwnerId":"111122223333","groupId":")") +
          kGroup + R"(","securityGroupRuleId":"sgr-0aaaaaaaaaaaaaaaa",
         "isEgress":false,"ipProtocol":"tcp","fromPort":443,"toPort":443,
         "cidrIpv4":"0.0.0.0/0"}]}})"));
  ASSERT_TRUE(call) << call.error().message;
  ASSERT_EQ(call->effects.size(), 1u);
  const GroupEffect& effect = call->effects[0];
  ASSERT_EQ(effect.rules.size(), 1u);
  EXPECT_EQ(effect.rules[0].id->str(), "sgr-0aaaaaaaaaaaaaaaa");
  ASSERT_EQ(effect.rule_ids.size(), 1u);
  EXPECT_EQ(effect.rule_ids[0].str(), "sgr-0aaaaaaaaaaaaaaaa");

  // Only the response lists the rules: they are the call's rules.
  auto response_only = parse(record(
      "AuthorizeSecurityGroupEgress", std::string(R"({"groupId":")") + kGroup + R"("})",
      std::string(R"({"securityGroupRuleSet":{"items":[{"groupId":")") + kGroup +
          R"(","securityGroupRuleId":"sgr-0bbbbbbbbbbbbbbbb","isEgress":true,"ipProtocol":"-1",
          "fromPort":-1,"toPort":-1,"referencedGroupInfo":{"groupId":"sg-0fedcba9876543210",
          "userId":"111122223333"},"description":"to app"}]}})"));
  ASSERT_TRUE(response_only) << response_only.error().message;
  ASSERT_EQ(response_only->effects[0].rules.size(), 1u);
  const Rule& rule = response_only->effects[0].rules[0];
  EXPECT_EQ(rule.direction, Direction::kEgress);
  EXPECT_EQ(rule.description, "to app");
  EXPECT_EQ(rule.id->str(), "sgr-0bbbbbbbbbbbbbbbb");
}

TEST(RecordParser, ModifySecurityGroupRulesPascalCase) {
  auto single = parse(record("ModifySecurityGroupRules", std::string(R"({
    "ModifySecurityGroupRulesRequest":{"GroupId":")") + kGroup + R"(",
      "SecurityGroupRule":{"SecurityGroupRuleId":"sgr-0ccccccccccccccccc",
        "SecurityGroupRule":{"Description":"ssh","IpProtocol":"TCP","FromPort":22,"ToPort":22,
                             "CidrIpv4":"198.51.100.0/24"},"tag":1}}})"));
  // sgr- with 18 hex digits is not an id: the whole record is an error.
  ASSERT_FALSE(single);
  EXPECT_NE(single.error().message.find(
                "requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule."
                "SecurityGroupRuleId: 'sgr-0ccccccccccccccccc'"),
            std::string::npos)
      << single.error().message;

  auto list = parse(record("ModifySecurityGroupRules", std::string(R"({
    "ModifySecurityGroupRulesRequest":{"GroupId":[")") + kGroup + R"("],
      "SecurityGroupRule":[
        {"SecurityGroupRuleId":"sgr-0cccccccccccccccc","tag":1,
         "SecurityGroupRule":{"Description":"ssh","IpProtocol":"tcp","FromPort":"22","ToPort":"22",
                              "CidrIpv4":"198.51.100.0/24"}},
        {"SecurityGroupRuleId":{"content":"sgr-0dddddddddddddddd"},"tag":2,
         "SecurityGroupRule":{"IpProtocol":"-1","ReferencedGroupId":"sg-0fedcba9876543210"}}]}})"));
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->effects.size(), 1u);
  const GroupEffect& effect = list->effects[0];
  ASSERT_EQ(effect.rule_ids.size(), 2u);
  EXPECT_EQ(effect.rule_ids[1].str(), "sgr-0dddddddddddddddd");
  EXPECT_EQ(summaries(effect),
            (std::vector<std::string>{"ingress tcp/22 from 198.51.100.0/24",
                                      "ingress all traffic from sg-0fedcba9876543210"}));
  EXPECT_EQ(effect.rules[0].description, "ssh");
  EXPECT_EQ(effect.rules[0].id->str(), "sgr-0cccccccccccccccc");
  EXPECT_TRUE(is_security_group_call(*list));
}

TEST(RecordParser, UpdateRuleDescriptions) {
  auto by_permission = parse(record("UpdateSecurityGroupRuleDescriptionsIngress", permissions(R"(
    {"ipProtocol":"tcp","fromPort":80,"toPort":80,
     "ipRanges":{"items":[{"cidrIp":"0.0.0.0/0","description":"web"}]}})")));
  ASSERT_TRUE(by_permission) << by_permission.error().message;
  ASSERT_EQ(by_permission->effects[0].rules.size(), 1u);
  EXPECT_EQ(by_permission->effects[0].rules[0].description, "web");

  auto by_id = parse(record("UpdateSecurityGroupRuleDescriptionsEgress",
                            std::string(R"({"groupId":")") + kGroup +
                                R"(","securityGroupRuleDescriptions":{"items":[
      {"securityGroupRuleId":"sgr-0eeeeeeeeeeeeeeee","description":"to db"}]}})"));
  ASSERT_TRUE(by_id) << by_id.error().message;
  const GroupEffect& effect = by_id->effects[0];
  ASSERT_EQ(effect.id_descriptions.size(), 1u);
  EXPECT_EQ(effect.id_descriptions[0].description, "to db");
  EXPECT_EQ(effect.rule_ids[0].str(), "sgr-0eeeeeeeeeeeeeeee");
}

TEST(RecordParser, CreateAndDeleteSecurityGroup) {
  auto created = parse(record("CreateSecurityGroup",
                              R"({"groupName":"web","groupDescription":"Web tier",
      "vpcId":"vpc-0123456789abcdef0"})",
                              std::string(R"({"_return":true,"groupId":")") + kGroup + R"("})"));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->effects[0].group.str(), kGroup);
  EXPECT_EQ(created->group_name, "web");

  auto failed = parse(record("CreateSecurityGroup", R"({"groupName":"web","groupDescription":"x"})",
                             "null", R"(,"errorCode":"Client.UnauthorizedOperation",
      "errorMessage":"You are not authorized to perform this operation.")"));
  ASSERT_TRUE(failed) << failed.error().message;
  EXPECT_TRUE(failed->attempt());
  EXPECT_TRUE(failed->effects.empty());
  EXPECT_TRUE(is_security_group_call(*failed));

  auto deleted =
      parse(record("DeleteSecurityGroup", std::string(R"({"groupId":")") + kGroup + "\"}"));
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(deleted->effects[0].group.str(), kGroup);

  auto by_name = parse(record("DeleteSecurityGroup", R"({"groupName":"classic-web"})"));
  ASSERT_TRUE(by_name) << by_name.error().message;
  EXPECT_TRUE(by_name->effects.empty());
  EXPECT_EQ(by_name->group_name, "classic-web");
  EXPECT_TRUE(is_security_group_call(*by_name));
}

TEST(RecordParser, TagsOnGroupsRulesAndInstances) {
  auto created = parse(record("CreateTags", std::string(R"({"resourcesSet":{"items":[
      {"resourceId":")") + kGroup + R"("},{"resourceId":"sgr-0aaaaaaaaaaaaaaaa"},
      {"resourceId":"i-0123456789abcdef0"}]},
      "tagSet":{"items":[{"key":"NotifyOnChange","value":"team@example.com"}]}})"));
  ASSERT_TRUE(created) << created.error().message;
  ASSERT_EQ(created->effects.size(), 1u);
  ASSERT_EQ(created->effects[0].tags.size(), 1u);
  EXPECT_EQ(created->effects[0].tags[0].key, "NotifyOnChange");
  EXPECT_FALSE(created->effects[0].tags[0].before);
  EXPECT_EQ(*created->effects[0].tags[0].after, "team@example.com");
  ASSERT_EQ(created->tagged_rules.size(), 1u);
  EXPECT_EQ(created->tagged_rules[0].str(), "sgr-0aaaaaaaaaaaaaaaa");
  EXPECT_EQ(created->rule_tags.size(), 1u);
  EXPECT_TRUE(is_security_group_call(*created));

  auto deleted = parse(record("DeleteTags", R"({"resourcesSet":{"items":[
      {"resourceId":"sgr-0aaaaaaaaaaaaaaaa"}]},
      "tagSet":{"items":[{"key":"Owner","value":"bob"},{"key":"Stage"}]}})"));
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_TRUE(deleted->effects.empty());
  ASSERT_EQ(deleted->rule_tags.size(), 2u);
  EXPECT_EQ(*deleted->rule_tags[0].before, "bob");
  EXPECT_FALSE(deleted->rule_tags[0].after);
  EXPECT_FALSE(deleted->rule_tags[1].before);
  EXPECT_TRUE(is_security_group_call(*deleted));

  auto instance = parse(record("CreateTags", R"({"resourcesSet":{"items":[
      {"resourceId":"i-0123456789abcdef0"}]},"tagSet":{"items":[{"key":"Name","value":"web"}]}})"));
  ASSERT_TRUE(instance) << instance.error().message;
  EXPECT_TRUE(instance->effects.empty());
  EXPECT_FALSE(is_security_group_call(*instance));
}

TEST(RecordParser, VpcAssociation) {
  for (const char* name : {"AssociateSecurityGroupVpc", "DisassociateSecurityGroupVpc"}) {
    auto call = parse(record(name, std::string(R"({"GroupId":")") + kGroup +
                                       R"(","VpcId":"vpc-0123456789abcdef0"})"));
    ASSERT_TRUE(call) << call.error().message;
    ASSERT_EQ(call->effects.size(), 1u);
    EXPECT_EQ(call->vpc->str(), "vpc-0123456789abcdef0");
    EXPECT_TRUE(is_security_group_call(*call));
  }
  auto lower = parse(record("AssociateSecurityGroupVpc",
                            std::string(R"({"groupId":")") + kGroup +
                                R"(","vpcId":"vpc-0123456789abcdef0"})"));
  ASSERT_TRUE(lower) << lower.error().message;
  EXPECT_EQ(lower->effects.size(), 1u);
}

TEST(RecordParser, OtherCallsAreNotSecurityGroupCalls) {
  auto call = parse(record("RunInstances", R"({"instanceType":"t3.micro"})"));
  ASSERT_TRUE(call) << call.error().message;
  EXPECT_FALSE(is_security_group_call(*call));
  auto s3 = parse(R"({"eventID":"x","eventTime":"2024-01-01T00:00:00Z","eventName":"CreateTags",
                      "eventSource":"s3.amazonaws.com","recipientAccountId":"ACCOUNT_ID"})",
                  3, RecordDetail::kSecurityGroupCalls);
  ASSERT_TRUE(s3) << s3.error().message;  // the placeholder account is not looked at
  EXPECT_FALSE(is_security_group_call(*s3));
  auto full = parse(R"({"eventID":"x","eventTime":"2024-01-01T00:00:00Z","eventName":"CreateTags",
                        "eventSource":"s3.amazonaws.com","recipientAccountId":"ACCOUNT_ID"})",
                    3);
  ASSERT_FALSE(full);
  EXPECT_NE(full.error().message.find("record 3 (eventID x): recipientAccountId: 'ACCOUNT_ID'"),
            std::string::npos)
      << full.error().message;
}

// ---- malformed records ----

TEST(RecordParser, MalformedRecordsNameTheField) {
  struct Case {
    std::string json;
    std::string message;
  };
  const std::string bad_port = record("AuthorizeSecurityGroupIngress", permissions(R"(
    {"ipProtocol":"tcp","fromPort":"abc","toPort":22,
     "ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}})"));
  const std::string bad_cidr = record("AuthorizeSecurityGroupIngress", permissions(R"(
    {"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[
     {"cidrIp":"0.0.0.0/0"},{"cidrIp":"300.1.1.1/8"}]}})"));
  const std::string bad_protocol = record("RevokeSecurityGroupIngress", permissions(R"(
    {"ipProtocol":"tcpx","fromPort":22,"toPort":22,
     "ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}})"));
  const std::string wrong_list = record("AuthorizeSecurityGroupIngress", permissions(R"(
    {"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":"0.0.0.0/0"}})"));
  const Case cases[] = {
      {bad_port,
       "record 12 (eventID ev-AuthorizeSecurityGroupIngress): "
       "requestParameters.ipPermissions.items[0].fromPort: 'abc' is not a port"},
      {bad_cidr,
       "record 12 (eventID ev-AuthorizeSecurityGroupIngress): "
       "requestParameters.ipPermissions.items[0].ipRanges.items[1].cidrIp: "},
      {bad_protocol,
       "record 12 (eventID ev-RevokeSecurityGroupIngress): "
       "requestParameters.ipPermissions.items[0].ipProtocol: "},
      {wrong_list,
       "record 12 (eventID ev-AuthorizeSecurityGroupIngress): "
       "requestParameters.ipPermissions.items[0].ipRanges.items: expected an array, got string"},
      {R"({"eventTime":"2024-01-01T00:00:00Z","eventName":"X"})", "record 12: eventID: missing"},
      {R"({"eventID":"e1","eventName":"X"})", "record 12 (eventID e1): eventTime: missing"},
      {R"({"eventID":"e1","eventTime":"yesterday","eventName":"X"})",
       "record 12 (eventID e1): eventTime: "},
      {R"({"eventID":"e1","eventTime":"2024-01-01T00:00:00Z"})",
       "record 12 (eventID e1): eventName: missing"},
      {R"({"eventID":7})", "record 12: eventID: expected a string, got integer"},
      {R"([1,2])", "record 12: expected an object, got array"},
      {R"({"eventID":"e1","eventTime":"2024-01-01T00:00:00Z","eventName":"X","awsRegion":"..."})",
       "record 12 (eventID e1): awsRegion: '...' is not a valid AWS region"},
  };
  for (const Case& c : cases) {
    auto call = parse(c.json, 12);
    ASSERT_FALSE(call) << c.json;
    EXPECT_EQ(call.error().message.substr(0, c.message.size()), c.message) << call.error().message;
  }
}

TEST(RecordParser, UnknownKeysAndNullsAreIgnored) {
  auto call = parse(R"({"eventID":"e1","eventTime":"2024-01-01T00:00:00Z",
      "eventName":"DeleteSecurityGroup","eventSource":"ec2.amazonaws.com","awsRegion":null,
      "requestParameters":{"groupId":"sg-0123456789abcdef0","extra":[1,2]},
      "userIdentity":null,"additionalEventData":{"x":1}})");
  ASSERT_TRUE(call) << call.error().message;
  EXPECT_FALSE(call->region);
  EXPECT_EQ(call->effects.size(), 1u);
}

}  // namespace
}  // namespace sgwatch::record_parser_test
