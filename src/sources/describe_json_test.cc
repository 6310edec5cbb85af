#include "sources/describe_json.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sgwatch::describe_json_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string read_data(const std::string& name) {
  const std::string path = std::string(SGWATCH_TEST_DATA_DIR) + "/ec2/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Rule identities as text ("ingress|6|22|22|0.0.0.0/0"): compact and exact.
std::vector<std::string> keys(const std::vector<Rule>& rules) {
  std::vector<std::string> out;
  for (const Rule& rule : rules) out.push_back(rule.key_string());
  return out;
}

const Group* find(const std::vector<Group>& groups, const std::string& id) {
  for (const Group& group : groups) {
    if (group.id.str() == id) return &group;
  }
  return nullptr;
}

std::string group_json(const std::string& id, const std::string& more = "") {
  return R"({"GroupId":")" + id +
         R"(","GroupName":"web","Description":"web servers","OwnerId":"123456789012")" +
         (more.empty() ? "" : "," + more) + "}";
}

std::string groups_doc(const std::vector<std::string>& groups) {
  std::string out = R"({"SecurityGroups":[)";
  for (size_t i = 0; i < groups.size(); ++i) out += (i ? "," : "") + groups[i];
  return out + "]}";
}

// ---- DescribeSecurityGroups: real and documented samples ----

TEST(DescribeSecurityGroups, BotocoreSampleParsesAllGroups) {
  auto groups = parse_describe_security_groups(
      read_data("response_parsing__xml__responses__ec2-describe-security-groups.json"),
      "botocore.json");
  ASSERT_TRUE(groups) << groups.error().message;
  ASSERT_EQ(groups->size(), 5u);
  std::vector<std::string> ids;
  for (const Group& group : *groups) ids.push_back(group.id.str());
  EXPECT_THAT(ids, ElementsAre("sg-68d8a958", "sg-72334242", "sg-4e970e7e", "sg-eab831da",
                               "sg-97b1aefb"));
  for (const Group& group : *groups) {
    EXPECT_EQ(group.owner.str(), "123456789012");
    EXPECT_THAT(group.tags, IsEmpty());
  }

  const Group* quicklaunch = find(*groups, "sg-68d8a958");
  EXPECT_EQ(quicklaunch->name, "quicklaunch-0");
  EXPECT_EQ(quicklaunch->description, "quicklaunch-0");
  EXPECT_FALSE(quicklaunch->vpc.has_value());
  EXPECT_THAT(keys(quicklaunch->rules), ElementsAre("ingress|6|22|22|0.0.0.0/0"));

  const Group* notebook = find(*groups, "sg-4e970e7e");
  EXPECT_EQ(notebook->name, "notebook");
  EXPECT_EQ(notebook->description, "For iPython notebook.");
  EXPECT_THAT(keys(notebook->rules),
              ElementsAre("ingress|6|22|22|0.0.0.0/0", "ingress|6|443|443|0.0.0.0/0",
                          "ingress|6|8888|8888|0.0.0.0/0"));

  // Canonical order sorts by protocol number: icmp (1), tcp (6), udp (17).
  const Group* classic_default = find(*groups, "sg-eab831da");
  EXPECT_FALSE(classic_default->vpc.has_value());
  EXPECT_THAT(keys(classic_default->rules),
              ElementsAre("ingress|1|-1|-1|sg-eab831da/123456789012//",
                          "ingress|6|0|65535|sg-eab831da/123456789012//",
                          "ingress|17|0|65535|sg-eab831da/123456789012//"));
  const auto& ref = std::get<GroupRef>(classic_default->rules[0].peer);
  EXPECT_EQ(ref.group.str(), "sg-eab831da");
  ASSERT_TRUE(ref.user.has_value());
  EXPECT_EQ(ref.user->str(), "123456789012");
  EXPECT_TRUE(classic_default->rules[0].protocol.is_icmp());

  const Group* vpc_default = find(*groups, "sg-97b1aefb");
  ASSERT_TRUE(vpc_default->vpc.has_value());
  EXPECT_EQ(vpc_default->vpc->str(), "vpc-8d2910e4");
  EXPECT_THAT(keys(vpc_default->rules),
              ElementsAre("ingress|-1|-1|-1|sg-97b1aefb/123456789012//",
                          "egress|-1|-1|-1|0.0.0.0/0"));
  EXPECT_TRUE(is_world(vpc_default->rules[1].peer));
  for (const Rule& rule : vpc_default->rules) EXPECT_FALSE(rule.id.has_value());
}

TEST(DescribeSecurityGroups, AwscliExampleParses) {
  auto groups = parse_describe_security_groups(
      read_data("awscli-describe-security-groups-example1.json"), "example.json");
  ASSERT_TRUE(groups) << groups.error().message;
  ASSERT_EQ(groups->size(), 1u);
  const Group& group = groups->front();
  EXPECT_EQ(group.id.str(), "sg-903004f8");
  EXPECT_EQ(group.name, "MySecurityGroup");
  EXPECT_EQ(group.description, "My security group");
  ASSERT_TRUE(group.vpc.has_value());
  EXPECT_EQ(group.vpc->str(), "vpc-1a2b3c4d");
  EXPECT_EQ(group.owner.str(), "123456789012");
  EXPECT_EQ(group.tags, (std::map<std::string, std::string>{{"Name", "SG1"}}));
  EXPECT_THAT(keys(group.rules),
              ElementsAre("ingress|-1|-1|-1|sg-903004f8/123456789012//",
                          "ingress|6|22|22|203.0.113.0/24", "egress|-1|-1|-1|0.0.0.0/0"));
  EXPECT_EQ(group.rules[0].description, "");
  EXPECT_EQ(group.rules[1].description, "Access from NY office");
  EXPECT_EQ(group.rules[2].direction, Direction::kEgress);
}

TEST(DescribeSecurityGroups, AwscliExampleAsPrintedIsMalformed) {
  // The documented output has a trailing comma after the last member; strict JSON says no.
  auto groups = parse_describe_security_groups(
      read_data("awscli-describe-security-groups-example1-as-printed.json"), "example.json");
  ASSERT_FALSE(groups);
  EXPECT_EQ(groups.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(groups.error().message, HasSubstr("example.json: malformed JSON: "));
}

// ---- DescribeSecurityGroups: every field, inline ----

TEST(DescribeSecurityGroups, ReadsEveryPeerKindAndIgnoresUnknownKeys) {
  const std::string json = R"({
    "SecurityGroups": [{
      "GroupId": "sg-0123456789abcdef0", "GroupName": "app", "Description": "app tier",
      "OwnerId": "111122223333", "VpcId": "vpc-0123456789abcdef0",
      "SecurityGroupArn": "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0123456789abcdef0",
      "Tags": [{"Key": "Name", "Value": "app"}, {"Key": "OwnerDL", "Value": ""}],
      "IpPermissions": [{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": "10.1.2.3/8", "Description": "corp"}],
        "Ipv6Ranges": [{"CidrIpv6": "2001:DB8:0:0::/32", "Description": "v6"}],
        "PrefixListIds": [{"PrefixListId": "pl-12345678", "Description": "s3"}],
        "UserIdGroupPairs": [
          {"GroupId": "sg-11111111", "GroupName": "lb", "Description": "same account"},
          {"GroupId": "sg-22222222", "UserId": "444455556666", "VpcId": "vpc-22222222",
           "VpcPeeringConnectionId": "pcx-22222222", "PeeringStatus": "active"}
        ],
        "SomethingNew": {"nested": [1, 2, 3]}
      }, {
        "IpProtocol": "icmpv6", "FromPort": 128, "ToPort": 0,
        "Ipv6Ranges": [{"CidrIpv6": "::/0"}]
      }],
      "IpPermissionsEgress": [{
        "IpProtocol": "50", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "192.0.2.0/24"}]
      }]
    }],
    "NextToken": null,
    "ResponseMetadata": {"RequestId": "4296401f-8b78-4f99-b1fb-71def4fc3701"}
  })";
  auto groups = parse_describe_security_groups(json, "inline");
  ASSERT_TRUE(groups) << groups.error().message;
  ASSERT_EQ(groups->size(), 1u);
  const Group& group = groups->front();
  EXPECT_EQ(group.tags,
            (std::map<std::string, std::string>{{"Name", "app"}, {"OwnerDL", ""}}));
  // 10.1.2.3/8 comes out as its network; a pair without UserId gets the owner.
  EXPECT_THAT(keys(group.rules),
              ElementsAre("ingress|6|443|443|10.0.0.0/8", "ingress|6|443|443|2001:db8::/32",
                          "ingress|6|443|443|pl-12345678",
                          "ingress|6|443|443|sg-11111111/111122223333//",
                          "ingress|6|443|443|sg-22222222/444455556666/vpc-22222222/pcx-22222222",
                          "ingress|58|128|0|::/0", "egress|50|-1|-1|192.0.2.0/24"));
  std::vector<std::string> descriptions;
  for (const Rule& rule : group.rules) descriptions.push_back(rule.description);
  EXPECT_THAT(descriptions, ElementsAre("corp", "v6", "s3", "same account", "", "", ""));
}

TEST(DescribeSecurityGroups, MissingListsAndEmptyDocumentMeanNothing) {
  auto groups = parse_describe_security_groups(groups_doc({group_json("sg-11111111")}), "x");
  ASSERT_TRUE(groups) << groups.error().message;
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_THAT(groups->front().rules, IsEmpty());
  EXPECT_FALSE(groups->front().vpc.has_value());

  auto none = parse_describe_security_groups(R"({"SecurityGroups": []})", "x");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_THAT(*none, IsEmpty());
}

TEST(DescribeSecurityGroups, DuplicateRulesAreMergedByCanonicalize) {
  const std::string json = groups_doc({group_json("sg-11111111", R"("IpPermissions": [
      {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
      {"IpProtocol": "6", "FromPort": 22, "ToPort": 22,
       "IpRanges": [{"CidrIp": "10.9.9.9/8", "Description": "later"}]}])")});
  auto groups = parse_describe_security_groups(json, "x");
  ASSERT_TRUE(groups) << groups.error().message;
  EXPECT_THAT(keys(groups->front().rules), ElementsAre("ingress|6|22|22|10.0.0.0/8"));
  EXPECT_EQ(groups->front().rules[0].description, "later");
}

struct BadInput {
  const char* name;
  std::string json;
  std::vector<std::string> expected;  // substrings of the error message
};

void PrintTo(const BadInput& input, std::ostream* os) { *os << input.name; }

class DescribeSecurityGroupsError : public ::testing::TestWithParam<BadInput> {};

// The bad group is the second of the document, after a valid one, so messages must name
// SecurityGroups[1] and nothing of the first group may come back.
BadInput bad_group(const char* name, const std::string& fields,
                   std::vector<std::string> expected) {
  return {name, groups_doc({group_json("sg-11111111"), "{" + fields + "}"}),
          std::move(expected)};
}
BadInput bad_field(const char* name, const std::string& more,
                   std::vector<std::string> expected) {
  return {name, groups_doc({group_json("sg-11111111"), group_json("sg-22222222", more)}),
          std::move(expected)};
}

const std::string kWhere = "snapshot.json: SecurityGroups[1] (sg-22222222): ";

INSTANTIATE_TEST_SUITE_P(
    DescribeJson, DescribeSecurityGroupsError,
    ::testing::Values(
        BadInput{"Malformed", R"({"SecurityGroups": [)", {"snapshot.json: malformed JSON: "}},
        BadInput{"Empty", "", {"snapshot.json: malformed JSON: "}},
        BadInput{"NotAnObject", "[]",
                 {"snapshot.json: expected a JSON object at the top level, got array"}},
        BadInput{"MissingSecurityGroups", R"({"NextToken": null})",
                 {"snapshot.json: SecurityGroups: missing"}},
        BadInput{"SecurityGroupsIsObject", R"({"SecurityGroups": {}})",
                 {"snapshot.json: SecurityGroups: expected an array, got object"}},
        BadInput{"GroupIsString",
                 groups_doc({group_json("sg-11111111"), R"("sg-22222222")"}),
                 {"snapshot.json: SecurityGroups[1]: expected an object, got string"}},
        bad_group("MissingGroupId",
                  R"("GroupName": "a", "Description": "b", "OwnerId": "123456789012")",
                  {"snapshot.json: SecurityGroups[1]: GroupId: missing"}),
        bad_group("BadGroupId",
                  R"("GroupId": "sg-xyz", "GroupName": "a", "Description": "b",
                     "OwnerId": "123456789012")",
                  {"snapshot.json: SecurityGroups[1]: GroupId: 'sg-xyz' is not a valid "
                   "security group id"}),
        bad_group("GroupIdIsNumber", R"("GroupId": 7)",
                  {"SecurityGroups[1]: GroupId: expected a string, got integer"}),
        BadInput{"DuplicateGroupId",
                 groups_doc({group_json("sg-11111111"), group_json("sg-11111111")}),
                 {"snapshot.json: SecurityGroups[1] (sg-11111111): GroupId: duplicate of "
                  "SecurityGroups[0]"}},
        bad_group("MissingGroupName",
                  R"("GroupId": "sg-22222222", "Description": "b", "OwnerId": "123456789012")",
                  {kWhere + "GroupName: missing"}),
        bad_group("MissingDescription",
                  R"("GroupId": "sg-22222222", "GroupName": "a", "OwnerId": "123456789012")",
                  {kWhere + "Description: missing"}),
        bad_group("MissingOwnerId",
                  R"("GroupId": "sg-22222222", "GroupName": "a", "Description": "b")",
                  {kWhere + "OwnerId: missing"}),
        bad_group("BadOwnerId",
                  R"("GroupId": "sg-22222222", "GroupName": "a", "Description": "b",
                     "OwnerId": "12345")",
                  {kWhere + "OwnerId: '12345' is not a valid AWS account id"}),
        bad_field("BadVpcId", R"("VpcId": "vpc-1")",
                  {kWhere + "VpcId: 'vpc-1' is not a valid VPC id"}),
        bad_field("DuplicateTagKey",
                  R"("Tags": [{"Key": "Name", "Value": "a"}, {"Key": "Name", "Value": "b"}])",
                  {kWhere + "Tags[1].Key: duplicate tag key 'Name'"}),
        bad_field("TagValueIsNumber", R"("Tags": [{"Key": "Cost", "Value": 12}])",
                  {kWhere + "Tags[0].Value: expected a string, got integer"}),
        bad_field("TagsIsObject", R"("Tags": {"Name": "a"})",
                  {kWhere + "Tags: expected an array, got object"}),
        bad_field("FromPortIsString",
                  R"("IpPermissions": [{"IpProtocol": "tcp", "FromPort": "22", "ToPort": 22}])",
                  {kWhere + "IpPermissions[0].FromPort: expected an integer, got string"}),
        bad_field("ToPortIsFraction",
                  R"("IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22.5}])",
                  {kWhere + "IpPermissions[0].ToPort: expected an integer, got number"}),
        bad_field("FromPortBeyondInt",
                  R"("IpPermissions": [{"IpProtocol": "tcp", "FromPort": 99999999999,
                                        "ToPort": 22}])",
                  {kWhere + "IpPermissions[0].FromPort: 99999999999 is out of range"}),
        bad_field("FromPortBeyondInt64",
                  R"("IpPermissions": [{"IpProtocol": "tcp", "FromPort": 18446744073709551615,
                                        "ToPort": 22}])",
                  {kWhere + "IpPermissions[0].FromPort: 18446744073709551615 is out of range"}),
        bad_field("PortOutOfRange",
                  R"("IpPermissions": [{"IpProtocol": "tcp", "FromPort": 0, "ToPort": 70000}])",
                  {kWhere + "IpPermissions[0].FromPort/ToPort: port 70000 is out of range"}),
        bad_field("TcpWithoutPorts", R"("IpPermissions": [{"IpProtocol": "tcp"}])",
                  {kWhere + "IpPermissions[0].FromPort/ToPort: tcp needs both FromPort and "
                            "ToPort"}),
        bad_field("UnknownProtocol",
                  R"("IpPermissions": [{"IpProtocol": "tcpx", "FromPort": 1, "ToPort": 2}])",
                  {kWhere + "IpPermissions[0].IpProtocol: unknown IP protocol 'tcpx'"}),
        bad_field("MissingProtocol", R"("IpPermissions": [{"FromPort": 1, "ToPort": 2}])",
                  {kWhere + "IpPermissions[0].IpProtocol: missing"}),
        bad_field("IpPermissionsIsObject", R"("IpPermissions": {})",
                  {kWhere + "IpPermissions: expected an array, got object"}),
        bad_field("PermissionIsArray", R"("IpPermissionsEgress": [[]])",
                  {kWhere + "IpPermissionsEgress[0]: expected an object, got array"}),
        bad_field("IpRangesIsObject",
                  R"("IpPermissions": [{"IpProtocol": "-1",
                                        "IpRanges": {"CidrIp": "1.2.3.4/32"}}])",
                  {kWhere + "IpPermissions[0].IpRanges: expected an array, got object"}),
        bad_field("IpRangeIsString",
                  R"("IpPermissions": [{"IpProtocol": "-1", "IpRanges": ["10.0.0.0/8"]}])",
                  {kWhere + "IpPermissions[0].IpRanges[0]: expected an object, got string"}),
        bad_field("BadCidr",
                  R"("IpPermissions": [
                       {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                       {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                        "IpRanges": [{"CidrIp": "10.0.0.300/8"}]}])",
                  {kWhere + "IpPermissions[1].IpRanges[0].CidrIp: '10.0.0.300/8' is not a CIDR "
                            "block: "}),
        bad_field("MissingCidrIp",
                  R"("IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"Description": "x"}]}])",
                  {kWhere + "IpPermissions[0].IpRanges[0].CidrIp: missing"}),
        bad_field("DescriptionIsNumber",
                  R"("IpPermissions": [{"IpProtocol": "-1",
                                        "IpRanges": [{"CidrIp": "1.2.3.4/32",
                                                      "Description": 5}]}])",
                  {kWhere + "IpPermissions[0].IpRanges[0].Description: expected a string, got "
                            "integer"}),
        bad_field("Ipv4InIpv6Ranges",
                  R"("IpPermissionsEgress": [{"IpProtocol": "-1",
                                              "Ipv6Ranges": [{"CidrIpv6": "10.0.0.0/8"}]}])",
                  {kWhere + "IpPermissionsEgress[0].Ipv6Ranges[0].CidrIpv6: "}),
        bad_field("BadPrefixList",
                  R"("IpPermissions": [{"IpProtocol": "-1",
                                        "PrefixListIds": [{"PrefixListId": "pl-xyz"}]}])",
                  {kWhere + "IpPermissions[0].PrefixListIds[0].PrefixListId: 'pl-xyz' is not a "
                            "valid prefix list id"}),
        bad_field("PairWithoutGroupId",
                  R"("IpPermissions": [{"IpProtocol": "-1",
                                        "UserIdGroupPairs": [{"UserId": "123456789012"}]}])",
                  {kWhere + "IpPermissions[0].UserIdGroupPairs[0].GroupId: missing"}),
        bad_field("PairWithBadUserId",
                  R"("IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [
                       {"GroupId": "sg-33333333", "UserId": "amazon-elb"}]}])",
                  {kWhere + "IpPermissions[0].UserIdGroupPairs[0].UserId: 'amazon-elb' is not "
                            "a valid AWS account id"}),
        bad_field("PairWithBadPeering",
                  R"("IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [
                       {"GroupId": "sg-33333333", "VpcPeeringConnectionId": "pcx-1"}]}])",
                  {kWhere + "IpPermissions[0].UserIdGroupPairs[0].VpcPeeringConnectionId: "})),
    [](const auto& info) { return std::string(info.param.name); });

TEST_P(DescribeSecurityGroupsError, IsRejectedWithItsPlace) {
  auto groups = parse_describe_security_groups(GetParam().json, "snapshot.json");
  ASSERT_FALSE(groups) << "parsed " << groups->size() << " groups";
  EXPECT_EQ(groups.error().code, ErrorCode::kInvalidInput);
  for (const std::string& part : GetParam().expected) {
    EXPECT_THAT(groups.error().message, HasSubstr(part));
  }
}

TEST(DescribeSecurityGroups, ErrorMessageIsExact) {
  const std::string json = groups_doc(
      {group_json("sg-68d8a958"), group_json("sg-72334242"),
       group_json("sg-4e970e7e",
                  R"("IpPermissions": [{"IpProtocol": "tcp", "FromPort": "22", "ToPort": 22}])")});
  auto groups = parse_describe_security_groups(json, "snapshot.json");
  ASSERT_FALSE(groups);
  EXPECT_EQ(groups.error().message,
            "snapshot.json: SecurityGroups[2] (sg-4e970e7e): IpPermissions[0].FromPort: "
            "expected an integer, got string");
}

// ---- DescribeSecurityGroupRules ----

TEST(DescribeSecurityGroupRules, AwscliExampleParses) {
  auto result = parse_describe_security_group_rules(
      read_data("awscli-describe-security-group-rules-example1.json"), "rules.json");
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), 1u);
  const GroupRules& group = result->front();
  EXPECT_EQ(group.group.str(), "sg-1234567890abcdef0");
  ASSERT_EQ(group.rules.size(), 3u);
  std::vector<std::string> ids;
  for (const Rule& rule : group.rules) {
    ASSERT_TRUE(rule.id.has_value());
    ids.push_back(rule.id->str());
  }
  EXPECT_THAT(ids, ElementsAre("sgr-abcdef01234567890", "sgr-bcdef01234567890a",
                               "sgr-cdef01234567890ab"));
  EXPECT_THAT(keys(group.rules),
              ElementsAre("ingress|-1|-1|-1|sg-1234567890abcdef0/111122223333//",
                          "egress|-1|-1|-1|::/0", "egress|-1|-1|-1|0.0.0.0/0"));
  const auto& ref = std::get<GroupRef>(group.rules[0].peer);
  EXPECT_EQ(ref.group.str(), "sg-1234567890abcdef0");
  EXPECT_EQ(ref.user->str(), "111122223333");
  EXPECT_EQ(std::get<Cidr>(group.rules[1].peer).family(), Cidr::Family::kIpv6);
}

std::string rule_json(const std::string& id, const std::string& group, const std::string& more) {
  return R"({"SecurityGroupRuleId":")" + id + R"(","GroupId":")" + group +
         R"(","GroupOwnerId":"111122223333",)" + more + "}";
}

std::string rules_doc(const std::vector<std::string>& rules) {
  std::string out = R"({"SecurityGroupRules":[)";
  for (size_t i = 0; i < rules.size(); ++i) out += (i ? "," : "") + rules[i];
  return out + R"(],"NextToken":null})";
}

TEST(DescribeSecurityGroupRules, GroupsByGroupIdInOrderOfFirstAppearance) {
  const std::string json = rules_doc({
      rule_json("sgr-00000001", "sg-bbbbbbbb",
                R"("IsEgress": false, "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                   "CidrIpv4": "10.1.2.3/8", "Description": "ssh", "Tags": [],
                   "SecurityGroupRuleArn": "arn:aws:ec2:us-east-1:111122223333:x")"),
      rule_json("sgr-00000002", "sg-aaaaaaaa",
                R"("IsEgress": true, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1,
                   "PrefixListId": "pl-12345678")"),
      rule_json("sgr-00000003", "sg-bbbbbbbb",
                R"("IsEgress": false, "IpProtocol": "icmp", "FromPort": 8, "ToPort": -1,
                   "ReferencedGroupInfo": {"GroupId": "sg-cccccccc", "PeeringStatus": "active",
                                           "VpcId": "vpc-cccccccc",
                                           "VpcPeeringConnectionId": "pcx-cccccccc"})"),
  });
  auto result = parse_describe_security_group_rules(json, "rules.json");
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ((*result)[0].group.str(), "sg-bbbbbbbb");
  EXPECT_EQ((*result)[1].group.str(), "sg-aaaaaaaa");
  // A reference without UserId is completed with GroupOwnerId, as canonicalize() does.
  EXPECT_THAT(keys((*result)[0].rules),
              ElementsAre("ingress|6|22|22|10.0.0.0/8",
                          "ingress|1|8|-1|sg-cccccccc/111122223333/vpc-cccccccc/pcx-cccccccc"));
  EXPECT_EQ((*result)[0].rules[0].description, "ssh");
  EXPECT_EQ((*result)[0].rules[1].id->str(), "sgr-00000003");
  EXPECT_THAT(keys((*result)[1].rules), ElementsAre("egress|-1|-1|-1|pl-12345678"));
}

TEST(DescribeSecurityGroupRules, MatchesTheSameRuleFromDescribeSecurityGroups) {
  auto groups = parse_describe_security_groups(
      groups_doc({R"({"GroupId": "sg-aaaaaaaa", "GroupName": "a", "Description": "b",
                      "OwnerId": "111122223333", "IpPermissions": [{"IpProtocol": "udp",
                      "FromPort": 53, "ToPort": 53,
                      "UserIdGroupPairs": [{"GroupId": "sg-bbbbbbbb"}]}]})"}),
      "groups.json");
  auto rules = parse_describe_security_group_rules(
      rules_doc({rule_json("sgr-0123456789abcdef0", "sg-aaaaaaaa",
                           R"("IsEgress": false, "IpProtocol": "udp", "FromPort": 53,
                              "ToPort": 53, "ReferencedGroupInfo": {"GroupId": "sg-bbbbbbbb"})")}),
      "rules.json");
  ASSERT_TRUE(groups) << groups.error().message;
  ASSERT_TRUE(rules) << rules.error().message;
  EXPECT_TRUE(same_identity(groups->front().rules.at(0), rules->front().rules.at(0)));
}

TEST(DescribeSecurityGroupRules, EmptyListIsNoGroups) {
  auto result = parse_describe_security_group_rules(R"({"SecurityGroupRules": []})", "x");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_THAT(*result, IsEmpty());
}

class DescribeSecurityGroupRulesError : public ::testing::TestWithParam<BadInput> {};

const std::string kRule = "rules.json: SecurityGroupRules[1] (sgr-00000002): ";

// The bad rule is the second, after a valid one.
BadInput bad_rule(const char* name, const std::string& more, std::vector<std::string> expected) {
  return {name,
          rules_doc({rule_json("sgr-00000001", "sg-aaaaaaaa",
                               R"("IsEgress": true, "IpProtocol": "-1", "CidrIpv4": "0.0.0.0/0")"),
                     rule_json("sgr-00000002", "sg-aaaaaaaa", more)}),
          std::move(expected)};
}

INSTANTIATE_TEST_SUITE_P(
    DescribeJson, DescribeSecurityGroupRulesError,
    ::testing::Values(
        BadInput{"Malformed", R"({"SecurityGroupRules": [{]})", {"rules.json: malformed JSON: "}},
        BadInput{"MissingList", R"({"SecurityGroups": []})",
                 {"rules.json: SecurityGroupRules: missing"}},
        BadInput{"ListIsString", R"({"SecurityGroupRules": "none"})",
                 {"rules.json: SecurityGroupRules: expected an array, got string"}},
        BadInput{"MissingRuleId",
                 rules_doc({R"({"GroupId": "sg-aaaaaaaa", "IsEgress": true, "IpProtocol": "-1",
                                "CidrIpv4": "0.0.0.0/0"})"}),
                 {"rules.json: SecurityGroupRules[0]: SecurityGroupRuleId: missing"}},
        BadInput{"BadRuleId",
                 rules_doc({rule_json("sgr-xyz", "sg-aaaaaaaa", R"("IsEgress": true)")}),
                 {"rules.json: SecurityGroupRules[0]: SecurityGroupRuleId: 'sgr-xyz' is not a "
                  "valid security group rule id"}},
        BadInput{"DuplicateRuleId",
                 rules_doc({rule_json("sgr-00000001", "sg-aaaaaaaa",
                                      R"("IsEgress": true, "IpProtocol": "-1",
                                         "CidrIpv4": "0.0.0.0/0")"),
                            rule_json("sgr-00000001", "sg-bbbbbbbb",
                                      R"("IsEgress": true, "IpProtocol": "-1",
                                         "CidrIpv6": "::/0")")}),
                 {"rules.json: SecurityGroupRules[1] (sgr-00000001): SecurityGroupRuleId: "
                  "duplicate of SecurityGroupRules[0]"}},
        BadInput{"MissingGroupId",
                 rules_doc({R"({"SecurityGroupRuleId": "sgr-00000001", "IsEgress": true,
                                "IpProtocol": "-1", "CidrIpv4": "0.0.0.0/0"})"}),
                 {"SecurityGroupRules[0] (sgr-00000001): GroupId: missing"}},
        bad_rule("NoPeer", R"("IsEgress": true, "IpProtocol": "-1")",
                 {kRule + "no peer: expected exactly one of CidrIpv4, CidrIpv6, PrefixListId, "
                          "ReferencedGroupInfo"}),
        bad_rule("TwoPeers",
                 R"("IsEgress": true, "IpProtocol": "-1", "CidrIpv4": "0.0.0.0/0",
                    "PrefixListId": "pl-12345678")",
                 {kRule + "several peers (CidrIpv4, PrefixListId): expected exactly one of "}),
        bad_rule("MissingIsEgress", R"("IpProtocol": "-1", "CidrIpv4": "0.0.0.0/0")",
                 {kRule + "IsEgress: missing"}),
        bad_rule("IsEgressIsString",
                 R"("IsEgress": "true", "IpProtocol": "-1", "CidrIpv4": "0.0.0.0/0")",
                 {kRule + "IsEgress: expected a boolean, got string"}),
        bad_rule("UnknownProtocol",
                 R"("IsEgress": true, "IpProtocol": "gre", "CidrIpv4": "0.0.0.0/0")",
                 {kRule + "IpProtocol: unknown IP protocol 'gre'"}),
        bad_rule("FromPortIsString",
                 R"("IsEgress": false, "IpProtocol": "tcp", "FromPort": "80", "ToPort": 80,
                    "CidrIpv4": "0.0.0.0/0")",
                 {kRule + "FromPort: expected an integer, got string"}),
        bad_rule("PortOutOfRange",
                 R"("IsEgress": false, "IpProtocol": "tcp", "FromPort": 0, "ToPort": 65536,
                    "CidrIpv4": "0.0.0.0/0")",
                 {kRule + "FromPort/ToPort: port 65536 is out of range"}),
        bad_rule("BadCidrIpv4",
                 R"("IsEgress": false, "IpProtocol": "-1", "CidrIpv4": "10.0.0.300/8")",
                 {kRule + "CidrIpv4: '10.0.0.300/8' is not a CIDR block: "}),
        bad_rule("Ipv4InCidrIpv6",
                 R"("IsEgress": false, "IpProtocol": "-1", "CidrIpv6": "10.0.0.0/8")",
                 {kRule + "CidrIpv6: "}),
        bad_rule("CidrIsNumber", R"("IsEgress": false, "IpProtocol": "-1", "CidrIpv4": 10)",
                 {kRule + "CidrIpv4: expected a string, got integer"}),
        bad_rule("BadPrefixList",
                 R"("IsEgress": false, "IpProtocol": "-1", "PrefixListId": "pl-")",
                 {kRule + "PrefixListId: 'pl-' is not a valid prefix list id"}),
        bad_rule("ReferenceIsString",
                 R"("IsEgress": false, "IpProtocol": "-1", "ReferencedGroupInfo": "sg-33333333")",
                 {kRule + "ReferencedGroupInfo: expected an object, got string"}),
        bad_rule("ReferenceWithBadGroupId",
                 R"("IsEgress": false, "IpProtocol": "-1",
                    "ReferencedGroupInfo": {"GroupId": "sg-1"})",
                 {kRule + "ReferencedGroupInfo.GroupId: 'sg-1' is not a valid security group id"}),
        bad_rule("ReferenceWithBadUserId",
                 R"("IsEgress": false, "IpProtocol": "-1",
                    "ReferencedGroupInfo": {"GroupId": "sg-33333333", "UserId": "x"})",
                 {kRule + "ReferencedGroupInfo.UserId: 'x' is not a valid AWS account id"})),
    [](const auto& info) { return std::string(info.param.name); });

TEST_P(DescribeSecurityGroupRulesError, IsRejectedWithItsPlace) {
  auto result = parse_describe_security_group_rules(GetParam().json, "rules.json");
  ASSERT_FALSE(result) << "parsed " << result->size() << " groups";
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidInput);
  for (const std::string& part : GetParam().expected) {
    EXPECT_THAT(result.error().message, HasSubstr(part));
  }
}

}  // namespace
}  // namespace sgwatch::describe_json_test
