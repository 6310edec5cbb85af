// Ec2Service: authorizing, revoking, modifying and describing rules.
#include <gtest/gtest.h>

#include "emulator/ec2/ec2_test_support.h"

namespace sgwatch::emulator::ec2_rules_test {
namespace {

using ec2_testing::kAccount;
using ec2_testing::kRegion;
using ec2_testing::Reply;

class Ec2Rules : public ec2_testing::Ec2ServiceTest {
 protected:
  void SetUp() override { web_ = create("web"); }

  // The group's rules in one direction, from DescribeSecurityGroupRules.
  Reply rules_of(const std::string& group) {
    return call({{"Action", "DescribeSecurityGroupRules"},
                 {"Filter.1.Name", "group-id"},
                 {"Filter.1.Value.1", group}});
  }

  std::string web_;
};

TEST_F(Ec2Rules, AuthorizeIngressAnswersWithTheNewRules) {
  Reply reply = call({{"Action", "AuthorizeSecurityGroupIngress"},
                      {"GroupId", web_},
                      {"IpPermissions.1.IpProtocol", "tcp"},
                      {"IpPermissions.1.FromPort", "443"},
                      {"IpPermissions.1.ToPort", "443"},
                      {"IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"},
                      {"IpPermissions.1.IpRanges.1.Description", "https"},
                      {"IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "::/0"},
                      {"IpPermissions.2.IpProtocol", "udp"},
                      {"IpPermissions.2.FromPort", "53"},
                      {"IpPermissions.2.ToPort", "53"},
                      {"IpPermissions.2.PrefixListIds.1.PrefixListId", "pl-63a5400a"},
                      {"TagSpecification.1.ResourceType", "security-group-rule"},
                      {"TagSpecification.1.Tag.1.Key", "Ticket"},
                      {"TagSpecification.1.Tag.1.Value", "OPS-1"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.text("/AuthorizeSecurityGroupIngressResponse/return"), "true");
  const std::string items = "/AuthorizeSecurityGroupIngressResponse/securityGroupRuleSet/item";
  ASSERT_EQ(reply.count(items), 3u);
  const std::string first = items + "[1]";
  EXPECT_TRUE(ec2_testing::is_long_id(reply.text(first + "/securityGroupRuleId"), "sgr"));
  EXPECT_EQ(reply.text(first + "/groupId"), web_);
  EXPECT_EQ(reply.text(first + "/groupOwnerId"), kAccount);
  EXPECT_EQ(reply.text(first + "/isEgress"), "false");
  EXPECT_EQ(reply.text(first + "/ipProtocol"), "tcp");
  EXPECT_EQ(reply.text(first + "/fromPort"), "443");
  EXPECT_EQ(reply.text(first + "/toPort"), "443");
  EXPECT_EQ(reply.text(first + "/cidrIpv4"), "0.0.0.0/0");
  EXPECT_EQ(reply.text(first + "/description"), "https");
  EXPECT_EQ(reply.text(first + "/tagSet/item/key"), "Ticket");
  EXPECT_EQ(reply.text(first + "/securityGroupRuleArn"),
            "arn:aws:ec2:us-east-1:111122223333:security-group-rule/" +
                reply.text(first + "/securityGroupRuleId"));
  EXPECT_EQ(reply.text(items + "[2]/cidrIpv6"), "::/0");
  EXPECT_EQ(reply.count(items + "[2]/cidrIpv4"), 0u);
  EXPECT_EQ(reply.text(items + "[3]/prefixListId"), "pl-63a5400a");

  // DescribeSecurityGroups groups them back into permissions by protocol and ports.
  Reply group = call({{"Action", "DescribeSecurityGroups"}, {"GroupId.1", web_}});
  const std::string permissions = "//securityGroupInfo/item/ipPermissions/item";
  ASSERT_EQ(group.count(permissions), 2u);
  EXPECT_EQ(group.text(permissions + "[1]/ipProtocol"), "tcp");
  EXPECT_EQ(group.text(permissions + "[1]/ipRanges/item/cidrIp"), "0.0.0.0/0");
  EXPECT_EQ(group.text(permissions + "[1]/ipRanges/item/description"), "https");
  EXPECT_EQ(group.text(permissions + "[1]/ipv6Ranges/item/cidrIpv6"), "::/0");
  EXPECT_EQ(group.count(permissions + "[1]/groups"), 1u);  // present even when empty
  EXPECT_EQ(group.text(permissions + "[2]/prefixListIds/item/prefixListId"), "pl-63a5400a");
}

TEST_F(Ec2Rules, TheOlderTopLevelIngressForm) {
  Reply reply = call({{"Action", "AuthorizeSecurityGroupIngress"},
                      {"GroupName", "web"},
                      {"IpProtocol", "tcp"},
                      {"FromPort", "22"},
                      {"ToPort", "22"},
                      {"CidrIp", "198.51.100.7/32"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.text("//securityGroupRuleSet/item/cidrIpv4"), "198.51.100.7/32");

  const std::string db = create("db");
  Reply source = call({{"Action", "AuthorizeSecurityGroupIngress"},
                       {"GroupId", db},
                       {"SourceSecurityGroupName", "web"},
                       {"SourceSecurityGroupOwnerId", kAccount}});
  ASSERT_EQ(source.status, 200) << source.body;
  EXPECT_EQ(source.text("//securityGroupRuleSet/item/referencedGroupInfo/groupId"), web_);
  EXPECT_EQ(source.text("//securityGroupRuleSet/item/ipProtocol"), "-1");

  EXPECT_EQ(call({{"Action", "AuthorizeSecurityGroupIngress"},
                  {"GroupId", web_},
                  {"CidrIp", "10.0.0.0/8"},
                  {"IpProtocol", "tcp"},
                  {"FromPort", "1"},
                  {"ToPort", "2"},
                  {"IpPermissions.1.IpProtocol", "-1"}})
                .error_code(),
            "InvalidParameterCombination");
}

TEST_F(Ec2Rules, GroupReferencesByIdOrName) {
  const std::string db = create("db");
  Reply by_name = call({{"Action", "AuthorizeSecurityGroupIngress"},
                        {"GroupId", db},
                        {"IpPermissions.1.IpProtocol", "tcp"},
                        {"IpPermissions.1.FromPort", "5432"},
                        {"IpPermissions.1.ToPort", "5432"},
                        {"IpPermissions.1.Groups.1.GroupName", "web"}});
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  EXPECT_EQ(by_name.text("//referencedGroupInfo/groupId"), web_);

  Reply missing = call({{"Action", "AuthorizeSecurityGroupIngress"},
                        {"GroupId", db},
                        {"IpPermissions.1.IpProtocol", "tcp"},
                        {"IpPermissions.1.FromPort", "5432"},
                        {"IpPermissions.1.ToPort", "5432"},
                        {"IpPermissions.1.Groups.1.GroupId", "sg-0123456789abcdef0"}});
  EXPECT_EQ(missing.error_code(), "InvalidGroup.NotFound");

  // Another account's group is taken on trust and keeps its owner.
  Reply other = call({{"Action", "AuthorizeSecurityGroupIngress"},
                      {"GroupId", db},
                      {"IpPermissions.1.IpProtocol", "tcp"},
                      {"IpPermissions.1.FromPort", "5432"},
                      {"IpPermissions.1.ToPort", "5432"},
                      {"IpPermissions.1.Groups.1.GroupId", "sg-0123456789abcdef0"},
                      {"IpPermissions.1.Groups.1.UserId", "444455556666"}});
  ASSERT_EQ(other.status, 200) << other.body;
  Reply group = call({{"Action", "DescribeSecurityGroups"}, {"GroupId.1", db}});
  EXPECT_EQ(group.texts("//ipPermissions/item/groups/item/userId"),
            (std::vector<std::string>{kAccount, "444455556666"}));
}

TEST_F(Ec2Rules, AuthorizeEgress) {
  Reply reply = call({{"Action", "AuthorizeSecurityGroupEgress"},
                      {"GroupId", web_},
                      {"IpPermissions.1.IpProtocol", "tcp"},
                      {"IpPermissions.1.FromPort", "5432"},
                      {"IpPermissions.1.ToPort", "5432"},
                      {"IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/16"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.text("//securityGroupRuleSet/item/isEgress"), "true");
  EXPECT_EQ(call({{"Action", "AuthorizeSecurityGroupEgress"},
                  {"GroupName", "web"},
                  {"IpPermissions.1.IpProtocol", "-1"},
                  {"IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"}})
                .error_code(),
            "MissingParameter");
  EXPECT_EQ(call({{"Action", "AuthorizeSecurityGroupEgress"}, {"GroupId", web_},
                  {"CidrIp", "10.0.0.0/8"}, {"IpProtocol", "-1"}})
                .error_code(),
            "InvalidParameterCombination");
}

TEST_F(Ec2Rules, DuplicateRuleIsRefusedInAwsWords) {
  ASSERT_EQ(allow_tcp(web_, 22, "0.0.0.0/0").status, 200);
  Reply again = allow_tcp(web_, 22, "0.0.0.0/0", "same rule, other words");
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.error_code(), "InvalidPermission.Duplicate");
  EXPECT_EQ(again.error_message(),
            "the specified rule \"peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW\" "
            "already exists");

  // The non-canonical spelling of a stored CIDR is the same rule.
  ASSERT_EQ(allow_tcp(web_, 80, "10.0.0.0/8").status, 200);
  EXPECT_EQ(allow_tcp(web_, 80, "10.1.2.3/8").error_code(), "InvalidPermission.Duplicate");
  // The default egress rule, too.
  EXPECT_EQ(call({{"Action", "AuthorizeSecurityGroupEgress"},
                  {"GroupId", web_},
                  {"IpPermissions.1.IpProtocol", "-1"},
                  {"IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"}})
                .error_code(),
            "InvalidPermission.Duplicate");
}

TEST_F(Ec2Rules, NonCanonicalCidrIsStoredCanonically) {
  Reply reply = allow_tcp(web_, 443, "100.68.0.18/18");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.text("//cidrIpv4"), "100.68.0.0/18");
}

TEST_F(Ec2Rules, ValidationErrors) {
  EXPECT_EQ(allow_tcp(web_, 22, "10.0.0.0/33").error_code(), "InvalidParameterValue");
  EXPECT_EQ(allow_tcp(web_, 70000, "10.0.0.0/8").error_code(), "InvalidPermission.Malformed");
  EXPECT_EQ(call({{"Action", "AuthorizeSecurityGroupIngress"}, {"GroupId", web_}}).error_code(),
            "MissingParameter");
  EXPECT_EQ(allow_tcp("sg-0123456789abcdef0", 22, "10.0.0.0/8").error_code(),
            "InvalidGroup.NotFound");
  // One bad rule among good ones: none is added.
  Reply mixed = call({{"Action", "AuthorizeSecurityGroupIngress"},
                      {"GroupId", web_},
                      {"IpPermissions.1.IpProtocol", "tcp"},
                      {"IpPermissions.1.FromPort", "1"},
                      {"IpPermissions.1.ToPort", "1"},
                      {"IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"},
                      {"IpPermissions.1.IpRanges.2.CidrIp", "bogus"}});
  EXPECT_EQ(mixed.error_code(), "InvalidParameterValue");
  EXPECT_EQ(rules_of(web_).count("//securityGroupRuleSet/item"), 1u);  // the default egress
}

TEST_F(Ec2Rules, RevokeByContentAndById) {
  ASSERT_EQ(allow_tcp(web_, 22, "10.0.0.0/8").status, 200);
  const std::string https = allow_tcp(web_, 443, "0.0.0.0/0").text("//securityGroupRuleId");

  Reply revoked = call({{"Action", "RevokeSecurityGroupIngress"},
                        {"GroupId", web_},
                        {"IpPermissions.1.IpProtocol", "6"},
                        {"IpPermissions.1.FromPort", "22"},
                        {"IpPermissions.1.ToPort", "22"},
                        {"IpPermissions.1.IpRanges.1.CidrIp", "10.9.9.9/8"}});
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.text("//return"), "true");
  EXPECT_EQ(revoked.text("//revokedSecurityGroupRuleSet/item/cidrIpv4"), "10.0.0.0/8");

  Reply by_id = call({{"Action", "RevokeSecurityGroupIngress"},
                      {"GroupId", web_},
                      {"SecurityGroupRuleId.1", https}});
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_EQ(by_id.text("//revokedSecurityGroupRuleSet/item/securityGroupRuleId"), https);
  EXPECT_EQ(call({{"Action", "DescribeSecurityGroups"}, {"GroupId.1", web_}})
                .count("//ipPermissions/item"),
            0u);
}

TEST_F(Ec2Rules, RevokingWhatIsNotThere) {
  Reply missing = call({{"Action", "RevokeSecurityGroupIngress"},
                        {"GroupId", web_},
                        {"IpProtocol", "tcp"},
                        {"FromPort", "22"},
                        {"ToPort", "22"},
                        {"CidrIp", "0.0.0.0/0"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.error_code(), "InvalidPermission.NotFound");
  EXPECT_EQ(missing.error_message(), "The specified rule does not exist in this security group.");

  Reply unknown_id = call({{"Action", "RevokeSecurityGroupIngress"},
                           {"GroupId", web_},
                           {"SecurityGroupRuleId.1", "sgr-0123456789abcdef0"}});
  EXPECT_EQ(unknown_id.error_code(), "InvalidSecurityGroupRuleId.NotFound");

  // The default egress rule's id is not an ingress rule.
  const std::string egress = rules_of(web_).text("//securityGroupRuleSet/item/securityGroupRuleId");
  EXPECT_EQ(call({{"Action", "RevokeSecurityGroupIngress"},
                  {"GroupId", web_},
                  {"SecurityGroupRuleId.1", egress}})
                .error_code(),
            "InvalidSecurityGroupRuleId.NotFound");
  EXPECT_EQ(call({{"Action", "RevokeSecurityGroupEgress"},
                  {"GroupId", web_},
                  {"SecurityGroupRuleId.1", egress}})
                .status,
            200);
}

TEST_F(Ec2Rules, ModifyChangesARuleAndKeepsItsId) {
  const std::string id = allow_tcp(web_, 22, "10.0.0.0/8", "ssh").text("//securityGroupRuleId");
  Reply modified = call({{"Action", "ModifySecurityGroupRules"},
                         {"GroupId", web_},
                         {"SecurityGroupRule.1.SecurityGroupRuleId", id},
                         {"SecurityGroupRule.1.SecurityGroupRule.IpProtocol", "tcp"},
                         {"SecurityGroupRule.1.SecurityGroupRule.FromPort", "2222"},
                         {"SecurityGroupRule.1.SecurityGroupRule.ToPort", "2222"},
                         {"SecurityGroupRule.1.SecurityGroupRule.CidrIpv4", "192.168.0.0/16"},
                         {"SecurityGroupRule.1.SecurityGroupRule.Description", "moved ssh"}});
  ASSERT_EQ(modified.status, 200) << modified.body;
  EXPECT_EQ(modified.text("//return"), "true");

  Reply rule = call({{"Action", "DescribeSecurityGroupRules"}, {"SecurityGroupRuleId.1", id}});
  EXPECT_EQ(rule.text("//item/securityGroupRuleId"), id);
  EXPECT_EQ(rule.text("//item/fromPort"), "2222");
  EXPECT_EQ(rule.text("//item/cidrIpv4"), "192.168.0.0/16");
  EXPECT_EQ(rule.text("//item/description"), "moved ssh");

  // Errors: unknown id, changing the peer's kind, colliding with another rule.
  Params bad = {{"Action", "ModifySecurityGroupRules"},
                {"GroupId", web_},
                {"SecurityGroupRule.1.SecurityGroupRuleId", "sgr-0123456789abcdef0"},
                {"SecurityGroupRule.1.SecurityGroupRule.IpProtocol", "-1"},
                {"SecurityGroupRule.1.SecurityGroupRule.CidrIpv4", "10.0.0.0/8"}};
  EXPECT_EQ(call(bad).error_code(), "InvalidSecurityGroupRuleId.NotFound");
  bad["SecurityGroupRule.1.SecurityGroupRuleId"] = id;
  bad.erase("SecurityGroupRule.1.SecurityGroupRule.CidrIpv4");
  bad["SecurityGroupRule.1.SecurityGroupRule.CidrIpv6"] = "::/0";
  EXPECT_EQ(call(bad).error_code(), "InvalidParameterValue");
  ASSERT_EQ(allow_tcp(web_, 80, "0.0.0.0/0").status, 200);
  bad.erase("SecurityGroupRule.1.SecurityGroupRule.CidrIpv6");
  bad["SecurityGroupRule.1.SecurityGroupRule.IpProtocol"] = "tcp";
  bad["SecurityGroupRule.1.SecurityGroupRule.FromPort"] = "80";
  bad["SecurityGroupRule.1.SecurityGroupRule.ToPort"] = "80";
  bad["SecurityGroupRule.1.SecurityGroupRule.CidrIpv4"] = "0.0.0.0/0";
  EXPECT_EQ(call(bad).error_code(), "InvalidPermission.Duplicate");
  EXPECT_EQ(call({{"Action", "ModifySecurityGroupRules"}, {"GroupId", web_}}).error_code(),
            "MissingParameter");
}

TEST_F(Ec2Rules, UpdateDescriptionsByContentAndById) {
  const std::string id = allow_tcp(web_, 22, "10.0.0.0/8", "old").text("//securityGroupRuleId");
  Reply by_content = call({{"Action", "UpdateSecurityGroupRuleDescriptionsIngress"},
                           {"GroupId", web_},
                           {"IpPermissions.1.IpProtocol", "tcp"},
                           {"IpPermissions.1.FromPort", "22"},
                           {"IpPermissions.1.ToPort", "22"},
                           {"IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"},
                           {"IpPermissions.1.IpRanges.1.Description", "new"}});
  ASSERT_EQ(by_content.status, 200) << by_content.body;
  EXPECT_EQ(call({{"Action", "DescribeSecurityGroupRules"}, {"SecurityGroupRuleId.1", id}})
                .text("//item/description"),
            "new");

  Reply by_id = call({{"Action", "UpdateSecurityGroupRuleDescriptionsIngress"},
                      {"GroupName", "web"},
                      {"SecurityGroupRuleDescription.1.SecurityGroupRuleId", id},
                      {"SecurityGroupRuleDescription.1.Description", "newer"}});
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_EQ(call({{"Action", "DescribeSecurityGroupRules"}, {"SecurityGroupRuleId.1", id}})
                .text("//item/description"),
            "newer");

  EXPECT_EQ(call({{"Action", "UpdateSecurityGroupRuleDescriptionsEgress"},
                  {"GroupId", web_},
                  {"SecurityGroupRuleDescription.1.SecurityGroupRuleId", id},
                  {"SecurityGroupRuleDescription.1.Description", "x"}})
                .error_code(),
            "InvalidSecurityGroupRuleId.NotFound");
  EXPECT_EQ(call({{"Action", "UpdateSecurityGroupRuleDescriptionsIngress"},
                  {"GroupId", web_},
                  {"IpPermissions.1.IpProtocol", "tcp"},
                  {"IpPermissions.1.FromPort", "23"},
                  {"IpPermissions.1.ToPort", "23"},
                  {"IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"}})
                .error_code(),
            "InvalidPermission.NotFound");
}

TEST_F(Ec2Rules, SeedingGoesThroughTheSameChecks) {
  RuleRequest ssh;
  ssh.protocol = "tcp";
  ssh.from_port = ssh.to_port = 22;
  ssh.peer.value = "0.0.0.0/0";
  auto ids = service_.authorize(kAccount, kRegion, web_, false, {ssh});
  ASSERT_TRUE(ids) << ids.error().message;
  ASSERT_EQ(ids->size(), 1u);
  auto again = service_.authorize(kAccount, kRegion, web_, false, {ssh});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "InvalidPermission.Duplicate");
  EXPECT_EQ(service_.create_group(kAccount, kRegion, "web", "dup").error().code,
            "InvalidGroup.Duplicate");
  ASSERT_TRUE(service_.create_tags(kAccount, kRegion, {(*ids)[0]}, {{"Owner", "ops"}}));
  EXPECT_EQ(call({{"Action", "DescribeSecurityGroupRules"},
                  {"Filter.1.Name", "tag:Owner"},
                  {"Filter.1.Value.1", "ops"}})
                .text("//item/securityGroupRuleId"),
            (*ids)[0]);
}

}  // namespace
}  // namespace sgwatch::emulator::ec2_rules_test
