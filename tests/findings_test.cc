// `sgwatch findings` end to end, in-process: groups recorded with `sgwatch ingest`, judged
// against the default policy and one from a config file, with each filter and --fail-on.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_runner.h"
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "core/clock.h"
#include "core/time_format.h"
#include "temp_dir.h"

namespace sgwatch::findings_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Web: RDP and HTTPS open to the world, with routing tags. Db: MySQL open to the world and
// PostgreSQL from a VPC. The VPC's default group, with AWS's rules.
constexpr char kUsEast1[] = R"({"SecurityGroups": [
  {"GroupId": "sg-0a1b2c3d", "GroupName": "web", "Description": "web servers",
   "VpcId": "vpc-1a2b3c4d", "OwnerId": "123456789012",
   "Tags": [{"Key": "NotifyOnChange", "Value": "Yes"},
            {"Key": "OwnerDL", "Value": "web@example.com"}, {"Key": "Team", "Value": "web"}],
   "IpPermissions": [
     {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389,
      "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
     {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
      "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}],
   "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
  {"GroupId": "sg-1a2b3c4d", "GroupName": "db", "Description": "databases",
   "VpcId": "vpc-1a2b3c4d", "OwnerId": "123456789012",
   "Tags": [{"Key": "Env", "Value": "prod"}],
   "IpPermissions": [
     {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306,
      "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
     {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
      "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}],
   "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
  {"GroupId": "sg-2a3b4c5d", "GroupName": "default", "Description": "default VPC security group",
   "VpcId": "vpc-1a2b3c4d", "OwnerId": "123456789012",
   "IpPermissions": [
     {"IpProtocol": "-1",
      "UserIdGroupPairs": [{"GroupId": "sg-2a3b4c5d", "UserId": "123456789012"}]}],
   "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}
]})";

// Nothing to report: SSH from an office only.
constexpr char kEuWest1[] = R"({"SecurityGroups": [
  {"GroupId": "sg-3a4b5c6d", "GroupName": "app", "Description": "app",
   "VpcId": "vpc-2a2b3c4d", "OwnerId": "123456789012",
   "IpPermissions": [
     {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
      "IpRanges": [{"CidrIp": "203.0.113.0/24"}]}],
   "IpPermissionsEgress": []}
]})";

using Outcome = testing::CliOutcome;

class FindingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    configure("");
    ingest(kUsEast1, "us-east-1");
    ingest(kEuWest1, "eu-west-1");
  }

  Outcome run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--store", store_, "--config", config_});
    return testing::run_sgwatch(std::move(args), clock_);
  }
  void ingest(const char* json, const std::string& region) {
    const std::string file = dir_.file(region + ".json");
    std::ofstream(file) << json;
    Outcome ingested =
        run({"ingest", file, "--account", "123456789012", "--region", region});
    ASSERT_EQ(ingested.code, 0) << ingested.err;
  }
  void configure(const std::string& toml) { std::ofstream(config_) << toml; }

  testing::TempDir dir_;
  std::string store_ = dir_.file("store.db");
  std::string config_ = dir_.file("sgwatch.toml");
  ManualClock clock_{parse_time("2026-11-23T09:00:00Z").value()};
};

TEST_F(FindingsTest, ListsFindingsByGroupWithCountsBySeverity) {
  Outcome listed = run({"findings"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_EQ(listed.out,
            "sg-0a1b2c3d (web) in 123456789012/us-east-1 (vpc-1a2b3c4d)\n"
            "  tags: NotifyOnChange=Yes  OwnerDL=web@example.com\n"
            "  CRITICAL  tcp/3389 (RDP) open to the world (0.0.0.0/0)  [world-sensitive-port]\n"
            "\n"
            "sg-1a2b3c4d (db) in 123456789012/us-east-1 (vpc-1a2b3c4d)\n"
            "  HIGH      tcp/3306 (MySQL) open to the world (0.0.0.0/0)  [world-sensitive-port]\n"
            "\n"
            "sg-2a3b4c5d (default) in 123456789012/us-east-1 (vpc-1a2b3c4d)\n"
            "  LOW       the default group allows traffic (2 rules); it should allow nothing, "
            "with workloads in groups of their own  [default-group-rules]\n"
            "\n"
            "3 findings in 3 groups: 1 critical, 1 high, 1 low (4 groups in 2 scopes checked).\n");
  EXPECT_EQ(listed.err, "");
}

TEST_F(FindingsTest, JsonIsAnArrayOfFindings) {
  Outcome listed = run({"--output", "json", "findings", "--min-severity", "info"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  nlohmann::json findings = nlohmann::json::parse(listed.out);
  ASSERT_TRUE(findings.is_array());
  // RDP, HTTPS twice (IPv4, IPv6), MySQL, the default group, and three world egress rules.
  ASSERT_EQ(findings.size(), 8u) << listed.out;
  const nlohmann::json& rdp = findings[0];
  EXPECT_EQ(rdp["severity"], "critical");
  EXPECT_EQ(rdp["code"], "world-sensitive-port");
  EXPECT_EQ(rdp["account"], "123456789012");
  EXPECT_EQ(rdp["region"], "us-east-1");
  EXPECT_EQ(rdp["group"], "sg-0a1b2c3d");
  EXPECT_EQ(rdp["group_name"], "web");
  EXPECT_EQ(rdp["tags"]["OwnerDL"], "web@example.com");
  EXPECT_EQ(rdp["rule"]["from_port"], 3389);
  EXPECT_EQ(rdp["rule"]["cidr"], "0.0.0.0/0");
  EXPECT_EQ(rdp["message"], "tcp/3389 (RDP) open to the world (0.0.0.0/0)");
  EXPECT_TRUE(findings[6]["rule"].is_null()) << findings[6];  // the default group's

  Outcome none = run({"--output", "json", "findings", "--region", "eu-west-1"});
  ASSERT_EQ(none.code, 0) << none.err;
  EXPECT_EQ(nlohmann::json::parse(none.out), nlohmann::json::array());
}

TEST_F(FindingsTest, FiltersNarrowTheGroups) {
  Outcome prod = run({"findings", "--tag", "Env=prod"});
  ASSERT_EQ(prod.code, 0) << prod.err;
  EXPECT_THAT(prod.out, HasSubstr("sg-1a2b3c4d (db)"));
  EXPECT_THAT(prod.out, Not(HasSubstr("sg-0a1b2c3d")));
  EXPECT_THAT(prod.out, HasSubstr("1 finding in 1 group: 1 high (1 group in 2 scopes checked)."));

  Outcome tagged = run({"findings", "--tag", "NotifyOnChange", "--tag", "Team=web"});
  EXPECT_THAT(tagged.out, HasSubstr("sg-0a1b2c3d (web)"));
  EXPECT_THAT(tagged.out, Not(HasSubstr("sg-1a2b3c4d")));

  Outcome group = run({"findings", "--group", "sg-2a3b4c5d", "--min-severity", "info"});
  EXPECT_THAT(group.out, HasSubstr("INFO      all traffic allowed out to the world (0.0.0.0/0)"));
  EXPECT_THAT(group.out, Not(HasSubstr("sg-0a1b2c3d")));

  Outcome region = run({"findings", "--region", "eu-west-1"});
  ASSERT_EQ(region.code, 0) << region.err;
  EXPECT_EQ(region.out, "No findings at low or above (1 group in 1 scope checked).\n");

  Outcome account = run({"findings", "--account", "000011112222"});
  EXPECT_EQ(account.out, "No findings at low or above (0 groups in 0 scopes checked).\n");

  Outcome critical = run({"findings", "--min-severity", "critical"});
  EXPECT_THAT(critical.out, HasSubstr("1 finding in 1 group: 1 critical"));

  Outcome bad = run({"findings", "--group", "web"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.err, HasSubstr("--group"));
  EXPECT_EQ(run({"findings", "--min-severity", "severe"}).code, 2);
}

TEST_F(FindingsTest, FailOnGatesCi) {
  Outcome high = run({"findings", "--fail-on", "high", "--min-severity", "critical"});
  EXPECT_EQ(high.code, 1);
  EXPECT_THAT(high.err, HasSubstr("2 findings at high or above (--fail-on high)"));
  Outcome quiet = run({"findings", "--fail-on", "low", "--region", "eu-west-1"});
  EXPECT_EQ(quiet.code, 0) << quiet.err;
}

TEST_F(FindingsTest, TheConfigSetsThePolicy) {
  configure(R"(
[risk]
high_ports = ["tcp/443 HTTPS"]

[risk.severity]
default-group-rules = "off"

[[risk.exemptions]]
tags = ["Env=prod"]
codes = ["world-sensitive-port"]
reason = "the database is behind a proxy"
)");
  Outcome listed = run({"findings"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("HIGH      tcp/443 (HTTPS) open to the world (::/0)"));
  EXPECT_THAT(listed.out, Not(HasSubstr("MySQL")));
  EXPECT_THAT(listed.out, Not(HasSubstr("default-group-rules")));
  EXPECT_THAT(listed.out, HasSubstr("3 findings in 1 group: 1 critical, 2 high"));

  configure("[risk]\nhigh_ports = [\"tcp/99999\"]\n");
  Outcome bad = run({"findings"});
  EXPECT_EQ(bad.code, 78);
  EXPECT_THAT(bad.err, HasSubstr("sgwatch.toml:2:15: risk.high_ports"));
}

}  // namespace
}  // namespace sgwatch::findings_test
