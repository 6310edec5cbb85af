// The emulator against a real AWS client: Debian's awscli signs every request with SigV4,
// serialises every call in the Query protocol and parses every answer by the service
// model. What passes here speaks AWS's protocol, not just sgwatch's idea of it.
#include <gtest/gtest.h>

#include "emulator_fixture.h"

#include "awscli.h"
#include "core/clock.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"

namespace sgwatch::emulator_awscli_test {
namespace {

using emulator::Emulator;
using testing::AwsCli;
using testing::CliResult;
using testing::fails_with;
using testing::ok;

constexpr const char* kAccount = "111122223333";

class EmulatorAwsCliTest : public testing::EmulatorTest {
 protected:
  AwsCli admin() const {
    return AwsCli(emulator_->endpoint(), "AKIAEMULATORADMIN000", "emulator-admin-secret");
  }
  AwsCli readonly() const {
    return AwsCli(emulator_->endpoint(), "AKIAEMULATORREAD0000", "emulator-readonly-secret");
  }
};

TEST_F(EmulatorAwsCliTest, StsAndRegions) {
  auto identity = ok(admin(), {"sts", "get-caller-identity"});
  EXPECT_EQ(identity["Account"], kAccount);
  EXPECT_EQ(identity["Arn"], "arn:aws:iam::111122223333:user/admin");

  auto regions = ok(admin(), {"ec2", "describe-regions"});
  ASSERT_EQ(regions["Regions"].size(), 2u);
  EXPECT_EQ(regions["Regions"][0]["RegionName"], "us-east-1");
}

TEST_F(EmulatorAwsCliTest, GroupLifecycleWithEveryPeerKind) {
  const AwsCli cli = admin();
  auto created = ok(cli, {"ec2", "create-security-group", "--group-name", "web-dept-a",
                          "--description", "Department A web tier", "--tag-specifications",
                          "ResourceType=security-group,Tags=[{Key=OwnerDL,Value=a@example.com}]"});
  const std::string group = created["GroupId"];
  ASSERT_EQ(group.rfind("sg-", 0), 0u);
  const std::string other = ok(cli, {"ec2", "create-security-group", "--group-name", "batch",
                                     "--description", "batch"})["GroupId"];

  auto added = ok(cli, {"ec2", "authorize-security-group-ingress", "--group-id", group,
                        "--ip-permissions",
                        R"([{"IpProtocol":"tcp","FromPort":443,"ToPort":443,
                            "IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"https"}],
                            "Ipv6Ranges":[{"CidrIpv6":"::/0"}]},
                           {"IpProtocol":"tcp","FromPort":5432,"ToPort":5432,
                            "UserIdGroupPairs":[{"GroupId":")" + other + R"(","Description":"db"}],
                            "PrefixListIds":[{"PrefixListId":"pl-12345678"}]}])"});
  EXPECT_TRUE(added["Return"].get<bool>());
  ASSERT_EQ(added["SecurityGroupRules"].size(), 4u);
  // The older top-level form.
  ok(cli, {"ec2", "authorize-security-group-ingress", "--group-id", group, "--protocol", "tcp",
           "--port", "3389", "--cidr", "0.0.0.0/0"});

  auto described = ok(cli, {"ec2", "describe-security-groups", "--group-ids", group});
  ASSERT_EQ(described["SecurityGroups"].size(), 1u);
  const auto& sg = described["SecurityGroups"][0];
  EXPECT_EQ(sg["GroupName"], "web-dept-a");
  EXPECT_EQ(sg["OwnerId"], kAccount);
  EXPECT_EQ(sg["Tags"][0]["Key"], "OwnerDL");
  size_t peers = 0;
  for (const auto& permission : sg["IpPermissions"]) {
    peers += permission.value("IpRanges", nlohmann::json::array()).size() +
             permission.value("Ipv6Ranges", nlohmann::json::array()).size() +
             permission.value("PrefixListIds", nlohmann::json::array()).size() +
             permission.value("UserIdGroupPairs", nlohmann::json::array()).size();
  }
  EXPECT_EQ(peers, 5u);

  auto rules = ok(cli, {"ec2", "describe-security-group-rules", "--filters",
                        "Name=group-id,Values=" + group});
  // Five ingress rules and the default egress rule of a new group.
  ASSERT_EQ(rules["SecurityGroupRules"].size(), 6u);

  fails_with(cli, {"ec2", "authorize-security-group-ingress", "--group-id", group, "--protocol",
                   "tcp", "--port", "3389", "--cidr", "0.0.0.0/0"},
             "InvalidPermission.Duplicate");
  fails_with(cli, {"ec2", "delete-security-group", "--group-id", other}, "DependencyViolation");

  ok(cli, {"ec2", "revoke-security-group-ingress", "--group-id", group, "--protocol", "tcp",
           "--port", "3389", "--cidr", "0.0.0.0/0"});
  fails_with(cli, {"ec2", "revoke-security-group-ingress", "--group-id", group, "--protocol",
                   "tcp", "--port", "3389", "--cidr", "0.0.0.0/0"},
             "InvalidPermission.NotFound");
  fails_with(cli, {"ec2", "describe-security-groups", "--group-ids", "sg-0000000000000000f"},
             "InvalidGroup.NotFound");
}

TEST_F(EmulatorAwsCliTest, RuleIdsDescriptionsAndTags) {
  const AwsCli cli = admin();
  const std::string group = ok(cli, {"ec2", "create-security-group", "--group-name", "app",
                                     "--description", "app"})["GroupId"];
  auto added = ok(cli, {"ec2", "authorize-security-group-ingress", "--group-id", group,
                        "--protocol", "tcp", "--port", "22", "--cidr", "10.0.0.0/8"});
  const std::string rule = added["SecurityGroupRules"][0]["SecurityGroupRuleId"];

  ok(cli, {"ec2", "modify-security-group-rules", "--group-id", group, "--security-group-rules",
           "SecurityGroupRuleId=" + rule +
               ",SecurityGroupRule={IpProtocol=tcp,FromPort=2222,ToPort=2222,"
               "CidrIpv4=10.1.0.0/16,Description=moved}"});
  ok(cli, {"ec2", "update-security-group-rule-descriptions-ingress", "--group-id", group,
           "--security-group-rule-descriptions",
           "SecurityGroupRuleId=" + rule + ",Description=bastion"});
  ok(cli, {"ec2", "create-tags", "--resources", group, rule, "--tags", "Key=Team,Value=a"});

  auto rules = ok(cli, {"ec2", "describe-security-group-rules", "--security-group-rule-ids",
                        rule});
  ASSERT_EQ(rules["SecurityGroupRules"].size(), 1u);
  const auto& r = rules["SecurityGroupRules"][0];
  EXPECT_EQ(r["FromPort"], 2222);
  EXPECT_EQ(r["CidrIpv4"], "10.1.0.0/16");
  EXPECT_EQ(r["Description"], "bastion");
  EXPECT_EQ(r["Tags"][0]["Value"], "a");

  ok(cli, {"ec2", "delete-tags", "--resources", group, "--tags", "Key=Team"});
  auto groups = ok(cli, {"ec2", "describe-security-groups", "--filters", "Name=tag:Team,Values=a"});
  EXPECT_TRUE(groups["SecurityGroups"].empty());
  ok(cli, {"ec2", "delete-security-group", "--group-id", group});
}

TEST_F(EmulatorAwsCliTest, DryRunAndAuthorization) {
  const std::string default_group = emulator_->ec2().default_group(kAccount, "eu-west-1");
  fails_with(admin(), {"ec2", "delete-security-group", "--group-id", default_group},
             "CannotDelete");
  fails_with(admin(), {"ec2", "create-security-group", "--group-name", "x", "--description", "x",
                       "--dry-run"},
             "DryRunOperation");
  fails_with(readonly(), {"ec2", "create-security-group", "--group-name", "x", "--description",
                          "x", "--dry-run"},
             "UnauthorizedOperation");
  fails_with(readonly(), {"ec2", "authorize-security-group-ingress", "--group-id", default_group,
                          "--protocol", "tcp", "--port", "22", "--cidr", "0.0.0.0/0"},
             "UnauthorizedOperation");
  ok(readonly(), {"ec2", "describe-security-groups"});
}

TEST_F(EmulatorAwsCliTest, SignaturesAreVerified) {
  AwsCli wrong_secret(emulator_->endpoint(), "AKIAEMULATORADMIN000", "not-the-secret");
  fails_with(wrong_secret, {"ec2", "describe-security-groups"}, "AuthFailure");
  fails_with(wrong_secret, {"sts", "get-caller-identity"}, "SignatureDoesNotMatch");
  AwsCli unknown(emulator_->endpoint(), "AKIAUNKNOWNKEY000000", "x");
  fails_with(unknown, {"ec2", "describe-security-groups"}, "AuthFailure");
  fails_with(unknown, {"sts", "get-caller-identity"}, "InvalidClientTokenId");
}

TEST_F(EmulatorAwsCliTest, PagingThroughManyGroups) {
  auto made = emulator_->ec2().seed_generated(kAccount, "eu-west-1", 30, 10);
  ASSERT_TRUE(made);
  // awscli follows NextToken by itself: all 31 groups (with the default one), 5 a page.
  auto all = ok(admin(), {"ec2", "describe-security-groups", "--page-size", "5"});
  ASSERT_EQ(all["SecurityGroups"].size(), 31u);
  std::set<std::string> ids;
  for (const auto& group : all["SecurityGroups"]) ids.insert(group["GroupId"].get<std::string>());
  EXPECT_EQ(ids.size(), 31u);

  auto first = ok(admin(), {"ec2", "describe-security-groups", "--max-items", "7",
                            "--page-size", "5"});
  EXPECT_EQ(first["SecurityGroups"].size(), 7u);
  ASSERT_TRUE(first.contains("NextToken"));
  auto rest = ok(admin(), {"ec2", "describe-security-groups", "--page-size", "5",
                           "--starting-token", first["NextToken"]});
  EXPECT_EQ(rest["SecurityGroups"].size(), 24u);

  auto rules = ok(admin(), {"ec2", "describe-security-group-rules", "--page-size", "50"});
  // 30 x 10 generated ingress rules, plus each group's default egress and the default
  // group's two rules.
  EXPECT_GE(rules["SecurityGroupRules"].size(), 300u);
}

TEST_F(EmulatorAwsCliTest, FaultsAreSeenByTheClient) {
  emulator::FaultRule throttle{emulator::FaultKind::kThrottle, "ec2", "DescribeSecurityGroups",
                               0, 1, 1, {}};
  emulator_->faults().add(throttle);
  fails_with(admin(), {"ec2", "describe-security-groups"}, "RequestLimitExceeded");

  // awscli retries throttling when allowed to.
  emulator_->faults().add(throttle);
  AwsCli retrying = admin();
  retrying.set_env("AWS_MAX_ATTEMPTS", "3");
  ok(retrying, {"ec2", "describe-security-groups"});

  emulator_->faults().clear();
  emulator_->faults().add({emulator::FaultKind::kTruncate, "ec2", "", 0, 1, 1, {}});
  CliResult truncated = admin().run({"ec2", "describe-security-groups"});
  EXPECT_NE(truncated.exit_code, 0) << truncated.out;

  emulator_->faults().add({emulator::FaultKind::kServerError, "sts", "", 0, 1, 1, {}});
  fails_with(admin(), {"sts", "get-caller-identity"}, "InternalFailure");
}

TEST_F(EmulatorAwsCliTest, AssumeRoleWithExternalIdAndWebIdentity) {
  fails_with(admin(), {"sts", "assume-role", "--role-arn",
                       "arn:aws:iam::111122223333:role/sgwatch-reader", "--role-session-name",
                       "sgwatch", "--external-id", "wrong"},
             "AccessDenied");
  auto assumed = ok(admin(), {"sts", "assume-role", "--role-arn",
                              "arn:aws:iam::111122223333:role/sgwatch-reader",
                              "--role-session-name", "sgwatch", "--external-id", "sgwatch"});
  const auto& credentials = assumed["Credentials"];
  AwsCli as_role(emulator_->endpoint(), credentials["AccessKeyId"],
                 credentials["SecretAccessKey"]);
  as_role.set_env("AWS_SESSION_TOKEN", credentials["SessionToken"]);
  // With the session token from the environment, the files' long-term keys are ignored.
  as_role.set_env("AWS_ACCESS_KEY_ID", credentials["AccessKeyId"]);
  as_role.set_env("AWS_SECRET_ACCESS_KEY", credentials["SecretAccessKey"]);
  auto identity = ok(as_role, {"sts", "get-caller-identity"});
  EXPECT_EQ(identity["Arn"], "arn:aws:sts::111122223333:assumed-role/sgwatch-reader/sgwatch");

  emulator_->identities().add_web_identity_token("header.payload.signature");
  auto web = ok(admin(), {"sts", "assume-role-with-web-identity", "--role-arn",
                          "arn:aws:iam::111122223333:role/sgwatch-reader",
                          "--role-session-name", "pod", "--web-identity-token",
                          "header.payload.signature"});
  EXPECT_EQ(web["AssumedRoleUser"]["Arn"],
            "arn:aws:sts::111122223333:assumed-role/sgwatch-reader/pod");
  fails_with(admin(), {"sts", "assume-role-with-web-identity", "--role-arn",
                       "arn:aws:iam::111122223333:role/sgwatch-reader", "--role-session-name",
                       "pod", "--web-identity-token", "forged"},
             "InvalidIdentityToken");
}

TEST_F(EmulatorAwsCliTest, InstanceAndContainerCredentials) {
  // No keys anywhere: awscli falls through its chain to IMDSv2 on the emulator.
  AwsCli instance(emulator_->endpoint(), "", "");
  instance.set_env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
  instance.set_env("AWS_EC2_METADATA_DISABLED", "false");
  instance.set_env("AWS_EC2_METADATA_SERVICE_ENDPOINT", emulator_->endpoint() + "/");
  auto identity = ok(instance, {"sts", "get-caller-identity"});
  EXPECT_NE(identity["Arn"].get<std::string>().find(":assumed-role/sgwatch-reader/"),
            std::string::npos);

  emulator_->credential_endpoints().set_container_token("container-secret");
  AwsCli container(emulator_->endpoint(), "", "");
  container.set_env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
  container.set_env("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    emulator_->endpoint() + "/container/credentials");
  container.set_env("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-secret");
  identity = ok(container, {"sts", "get-caller-identity"});
  EXPECT_NE(identity["Arn"].get<std::string>().find(":assumed-role/sgwatch-reader/"),
            std::string::npos);
}

}  // namespace
}  // namespace sgwatch::emulator_awscli_test

namespace sgwatch::emulator_awscli_test {
namespace {

TEST_F(EmulatorAwsCliTest, TenThousandGroupsAreDescribedInPages) {
  auto made = emulator_->ec2().seed_generated(kAccount, "us-east-1", 10000, 10);
  ASSERT_TRUE(made);
  AwsCli cli(emulator_->endpoint(), "AKIAEMULATORADMIN000", "emulator-admin-secret",
             "us-east-1");
  CliResult pages = cli.run({"ec2", "describe-security-groups", "--page-size", "1000", "--query",
                             "length(SecurityGroups)"});
  ASSERT_EQ(pages.exit_code, 0) << pages.err;
  EXPECT_EQ(pages.out, "10001\n");  // and the default group
}

}  // namespace
}  // namespace sgwatch::emulator_awscli_test

namespace sgwatch::emulator_awscli_test {
namespace {

TEST_F(EmulatorAwsCliTest, EgressRulesAndFilters) {
  const AwsCli cli = admin();
  const std::string vpc = emulator_->ec2().default_vpc(kAccount, "eu-west-1");
  const std::string group = ok(cli, {"ec2", "create-security-group", "--group-name", "egress",
                                     "--description", "egress", "--vpc-id", vpc})["GroupId"];
  auto added = ok(cli, {"ec2", "authorize-security-group-egress", "--group-id", group,
                        "--ip-permissions",
                        R"([{"IpProtocol":"udp","FromPort":53,"ToPort":53,
                            "IpRanges":[{"CidrIp":"10.0.0.2/32","Description":"dns"}]}])"});
  const std::string rule = added["SecurityGroupRules"][0]["SecurityGroupRuleId"];
  EXPECT_TRUE(added["SecurityGroupRules"][0]["IsEgress"].get<bool>());
  ok(cli, {"ec2", "update-security-group-rule-descriptions-egress", "--group-id", group,
           "--ip-permissions",
           R"([{"IpProtocol":"udp","FromPort":53,"ToPort":53,
               "IpRanges":[{"CidrIp":"10.0.0.2/32","Description":"resolver"}]}])"});
  auto by_id = ok(cli, {"ec2", "describe-security-group-rules", "--security-group-rule-ids", rule});
  EXPECT_EQ(by_id["SecurityGroupRules"][0]["Description"], "resolver");
  ok(cli, {"ec2", "revoke-security-group-egress", "--group-id", group, "--security-group-rule-ids",
           rule});
  fails_with(cli, {"ec2", "revoke-security-group-egress", "--group-id", group,
                   "--security-group-rule-ids", rule},
             "InvalidSecurityGroupRuleId.NotFound");

  auto in_vpc = ok(cli, {"ec2", "describe-security-groups", "--filters", "Name=vpc-id,Values=" + vpc,
                         "Name=group-id,Values=" + group});
  ASSERT_EQ(in_vpc["SecurityGroups"].size(), 1u);
  EXPECT_EQ(in_vpc["SecurityGroups"][0]["GroupId"], group);
  auto elsewhere = ok(cli, {"ec2", "describe-security-groups", "--filters",
                            "Name=vpc-id,Values=vpc-00000000000000000"});
  EXPECT_TRUE(elsewhere["SecurityGroups"].empty());
}

// A clock that runs ahead of the system's, as a drifted server's would.
class AheadClock final : public Clock {
 public:
  explicit AheadClock(std::chrono::minutes by) : by_(by) {}
  Timestamp now() const override { return SystemClock().now() + by_; }

 private:
  std::chrono::minutes by_;
};

TEST(EmulatorAwsCliClock, StaleRequestsAreRefused) {
  AheadClock ahead(std::chrono::minutes(10));
  auto started = Emulator::start(emulator::EmulatorOptions{}, ahead);
  ASSERT_TRUE(started) << started.error();
  ASSERT_TRUE(emulator::apply_seed(**started, emulator::default_seed()));
  AwsCli cli((*started)->endpoint(), "AKIAEMULATORADMIN000", "emulator-admin-secret");
  CliResult ec2 = cli.run({"ec2", "describe-security-groups"});
  EXPECT_NE(ec2.err.find("(RequestExpired)"), std::string::npos) << ec2.err;
  CliResult sts = cli.run({"sts", "get-caller-identity"});
  EXPECT_NE(sts.err.find("(SignatureDoesNotMatch)"), std::string::npos) << sts.err;
}

}  // namespace
}  // namespace sgwatch::emulator_awscli_test

#include "aws/ec2_xml.h"
#include "sources/describe_json.h"

namespace sgwatch::emulator_awscli_test {
namespace {

// sgwatch's XML reader and awscli, given the same emulator, see the same groups.
TEST_F(EmulatorAwsCliTest, SgwatchReadsWhatAwscliReads) {
  ASSERT_TRUE(emulator_->ec2().seed_generated(kAccount, "eu-west-1", 40, 10));
  auto described = admin().run({"ec2", "describe-security-groups"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  auto from_awscli = parse_describe_security_groups(described.out, "awscli");
  ASSERT_TRUE(from_awscli) << from_awscli.error().message;

  emulator::Caller caller{kAccount, "arn:aws:iam::111122223333:user/admin", "AIDA", "AKIA",
                          "IAMUser", {}, ""};
  emulator::Response page = emulator_->ec2().handle(
      caller, "eu-west-1", {{"Action", "DescribeSecurityGroups"}, {"Version", "2016-11-15"}});
  auto from_xml = parse_describe_security_groups_xml(page.body);
  ASSERT_TRUE(from_xml) << from_xml.error().message;
  ASSERT_EQ(from_xml->groups.size(), from_awscli->size());
  std::map<GroupId, const Group*> by_id;
  for (const Group& group : *from_awscli) by_id.emplace(group.id, &group);
  for (const Group& group : from_xml->groups) {
    ASSERT_TRUE(by_id.count(group.id)) << group.id.str();
    EXPECT_TRUE(same_content(group, *by_id[group.id])) << group.id.str();
  }
}

}  // namespace
}  // namespace sgwatch::emulator_awscli_test
