// Ec2Service: groups, tags, and the checks every call goes through (authorization, dry
// runs, unknown actions and regions, the mutation observer).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "emulator/ec2/ec2_test_support.h"

namespace sgwatch::emulator::ec2_groups_test {
namespace {

using ec2_testing::alice;
using ec2_testing::is_long_id;
using ec2_testing::kAccount;
using ec2_testing::kRegion;
using ec2_testing::Reply;

class Ec2Groups : public ec2_testing::Ec2ServiceTest {};
class Ec2Access : public ec2_testing::Ec2ServiceTest {};

TEST_F(Ec2Groups, EachAccountAndRegionHasADefaultVpcAndGroup) {
  Reply reply = call({{"Action", "DescribeSecurityGroups"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_EQ(reply.count("//securityGroupInfo/item"), 1u);
  const std::string group = "//securityGroupInfo/item";
  EXPECT_EQ(reply.text(group + "/groupName"), "default");
  EXPECT_EQ(reply.text(group + "/ownerId"), kAccount);
  EXPECT_TRUE(is_long_id(reply.text(group + "/groupId"), "sg"));
  EXPECT_TRUE(is_long_id(reply.text(group + "/vpcId"), "vpc"));
  EXPECT_EQ(reply.text(group + "/vpcId"), service_.default_vpc(kAccount, kRegion));
  // In: all traffic from the group itself. Out: all traffic to anywhere.
  EXPECT_EQ(reply.text(group + "/ipPermissions/item/ipProtocol"), "-1");
  EXPECT_EQ(reply.count(group + "/ipPermissions/item/fromPort"), 0u);
  EXPECT_EQ(reply.text(group + "/ipPermissions/item/groups/item/groupId"),
            reply.text(group + "/groupId"));
  EXPECT_EQ(reply.text(group + "/ipPermissions/item/groups/item/userId"), kAccount);
  EXPECT_EQ(reply.text(group + "/ipPermissionsEgress/item/ipProtocol"), "-1");
  EXPECT_EQ(reply.text(group + "/ipPermissionsEgress/item/ipRanges/item/cidrIp"), "0.0.0.0/0");
  EXPECT_EQ(reply.text(group + "/securityGroupArn"),
            "arn:aws:ec2:us-east-1:111122223333:security-group/" + reply.text(group + "/groupId"));

  // Another region of the same account is another world.
  Reply other = call({{"Action", "DescribeSecurityGroups"}}, "eu-west-1");
  EXPECT_NE(other.text("//groupId"), reply.text(group + "/groupId"));
  EXPECT_NE(other.text("//vpcId"), reply.text(group + "/vpcId"));
}

TEST_F(Ec2Groups, CreateReturnsIdTagsAndArn) {
  Reply reply = call({{"Action", "CreateSecurityGroup"},
                      {"GroupName", "web"},
                      {"GroupDescription", "web servers"},
                      {"TagSpecification.1.ResourceType", "security-group"},
                      {"TagSpecification.1.Tag.1.Key", "Owner"},
                      {"TagSpecification.1.Tag.1.Value", "team-web"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const std::string id = reply.text("/CreateSecurityGroupResponse/groupId");
  EXPECT_TRUE(is_long_id(id, "sg"));
  EXPECT_EQ(reply.text("/CreateSecurityGroupResponse/tagSet/item/key"), "Owner");
  EXPECT_EQ(reply.text("/CreateSecurityGroupResponse/securityGroupArn"),
            "arn:aws:ec2:us-east-1:111122223333:security-group/" + id);
  EXPECT_NE(reply.body.find("xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\""),
            std::string::npos);
  EXPECT_FALSE(reply.text("/CreateSecurityGroupResponse/requestId").empty());

  Reply described = call({{"Action", "DescribeSecurityGroups"}, {"GroupId.1", id}});
  EXPECT_EQ(described.text("//item/groupName"), "web");
  EXPECT_EQ(described.text("//item/groupDescription"), "web servers");
  EXPECT_EQ(described.text("//item/tagSet/item/value"), "team-web");
  // A new group may send anything anywhere until told otherwise.
  EXPECT_EQ(described.text("//item/ipPermissionsEgress/item/ipRanges/item/cidrIp"),
            "0.0.0.0/0");
  EXPECT_EQ(described.count("//item/ipPermissions/item"), 0u);
}

TEST_F(Ec2Groups, CreateErrors) {
  create("web");
  Reply duplicate = call(
      {{"Action", "CreateSecurityGroup"}, {"GroupName", "web"}, {"GroupDescription", "again"}});
  EXPECT_EQ(duplicate.status, 400);
  EXPECT_EQ(duplicate.error_code(), "InvalidGroup.Duplicate");
  EXPECT_EQ(duplicate.error_message(), "The security group 'web' already exists for VPC '" +
                                           service_.default_vpc(kAccount, kRegion) + "'");

  EXPECT_EQ(call({{"Action", "CreateSecurityGroup"}, {"GroupName", "x"}}).error_code(),
            "MissingParameter");
  EXPECT_EQ(call({{"Action", "CreateSecurityGroup"}, {"GroupDescription", "x"}}).error_code(),
            "MissingParameter");
  EXPECT_EQ(call({{"Action", "CreateSecurityGroup"},
                  {"GroupName", "sg-web"},
                  {"GroupDescription", "x"}})
                .error_code(),
            "InvalidParameterValue");
  EXPECT_EQ(call({{"Action", "CreateSecurityGroup"},
                  {"GroupName", "other"},
                  {"GroupDescription", "x"},
                  {"VpcId", "vpc-0123456789abcdef0"}})
                .error_code(),
            "InvalidVpcID.NotFound");
  EXPECT_EQ(call({{"Action", "CreateSecurityGroup"},
                  {"GroupName", "other"},
                  {"GroupDescription", "x"},
                  {"TagSpecification.1.ResourceType", "instance"},
                  {"TagSpecification.1.Tag.1.Key", "k"}})
                .error_code(),
            "InvalidParameterValue");
}

TEST_F(Ec2Groups, SameNameInAnotherVpcIsFine) {
  const std::string vpc = service_.create_vpc(kAccount, kRegion);
  create("web");
  Reply reply = call({{"Action", "CreateSecurityGroup"},
                      {"GroupName", "web"},
                      {"GroupDescription", "web in the other VPC"},
                      {"VpcId", vpc}});
  EXPECT_EQ(reply.status, 200) << reply.body;
}

TEST_F(Ec2Groups, DeleteByIdOrName) {
  const std::string web = create("web");
  create("db");
  Reply by_id = call({{"Action", "DeleteSecurityGroup"}, {"GroupId", web}});
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_EQ(by_id.text("//return"), "true");
  Reply by_name = call({{"Action", "DeleteSecurityGroup"}, {"GroupName", "db"}});
  EXPECT_EQ(by_name.status, 200) << by_name.body;
  EXPECT_EQ(service_.group_count(kAccount, kRegion), 1u);
  // Their rules went with them: only the default group's two remain.
  EXPECT_EQ(service_.rule_count(kAccount, kRegion), 2u);

  Reply again = call({{"Action", "DeleteSecurityGroup"}, {"GroupId", web}});
  EXPECT_EQ(again.error_code(), "InvalidGroup.NotFound");
  EXPECT_EQ(again.error_message(), "The security group '" + web + "' does not exist");
  EXPECT_EQ(call({{"Action", "DeleteSecurityGroup"}, {"GroupName", "nope"}}).error_code(),
            "InvalidGroup.NotFound");
  EXPECT_EQ(call({{"Action", "DeleteSecurityGroup"}, {"GroupId", "sg-zzz"}}).error_code(),
            "InvalidGroupId.Malformed");
  EXPECT_EQ(call({{"Action", "DeleteSecurityGroup"}}).error_code(), "MissingParameter");
}

TEST_F(Ec2Groups, TheDefaultGroupCannotBeDeleted) {
  const std::string id = service_.default_group(kAccount, kRegion);
  Reply reply = call({{"Action", "DeleteSecurityGroup"}, {"GroupId", id}});
  EXPECT_EQ(reply.error_code(), "CannotDelete");
  EXPECT_EQ(reply.error_message(),
            "the specified group: \"" + id + "\" name: \"default\" cannot be deleted by a user");
}

TEST_F(Ec2Groups, AGroupReferencedByAnotherCannotBeDeleted) {
  const std::string web = create("web");
  const std::string db = create("db");
  Reply allowed = call({{"Action", "AuthorizeSecurityGroupIngress"},
                        {"GroupId", db},
                        {"IpPermissions.1.IpProtocol", "tcp"},
                        {"IpPermissions.1.FromPort", "5432"},
                        {"IpPermissions.1.ToPort", "5432"},
                        {"IpPermissions.1.Groups.1.GroupId", web},
                        {"IpPermissions.1.Groups.1.Description", "from web"}});
  ASSERT_EQ(allowed.status, 200) << allowed.body;
  EXPECT_EQ(allowed.text("//referencedGroupInfo/groupId"), web);
  EXPECT_EQ(allowed.text("//referencedGroupInfo/userId"), kAccount);

  Reply refused = call({{"Action", "DeleteSecurityGroup"}, {"GroupId", web}});
  EXPECT_EQ(refused.error_code(), "DependencyViolation");
  EXPECT_EQ(refused.error_message(), "resource " + web + " has a dependent object");

  // A group referring to itself is no obstacle; the referring group can go, then the other.
  Reply self = call({{"Action", "AuthorizeSecurityGroupIngress"},
                     {"GroupId", db},
                     {"IpPermissions.1.IpProtocol", "-1"},
                     {"IpPermissions.1.Groups.1.GroupId", db}});
  ASSERT_EQ(self.status, 200) << self.body;
  EXPECT_EQ(call({{"Action", "DeleteSecurityGroup"}, {"GroupId", db}}).status, 200);
  EXPECT_EQ(call({{"Action", "DeleteSecurityGroup"}, {"GroupId", web}}).status, 200);
}

TEST_F(Ec2Groups, CreateAndDeleteTagsOnGroupsAndRules) {
  const std::string web = create("web");
  Reply allowed = allow_tcp(web, 443, "0.0.0.0/0");
  const std::string rule = allowed.text("//securityGroupRuleId");
  ASSERT_TRUE(is_long_id(rule, "sgr"));

  Reply tagged = call({{"Action", "CreateTags"},
                       {"ResourceId.1", web},
                       {"ResourceId.2", rule},
                       {"Tag.1.Key", "Owner"},
                       {"Tag.1.Value", "team-web"},
                       {"Tag.2.Key", "NotifyOnChange"},
                       {"Tag.2.Value", "true"}});
  ASSERT_EQ(tagged.status, 200) << tagged.body;
  EXPECT_EQ(tagged.text("//return"), "true");

  Reply group = call({{"Action", "DescribeSecurityGroups"}, {"GroupId.1", web}});
  EXPECT_EQ(group.count("//item/tagSet/item"), 2u);
  Reply rules = call({{"Action", "DescribeSecurityGroupRules"},
                      {"SecurityGroupRuleId.1", rule}});
  EXPECT_EQ(rules.count("//securityGroupRuleSet/item/tagSet/item"), 2u);

  // A value that does not match leaves the tag; no value removes it whatever it holds.
  ASSERT_EQ(call({{"Action", "DeleteTags"},
                  {"ResourceId.1", web},
                  {"Tag.1.Key", "Owner"},
                  {"Tag.1.Value", "someone-else"},
                  {"Tag.2.Key", "NotifyOnChange"}})
                .status,
            200);
  group = call({{"Action", "DescribeSecurityGroups"}, {"GroupId.1", web}});
  EXPECT_EQ(group.texts("//item/tagSet/item/key"), std::vector<std::string>{"Owner"});
  // No tags at all: every tag goes.
  ASSERT_EQ(call({{"Action", "DeleteTags"}, {"ResourceId.1", rule}}).status, 200);
  rules = call({{"Action", "DescribeSecurityGroupRules"}, {"SecurityGroupRuleId.1", rule}});
  EXPECT_EQ(rules.count("//securityGroupRuleSet/item/tagSet/item"), 0u);
}

TEST_F(Ec2Groups, TagErrors) {
  const std::string web = create("web");
  EXPECT_EQ(call({{"Action", "CreateTags"},
                  {"ResourceId.1", "sg-0123456789abcdef0"},
                  {"Tag.1.Key", "k"}})
                .error_code(),
            "InvalidGroup.NotFound");
  EXPECT_EQ(call({{"Action", "CreateTags"},
                  {"ResourceId.1", "sgr-0123456789abcdef0"},
                  {"Tag.1.Key", "k"}})
                .error_code(),
            "InvalidSecurityGroupRuleId.NotFound");
  EXPECT_EQ(call({{"Action", "CreateTags"}, {"ResourceId.1", "i-0123456789abcdef0"},
                  {"Tag.1.Key", "k"}})
                .error_code(),
            "InvalidID");
  EXPECT_EQ(call({{"Action", "CreateTags"}, {"ResourceId.1", web}, {"Tag.1.Key", "aws:x"}})
                .error_code(),
            "InvalidParameterValue");
  EXPECT_EQ(call({{"Action", "CreateTags"}, {"ResourceId.1", web}}).error_code(),
            "MissingParameter");
  // Nothing was tagged by the failed calls.
  Reply group = call({{"Action", "DescribeSecurityGroups"}, {"GroupId.1", web}});
  EXPECT_EQ(group.count("//item/tagSet"), 0u);
}

TEST_F(Ec2Access, DryRunAnswersWithoutActing) {
  Reply allowed = call({{"Action", "CreateSecurityGroup"},
                        {"GroupName", "web"},
                        {"GroupDescription", "web"},
                        {"DryRun", "true"}});
  EXPECT_EQ(allowed.status, 412);
  EXPECT_EQ(allowed.error_code(), "DryRunOperation");
  EXPECT_EQ(allowed.error_message(), "Request would have succeeded, but DryRun flag is set.");
  EXPECT_EQ(service_.group_count(kAccount, kRegion), 1u);

  Caller denied = alice();
  denied.denied.insert("ec2:CreateSecurityGroup");
  Reply refused = call_as(denied, {{"Action", "CreateSecurityGroup"},
                                   {"GroupName", "web"},
                                   {"GroupDescription", "web"},
                                   {"DryRun", "true"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.error_code(), "UnauthorizedOperation");

  EXPECT_EQ(call({{"Action", "DescribeSecurityGroups"}, {"DryRun", "true"}}).status, 412);
  EXPECT_EQ(call({{"Action", "DescribeSecurityGroups"}, {"DryRun", "false"}}).status, 200);
}

TEST_F(Ec2Access, UnauthorizedOperationNamesUserActionAndResource) {
  const std::string web = create("web");
  Caller denied = alice();
  denied.denied.insert("ec2:AuthorizeSecurityGroupIngress");
  Reply refused = call_as(denied, {{"Action", "AuthorizeSecurityGroupIngress"},
                                   {"GroupId", web},
                                   {"CidrIp", "0.0.0.0/0"},
                                   {"IpProtocol", "tcp"},
                                   {"FromPort", "22"},
                                   {"ToPort", "22"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.error_code(), "UnauthorizedOperation");
  const std::string message = refused.error_message();
  EXPECT_EQ(message.rfind("You are not authorized to perform this operation. User: "
                          "arn:aws:iam::111122223333:user/alice is not authorized to perform: "
                          "ec2:AuthorizeSecurityGroupIngress on resource: "
                          "arn:aws:ec2:us-east-1:111122223333:security-group/" + web,
                          0),
            0u)
      << message;
  EXPECT_NE(message.find("Encoded authorization failure message: "), std::string::npos);
  // Nothing changed.
  EXPECT_EQ(call({{"Action", "DescribeSecurityGroups"}, {"GroupId.1", web}})
                .count("//item/ipPermissions/item"),
            0u);

  Caller no_ec2 = alice();
  no_ec2.denied.insert("ec2:*");
  Reply describe = call_as(no_ec2, {{"Action", "DescribeSecurityGroups"}});
  EXPECT_EQ(describe.error_code(), "UnauthorizedOperation");
  EXPECT_EQ(describe.error_message().find("Encoded"), std::string::npos);
}

TEST_F(Ec2Access, UnknownActionMissingActionAndUnservedRegion) {
  Reply unknown = call({{"Action", "DescribeInstances"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.error_code(), "InvalidAction");
  EXPECT_EQ(unknown.error_message(),
            "The action DescribeInstances is not valid for this web service.");
  EXPECT_EQ(call({}).error_code(), "MissingAction");
  Reply region = call({{"Action", "DescribeSecurityGroups"}}, "ap-south-1");
  EXPECT_EQ(region.status, 401);
  EXPECT_EQ(region.error_code(), "AuthFailure");
  EXPECT_FALSE(region.text("/Response/RequestID").empty());
}

TEST_F(Ec2Access, ObserverSeesEveryMutatingCall) {
  std::vector<MutationRecord> records;
  service_.set_observer([&](const MutationRecord& record) { records.push_back(record); });

  const std::string web = create("web");
  allow_tcp(web, 22, "0.0.0.0/0");
  allow_tcp(web, 22, "0.0.0.0/0");  // a duplicate: refused, still recorded
  call({{"Action", "DescribeSecurityGroups"}});  // reads are not recorded
  Caller denied = alice();
  denied.denied.insert("ec2:DeleteSecurityGroup");
  call_as(denied, {{"Action", "DeleteSecurityGroup"}, {"GroupId", web}});
  call({{"Action", "DeleteSecurityGroup"}, {"GroupId", web}, {"DryRun", "true"}});

  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0].action, "CreateSecurityGroup");
  EXPECT_EQ(records[0].group_id, web);
  EXPECT_EQ(records[0].error_code, "");
  EXPECT_EQ(records[0].params.at("GroupName"), "web");
  EXPECT_EQ(records[0].caller.arn, alice().arn);
  EXPECT_EQ(records[0].region, kRegion);
  EXPECT_FALSE(records[0].request_id.empty());

  EXPECT_EQ(records[1].action, "AuthorizeSecurityGroupIngress");
  ASSERT_EQ(records[1].rules.size(), 1u);
  EXPECT_EQ(records[1].rules[0].spec.peer.value, "0.0.0.0/0");
  EXPECT_EQ(records[1].rules[0].spec.from_port, 22);

  EXPECT_EQ(records[2].error_code, "InvalidPermission.Duplicate");
  EXPECT_EQ(records[2].http_status, 400);
  EXPECT_TRUE(records[2].rules.empty());
  EXPECT_EQ(records[3].error_code, "UnauthorizedOperation");
  EXPECT_EQ(records[3].caller.denied.size(), 1u);
  EXPECT_EQ(records[4].error_code, "DryRunOperation");
  EXPECT_EQ(records[4].http_status, 412);
}

TEST_F(Ec2Access, CallsFromSeveralThreads) {
  std::atomic<int> observed{0};
  service_.set_observer([&](const MutationRecord&) { ++observed; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 25; ++i) {
        const std::string name = "t" + std::to_string(t) + "-" + std::to_string(i);
        Response created = service_.handle(caller_, kRegion,
                                           {{"Action", "CreateSecurityGroup"},
                                            {"GroupName", name},
                                            {"GroupDescription", name}});
        EXPECT_EQ(created.status, 200);
        service_.handle(caller_, kRegion, {{"Action", "DescribeSecurityGroups"}, {"MaxResults", "5"}});
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(service_.group_count(kAccount, kRegion), 101u);
  EXPECT_EQ(observed.load(), 100);
}

TEST_F(Ec2Access, SameSeedSameIds) {
  Ec2Service again({"us-east-1"}, 42);
  EXPECT_EQ(again.default_group(kAccount, kRegion), service_.default_group(kAccount, kRegion));
  Ec2Service other({"us-east-1"}, 43);
  EXPECT_NE(other.default_group(kAccount, kRegion), service_.default_group(kAccount, kRegion));
}

}  // namespace
}  // namespace sgwatch::emulator::ec2_groups_test
