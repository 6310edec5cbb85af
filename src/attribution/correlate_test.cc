#include "attribution/correlate.h"

#include <gtest/gtest.h>

#include "builders.h"
#include "core/time_format.h"
#include "trail/record_parser.h"

namespace sgwatch::correlate_test {
namespace {

using testing::egress;
using testing::ingress;

const char kGroup[] = "sg-0123456789abcdef0";
const char kOtherGroup[] = "sg-0fedcba9876543210";
const char kAccount[] = "111122223333";
const char kRegion[] = "eu-west-1";

Timestamp at(const std::string& time) { return parse_time("2024-05-01T" + time + "Z").value(); }

const Scope kScope{testing::account(kAccount), testing::region(kRegion)};
const ChangeWindow kWindow{at("09:00:00"), at("11:00:00")};

// Where and when a record says its call happened, and whether it failed.
struct Meta {
  std::string time = "10:00:00";
  std::string account = kAccount;
  std::string region = kRegion;
  std::string error;  // errorCode; empty: succeeded
};

Meta when(std::string time) {
  Meta meta;
  meta.time = std::move(time);
  return meta;
}
Meta in_region(std::string region) {
  Meta meta;
  meta.region = std::move(region);
  return meta;
}
Meta of_account(std::string account) {
  Meta meta;
  meta.account = std::move(account);
  return meta;
}
Meta failed(std::string error) {
  Meta meta;
  meta.error = std::move(error);
  return meta;
}

// One CloudTrail record in the shape CloudTrail writes, parsed as sgwatch parses it.
ApiCall call(const std::string& name, const std::string& params,
             const std::string& response = "null", const Meta& meta = {}) {
  static size_t serial = 0;
  const std::string error =
      meta.error.empty() ? ""
                         : R"(,"errorCode":")" + meta.error + R"(","errorMessage":"denied")";
  const std::string json = R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser",
    "principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::)" + meta.account + R"(:user/alice",
    "accountId":")" + meta.account + R"(","userName":"alice"},
    "eventTime":"2024-05-01T)" + meta.time + R"(Z","eventSource":"ec2.amazonaws.com",
    "eventName":")" + name + R"(","awsRegion":")" + meta.region + R"(",
    "sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0 Python/3.11.6",
    "requestParameters":)" + params + R"(,"responseElements":)" + response + error +
                           R"(,"requestID":"req","eventID":"ev-)" + std::to_string(serial++) +
                           R"(","eventType":"AwsApiCall","recipientAccountId":")" +
                           meta.account + R"("})";
  static simdjson::dom::parser parser;
  simdjson::dom::element element;
  EXPECT_EQ(parser.parse(json).get(element), simdjson::SUCCESS) << json;
  auto parsed = parse_record(element, 0);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed ? *parsed : ApiCall{};
}

std::string group_params(const std::string& rest, const char* group = kGroup) {
  return std::string(R"({"groupId":")") + group + "\"" + rest + "}";
}
// requestParameters of Authorize/Revoke/Update*: one permission of one CIDR.
std::string permission(const std::string& protocol, int port, const std::string& cidr,
                       const std::string& description = "", const char* group = kGroup) {
  return group_params(R"(,"ipPermissions":{"items":[{"ipProtocol":")" + protocol +
                          R"(","fromPort":)" + std::to_string(port) + R"(,"toPort":)" +
                          std::to_string(port) + R"(,"ipRanges":{"items":[{"cidrIp":")" + cidr +
                          R"(","description":")" + description + R"("}]}}]})",
                      group);
}
std::string rule_id_params(const std::string& key, const std::string& id) {
  return group_params(",\"" + key + R"(":{"items":[{"securityGroupRuleId":")" + id + R"("}]})");
}
std::string modify_params(const std::string& id, const std::string& content) {
  return std::string(R"({"ModifySecurityGroupRulesRequest":{"GroupId":")") + kGroup +
         R"(","SecurityGroupRule":{"SecurityGroupRuleId":")" + id +
         R"(","SecurityGroupRule":)" + content + "}}}";
}
std::string tag_params(const std::string& tags, const char* resource = kGroup) {
  return std::string(R"({"resourcesSet":{"items":[{"resourceId":")") + resource +
         R"("}]},"tagSet":{"items":[)" + tags + "]}}";
}

RuleId rid(const std::string& id) { return RuleId::parse(id).value(); }
Rule with_id(Rule rule, const std::string& id) {
  rule.id = rid(id);
  return rule;
}

// An empty change of kGroup; tests fill in the parts.
GroupDiff modified() {
  return GroupDiff{testing::gid(kGroup), "web", std::nullopt, GroupChange::kModified, {}, {}, {},
                   {}, {}};
}

Correlation correlate_all(const GroupDiff& diff, const std::vector<ApiCall>& calls,
                          const std::map<std::string, RuleId>& rule_ids = {}) {
  return correlate(diff, kScope, kWindow, calls, rule_ids);
}

const char kIdA[] = "sgr-0aaaaaaaaaaaaaaaa";
const char kIdB[] = "sgr-0bbbbbbbbbbbbbbbb";

// ---- group lifecycle ----

TEST(Correlate, CreatedGroupWithDefaultEgressRulesAndTags) {
  GroupDiff diff = modified();
  diff.change = GroupChange::kCreated;
  diff.added = {ingress("tcp", 22, 22, "10.0.0.0/8"), egress("-1", -1, -1, "0.0.0.0/0")};
  diff.tags = {{"Name", std::nullopt, "web"}};
  const std::vector<ApiCall> calls = {
      call("CreateSecurityGroup",
           R"({"groupName":"web","groupDescription":"Web","vpcId":"vpc-0123456789abcdef0"})",
           std::string(R"({"_return":true,"groupId":")") + kGroup + R"("})",
           when("10:00:00")),
      call("CreateTags", tag_params(R"({"key":"Name","value":"web"})"), "null",
           when("10:00:01")),
      call("AuthorizeSecurityGroupIngress", permission("tcp", 22, "10.1.2.3/8"), "null",
           when("10:00:02")),
  };
  const Correlation result = correlate_all(diff, calls);
  EXPECT_TRUE(result.complete) << ::testing::PrintToString(result.unexplained);
  EXPECT_EQ(result.calls, (std::vector<size_t>{0, 1, 2}));

  // Without the creation, neither the group nor EC2's default egress rule is explained.
  const Correlation no_create = correlate_all(diff, {calls[1], calls[2]});
  EXPECT_FALSE(no_create.complete);
  EXPECT_EQ(no_create.unexplained,
            (std::vector<std::string>{"group created", "egress all traffic to 0.0.0.0/0 added"}));
}

TEST(Correlate, DefaultEgressIsExplainedByCreationOnlyOnACreatedGroup) {
  GroupDiff diff = modified();
  diff.added = {egress("-1", -1, -1, "0.0.0.0/0")};
  ApiCall create = call("CreateSecurityGroup", R"({"groupName":"web","groupDescription":"Web"})",
                        std::string(R"({"groupId":")") + kGroup + R"("})");
  const Correlation result = correlate_all(diff, {create});
  EXPECT_FALSE(result.complete);
  EXPECT_TRUE(result.calls.empty());
}

TEST(Correlate, TagsFromCreateSecurityGroupTagSpecification) {
  GroupDiff diff = modified();
  diff.change = GroupChange::kCreated;
  diff.tags = {{"Owner", std::nullopt, "team-a"}};
  ApiCall create;
  create.event_name = "CreateSecurityGroup";
  create.event_time = at("10:00:00");
  create.effects = {GroupEffect{testing::gid(kGroup), {}, {}, {{"Owner", std::nullopt, "team-a"}},
                                {}}};
  const Correlation result = correlate_all(diff, {create});
  EXPECT_TRUE(result.complete) << ::testing::PrintToString(result.unexplained);
  EXPECT_EQ(result.calls, std::vector<size_t>{0});
}

TEST(Correlate, DeletedGroupExplainsItsRulesAndTags) {
  GroupDiff diff = modified();
  diff.change = GroupChange::kDeleted;
  diff.removed = {ingress("tcp", 443, 443, "0.0.0.0/0"), egress("-1", -1, -1, "0.0.0.0/0")};
  diff.tags = {{"Name", "web", std::nullopt}};
  const std::vector<ApiCall> calls = {call("DeleteSecurityGroup", group_params(""))};
  const Correlation result = correlate_all(diff, calls);
  EXPECT_TRUE(result.complete) << ::testing::PrintToString(result.unexplained);
  EXPECT_EQ(result.calls, std::vector<size_t>{0});

  const Correlation none = correlate_all(diff, {});
  EXPECT_FALSE(none.complete);
  EXPECT_EQ(none.unexplained.front(), "group deleted");
  EXPECT_EQ(none.unexplained.size(), 4u);

  // On a group still there, a deletion explains none of its removed rules.
  GroupDiff still_there = diff;
  still_there.change = GroupChange::kModified;
  EXPECT_TRUE(correlate_all(still_there, calls).calls.empty());
}

// ---- rules, one part at a time ----

struct RuleCase {
  const char* name;
  enum { kAdded, kRemoved, kModified } part;
  Rule rule;         // added or removed; for kModified the rule after (description "new")
  ApiCall call;
  std::map<std::string, RuleId> rule_ids;
  bool explained;
};

TEST(Correlate, RulePartsTable) {
  const Rule ssh = ingress("tcp", 22, 22, "10.0.0.0/8", "new");
  const Rule out443 = egress("tcp", 443, 443, "10.0.0.0/8", "new");
  const std::map<std::string, RuleId> ssh_id = {{ssh.key_string(), rid(kIdA)}};
  const std::string modify_ssh = modify_params(
      kIdA, R"({"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIpv4":"10.0.0.0/8"})");
  const std::string modify_out443 = modify_params(
      kIdA, R"({"IpProtocol":"tcp","FromPort":443,"ToPort":443,"CidrIpv4":"10.0.0.0/8"})");
  const std::vector<RuleCase> cases = {
      {"authorize, same identity", RuleCase::kAdded, ssh,
       call("AuthorizeSecurityGroupIngress", permission("tcp", 22, "10.0.0.0/8")), {}, true},
      {"authorize, by the response's rule id", RuleCase::kAdded, with_id(ssh, kIdA),
       call("AuthorizeSecurityGroupIngress", group_params(""),
            std::string(R"({"securityGroupRuleSet":{"items":[{"groupId":")") + kGroup +
                R"(","securityGroupRuleId":")" + kIdA + R"(","isEgress":false,
                "ipProtocol":"tcp","fromPort":22,"toPort":22,"cidrIpv4":"10.0.0.0/8"}]}})"),
       {}, true},
      {"authorize of the other direction", RuleCase::kAdded, ssh,
       call("AuthorizeSecurityGroupEgress", permission("tcp", 22, "10.0.0.0/8")), {}, false},
      {"authorize of other ports", RuleCase::kAdded, ssh,
       call("AuthorizeSecurityGroupIngress", permission("tcp", 23, "10.0.0.0/8")), {}, false},
      // A later ModifySecurityGroupRules kept the id the Authorize created: the id alone
      // must not credit the Authorize with the rule as it is now.
      {"authorize of the id before a modify changed its ports", RuleCase::kAdded,
       with_id(ingress("tcp", 2222, 2222, "10.0.0.0/8", "new"), kIdA),
       call("AuthorizeSecurityGroupIngress", group_params(""),
            std::string(R"({"securityGroupRuleSet":{"items":[{"groupId":")") + kGroup +
                R"(","securityGroupRuleId":")" + kIdA + R"(","isEgress":false,
                "ipProtocol":"tcp","fromPort":22,"toPort":22,"cidrIpv4":"10.0.0.0/8"}]}})"),
       {}, false},
      {"revoke does not add", RuleCase::kAdded, ssh,
       call("RevokeSecurityGroupIngress", permission("tcp", 22, "10.0.0.0/8")), {}, false},
      {"modify, by the store's id", RuleCase::kAdded, ssh,
       call("ModifySecurityGroupRules", modify_ssh), ssh_id, true},
      {"modify, no id known: identity without direction", RuleCase::kAdded, out443,
       call("ModifySecurityGroupRules", modify_out443), {}, true},
      {"modify of another id", RuleCase::kAdded, with_id(ssh, kIdB),
       call("ModifySecurityGroupRules", modify_ssh), {}, false},
      {"revoke, same identity", RuleCase::kRemoved, ssh,
       call("RevokeSecurityGroupIngress", permission("tcp", 22, "10.0.0.0/8")), {}, true},
      {"revoke by securityGroupRuleIds, id from the store", RuleCase::kRemoved, ssh,
       call("RevokeSecurityGroupIngress", rule_id_params("securityGroupRuleIds", kIdA)), ssh_id,
       true},
      {"revoke by another id", RuleCase::kRemoved, with_id(ssh, kIdB),
       call("RevokeSecurityGroupIngress", rule_id_params("securityGroupRuleIds", kIdA)), {},
       false},
      {"authorize does not remove", RuleCase::kRemoved, ssh,
       call("AuthorizeSecurityGroupIngress", permission("tcp", 22, "10.0.0.0/8")), {}, false},
      {"modify, by id", RuleCase::kRemoved, with_id(ssh, kIdA),
       call("ModifySecurityGroupRules", modify_ssh), {}, true},
      // The removed rule's old content is not in the record; the new content is no evidence.
      {"modify, no id known", RuleCase::kRemoved, ssh,
       call("ModifySecurityGroupRules", modify_ssh), {}, false},
      {"description update, same identity", RuleCase::kModified, ssh,
       call("UpdateSecurityGroupRuleDescriptionsIngress",
            permission("tcp", 22, "10.0.0.0/8", "new")),
       {}, true},
      {"description update by id", RuleCase::kModified, out443,
       call("UpdateSecurityGroupRuleDescriptionsEgress",
            group_params(std::string(R"(,"securityGroupRuleDescriptions":{"items":[
                {"securityGroupRuleId":")") + kIdA + R"(","description":"new"}]})")),
       {{out443.key_string(), rid(kIdA)}}, true},
      {"description update of the other direction", RuleCase::kModified, ssh,
       call("UpdateSecurityGroupRuleDescriptionsEgress",
            permission("tcp", 22, "10.0.0.0/8", "new")),
       {}, false},
      {"modify changes a description, by id", RuleCase::kModified, with_id(ssh, kIdA),
       call("ModifySecurityGroupRules", modify_ssh), {}, true},
      {"authorize does not change a description", RuleCase::kModified, ssh,
       call("AuthorizeSecurityGroupIngress", permission("tcp", 22, "10.0.0.0/8", "new")), {},
       false},
  };
  for (const RuleCase& c : cases) {
    GroupDiff diff = modified();
    if (c.part == RuleCase::kAdded) diff.added = {c.rule};
    if (c.part == RuleCase::kRemoved) diff.removed = {c.rule};
    if (c.part == RuleCase::kModified) {
      Rule before = c.rule;
      before.description = "old";
      diff.modified = {{before, c.rule}};
    }
    const Correlation result = correlate_all(diff, {c.call}, c.rule_ids);
    EXPECT_EQ(result.complete, c.explained) << c.name;
    EXPECT_EQ(result.calls.size(), c.explained ? 1u : 0u) << c.name;
    EXPECT_EQ(result.unexplained.size(), c.explained ? 0u : 1u) << c.name;
  }
}

TEST(Correlate, DescriptionOnlyChangeByUpdateRuleDescriptionsIngress) {
  GroupDiff diff = modified();
  diff.modified = {{ingress("tcp", 80, 80, "0.0.0.0/0", "old"),
                    ingress("tcp", 80, 80, "0.0.0.0/0", "web")}};
  const Correlation result =
      correlate_all(diff, {call("UpdateSecurityGroupRuleDescriptionsIngress",
                                permission("tcp", 80, "0.0.0.0/0", "web"))});
  EXPECT_TRUE(result.complete);
  EXPECT_EQ(result.calls, std::vector<size_t>{0});

  const Correlation none = correlate_all(diff, {});
  EXPECT_EQ(none.unexplained,
            std::vector<std::string>{"ingress tcp/80 from 0.0.0.0/0 description changed"});
}

TEST(Correlate, ModifySecurityGroupRulesReplacesAnEgressRuleUnderItsId) {
  // EC2 keeps the id; the diff sees the old rule removed and the new one added.
  GroupDiff diff = modified();
  const Rule old_rule = egress("tcp", 443, 443, "10.0.0.0/8");
  diff.removed = {old_rule};
  diff.added = {with_id(egress("tcp", 443, 443, "10.1.0.0/16"), kIdA)};
  const ApiCall modify = call(
      "ModifySecurityGroupRules",
      modify_params(kIdA, R"({"IpProtocol":"tcp","FromPort":443,"ToPort":443,
                              "CidrIpv4":"10.1.0.0/16","Description":"api"})"));
  ASSERT_EQ(modify.effects.size(), 1u);
  ASSERT_EQ(modify.effects[0].rules.size(), 1u);
  EXPECT_EQ(modify.effects[0].rules[0].direction, Direction::kIngress);  // as the record leaves it

  const Correlation result =
      correlate_all(diff, {modify}, {{old_rule.key_string(), rid(kIdA)}});
  EXPECT_TRUE(result.complete) << ::testing::PrintToString(result.unexplained);
  EXPECT_EQ(result.calls, std::vector<size_t>{0});

  // Without the store's id for the old rule, only the addition is explained.
  const Correlation no_ids = correlate_all(diff, {modify});
  EXPECT_FALSE(no_ids.complete);
  EXPECT_EQ(no_ids.unexplained,
            std::vector<std::string>{"egress tcp/443 to 10.0.0.0/8 removed"});
}

// ---- tags and fields ----

TEST(Correlate, TagChanges) {
  struct Case {
    const char* name;
    TagChange change;
    ApiCall call;
    bool explained;
  };
  const std::vector<Case> cases = {
      {"added", {"Owner", std::nullopt, "bob"},
       call("CreateTags", tag_params(R"({"key":"Owner","value":"bob"})")), true},
      {"changed", {"Owner", "alice", "bob"},
       call("CreateTags", tag_params(R"({"key":"Owner","value":"bob"})")), true},
      {"set to another value", {"Owner", "alice", "bob"},
       call("CreateTags", tag_params(R"({"key":"Owner","value":"carol"})")), false},
      {"another key", {"Owner", std::nullopt, "bob"},
       call("CreateTags", tag_params(R"({"key":"Team","value":"bob"})")), false},
      {"removed", {"Owner", "alice", std::nullopt},
       call("DeleteTags", tag_params(R"({"key":"Owner"})")), true},
      {"removed, value named", {"Owner", "alice", std::nullopt},
       call("DeleteTags", tag_params(R"({"key":"Owner","value":"alice"})")), true},
      {"delete of another value deletes nothing", {"Owner", "alice", std::nullopt},
       call("DeleteTags", tag_params(R"({"key":"Owner","value":"bob"})")), false},
      {"delete does not set", {"Owner", std::nullopt, "bob"},
       call("DeleteTags", tag_params(R"({"key":"Owner"})")), false},
      {"create does not remove", {"Owner", "alice", std::nullopt},
       call("CreateTags", tag_params(R"({"key":"Owner","value":"alice"})")), false},
      {"another group's tags", {"Owner", std::nullopt, "bob"},
       call("CreateTags", tag_params(R"({"key":"Owner","value":"bob"})", kOtherGroup)), false},
  };
  for (const Case& c : cases) {
    GroupDiff diff = modified();
    diff.tags = {c.change};
    const Correlation result = correlate_all(diff, {c.call});
    EXPECT_EQ(result.complete, c.explained) << c.name;
    EXPECT_EQ(result.calls.size(), c.explained ? 1u : 0u) << c.name;
  }
  GroupDiff diff = modified();
  diff.tags = {{"Owner", "alice", "bob"}, {"Team", std::nullopt, "a"}, {"Old", "x", std::nullopt}};
  EXPECT_EQ(correlate_all(diff, {}).unexplained,
            (std::vector<std::string>{"tag Owner changed", "tag Team added", "tag Old removed"}));
}

TEST(Correlate, FieldChanges) {
  GroupDiff diff = modified();
  diff.fields = {{"vpc", "vpc-0123456789abcdef0", "vpc-0fedcba9876543210"},
                 {"owner", "111122223333", "444455556666"}};
  const ApiCall associate = call("AssociateSecurityGroupVpc",
                                 group_params(R"(,"vpcId":"vpc-0fedcba9876543210")"));
  const Correlation result = correlate_all(diff, {associate});
  EXPECT_FALSE(result.complete);
  EXPECT_EQ(result.calls, std::vector<size_t>{0});
  EXPECT_EQ(result.unexplained, std::vector<std::string>{"group owner changed"});

  const ApiCall other_vpc = call("DisassociateSecurityGroupVpc",
                                 group_params(R"(,"vpcId":"vpc-0aaaaaaaaaaaaaaaa")"));
  EXPECT_TRUE(correlate_all(diff, {other_vpc}).calls.empty());

  GroupDiff renamed = modified();
  renamed.fields = {{"name", "web", "web2"}};
  EXPECT_EQ(correlate_all(renamed, {associate}).unexplained,
            std::vector<std::string>{"group name changed"});
}

// ---- which calls count ----

TEST(Correlate, WindowBoundsAreInclusive) {
  GroupDiff diff = modified();
  diff.added = {ingress("tcp", 22, 22, "10.0.0.0/8")};
  const std::string params = permission("tcp", 22, "10.0.0.0/8");
  const std::vector<ApiCall> calls = {
      call("AuthorizeSecurityGroupIngress", params, "null", when("08:59:59")),
      call("AuthorizeSecurityGroupIngress", params, "null", when("09:00:00")),
      call("AuthorizeSecurityGroupIngress", params, "null", when("11:00:00")),
      call("AuthorizeSecurityGroupIngress", params, "null", when("11:00:01")),
  };
  const Correlation result = correlate_all(diff, calls);
  EXPECT_TRUE(result.complete);
  EXPECT_EQ(result.calls, (std::vector<size_t>{1, 2}));
  EXPECT_FALSE(correlate_all(diff, {calls[0], calls[3]}).complete);
}

TEST(Correlate, FailedCallsNeverCount) {
  GroupDiff diff = modified();
  diff.change = GroupChange::kDeleted;
  diff.removed = {ingress("tcp", 22, 22, "10.0.0.0/8")};
  const std::vector<ApiCall> calls = {
      call("RevokeSecurityGroupIngress", permission("tcp", 22, "10.0.0.0/8"), "null",
           failed("Client.UnauthorizedOperation")),
      call("DeleteSecurityGroup", group_params(""), "null", failed("DependencyViolation")),
  };
  ASSERT_TRUE(calls[0].attempt());
  ASSERT_EQ(calls[1].effects.size(), 1u);
  const Correlation result = correlate_all(diff, calls);
  EXPECT_FALSE(result.complete);
  EXPECT_TRUE(result.calls.empty());
  EXPECT_EQ(result.unexplained, (std::vector<std::string>{
                                    "group deleted", "ingress tcp/22 from 10.0.0.0/8 removed"}));
}

TEST(Correlate, OtherGroupsRegionsAndAccountsDoNotCount) {
  GroupDiff diff = modified();
  diff.added = {ingress("tcp", 22, 22, "10.0.0.0/8")};
  const std::vector<ApiCall> calls = {
      call("AuthorizeSecurityGroupIngress", permission("tcp", 22, "10.0.0.0/8", "", kOtherGroup)),
      call("AuthorizeSecurityGroupIngress", permission("tcp", 22, "10.0.0.0/8"), "null",
           in_region("us-east-1")),
      call("AuthorizeSecurityGroupIngress", permission("tcp", 22, "10.0.0.0/8"), "null",
           of_account("444455556666")),
  };
  const Correlation result = correlate_all(diff, calls);
  EXPECT_FALSE(result.complete);
  EXPECT_TRUE(result.calls.empty());

  // A record that names no account is placed by its group alone.
  ApiCall no_account = calls[0];
  no_account.effects[0].group = testing::gid(kGroup);
  no_account.account.reset();
  EXPECT_TRUE(correlate_all(diff, {no_account}).complete);
}

TEST(Correlate, PartiallyExplainedChangeNamesTheRest) {
  GroupDiff diff = modified();
  diff.added = {ingress("tcp", 22, 22, "0.0.0.0/0"), ingress("tcp", 3389, 3389, "0.0.0.0/0")};
  diff.tags = {{"Owner", "alice", "bob"}};
  const Correlation result = correlate_all(
      diff, {call("AuthorizeSecurityGroupIngress", permission("tcp", 22, "0.0.0.0/0"))});
  EXPECT_FALSE(result.complete);
  EXPECT_EQ(result.calls, std::vector<size_t>{0});
  EXPECT_EQ(result.unexplained, (std::vector<std::string>{
                                    "ingress tcp/3389 from 0.0.0.0/0 added", "tag Owner changed"}));
}

TEST(Correlate, CallsOldestFirstTiesByIndexAndNoBystanders) {
  GroupDiff diff = modified();
  diff.added = {ingress("tcp", 22, 22, "0.0.0.0/0"), ingress("tcp", 80, 80, "0.0.0.0/0"),
                ingress("tcp", 443, 443, "0.0.0.0/0")};
  // Given out of order, with a tie in time and a call on the group that changed nothing the
  // diff shows (a tag the diff does not list).
  const std::vector<ApiCall> calls = {
      call("AuthorizeSecurityGroupIngress", permission("tcp", 22, "0.0.0.0/0"), "null",
           when("10:30:00")),
      call("CreateTags", tag_params(R"({"key":"Stage","value":"prod"})"), "null",
           when("10:20:00")),
      call("AuthorizeSecurityGroupIngress", permission("tcp", 80, "0.0.0.0/0"), "null",
           when("10:00:00")),
      call("AuthorizeSecurityGroupIngress", permission("tcp", 443, "0.0.0.0/0"), "null",
           when("10:30:00")),
  };
  const Correlation result = correlate_all(diff, calls);
  EXPECT_TRUE(result.complete);
  EXPECT_EQ(result.calls, (std::vector<size_t>{2, 0, 3}));
}

TEST(Correlate, AddedRevokedAndAddedAgainListsAllThree) {
  GroupDiff diff = modified();
  diff.added = {ingress("tcp", 22, 22, "0.0.0.0/0")};
  const std::string ssh = permission("tcp", 22, "0.0.0.0/0");
  const std::vector<ApiCall> calls = {
      call("AuthorizeSecurityGroupIngress", ssh, "null", when("10:00:00")),
      call("RevokeSecurityGroupIngress", ssh, "null", when("10:05:00")),
      call("AuthorizeSecurityGroupIngress", ssh, "null", when("10:10:00")),
      // Another rule's revoke: not part of this change's story.
      call("RevokeSecurityGroupIngress", permission("tcp", 22, "10.0.0.0/8"), "null",
           when("10:07:00")),
  };
  const Correlation result = correlate_all(diff, calls);
  EXPECT_TRUE(result.complete);
  EXPECT_EQ(result.calls, (std::vector<size_t>{0, 1, 2}));

  // A revoke alone explains no addition, nor does one after the last authorize.
  EXPECT_FALSE(correlate_all(diff, {calls[1]}).complete);
  EXPECT_TRUE(correlate_all(diff, {calls[1]}).calls.empty());
  EXPECT_EQ(correlate_all(diff, {calls[0], calls[1]}).calls, std::vector<size_t>{0});
}

TEST(Correlate, TagSetDeletedAndSetAgainListsAllThree) {
  GroupDiff diff = modified();
  diff.tags = {{"Owner", std::nullopt, "bob"}};
  const std::vector<ApiCall> calls = {
      call("CreateTags", tag_params(R"({"key":"Owner","value":"bob"})"), "null",
           when("10:00:00")),
      call("DeleteTags", tag_params(R"({"key":"Owner"})"), "null", when("10:01:00")),
      call("CreateTags", tag_params(R"({"key":"Owner","value":"bob"})"), "null",
           when("10:02:00")),
  };
  const Correlation result = correlate_all(diff, calls);
  EXPECT_TRUE(result.complete);
  EXPECT_EQ(result.calls, (std::vector<size_t>{0, 1, 2}));
}

TEST(Correlate, EmptyDiffIsCompleteWithNoCalls) {
  const Correlation result = correlate_all(
      modified(), {call("AuthorizeSecurityGroupIngress", permission("tcp", 22, "0.0.0.0/0"))});
  EXPECT_TRUE(result.complete);
  EXPECT_TRUE(result.calls.empty());
  EXPECT_TRUE(result.unexplained.empty());
}

}  // namespace
}  // namespace sgwatch::correlate_test
