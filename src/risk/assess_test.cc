#include "risk/assess.h"

#include <gtest/gtest.h>

#include "builders.h"

namespace sgwatch::assess_test {
namespace {

using testing::egress;
using testing::group;
using testing::ingress;

struct Expected {
  std::string code;
  Severity severity;
};

struct Case {
  const char* name;
  Rule rule;
  std::vector<Expected> expected;
};

Rule group_ref(Direction direction, const std::string& account) {
  return testing::rule(direction, "tcp", 443, 443,
                       GroupRef{testing::gid("sg-0badc0de"), testing::account(account), {}, {}});
}

Rule prefix_list(const std::string& cidr_free_protocol, int from, int to) {
  return testing::rule(Direction::kIngress, cidr_free_protocol, from, to,
                       PrefixListId::parse("pl-12345678").value());
}

std::vector<Expected> found(const std::vector<Finding>& findings) {
  std::vector<Expected> out;
  for (const Finding& f : findings) out.push_back({f.code, f.severity});
  return out;
}

void PrintTo(const Expected& e, std::ostream* os) { *os << e.code << "/" << to_string(e.severity); }
bool operator==(const Expected& a, const Expected& b) {
  return a.code == b.code && a.severity == b.severity;
}

const auto kCritical = Severity::kCritical;
const auto kHigh = Severity::kHigh;
const auto kMedium = Severity::kMedium;
const auto kLow = Severity::kLow;
const auto kInfo = Severity::kInfo;

TEST(AssessRule, JudgesEachRuleByTheDefaultPolicy) {
  const std::vector<Case> cases = {
      {"ssh from the world",
       ingress("tcp", 22, 22, "0.0.0.0/0"),
       {{"world-sensitive-port", kCritical}}},
      {"rdp from a non-canonical world",
       ingress("tcp", 3389, 3389, "208.236.235.254/0"),
       {{"world-sensitive-port", kCritical}}},
      {"rdp from the IPv6 world",
       ingress("tcp", 3389, 3389, "::/0"),
       {{"world-sensitive-port", kCritical}}},
      {"ssh from a non-canonical IPv6 world",
       ingress("tcp", 22, 22, "2001:db8::1/0"),
       {{"world-sensitive-port", kCritical}}},
      {"mysql from the world",
       ingress("tcp", 3306, 3306, "0.0.0.0/0"),
       {{"world-sensitive-port", kHigh}}},
      {"winrm inside a sensitive range",
       ingress("tcp", 5986, 5986, "0.0.0.0/0"),
       {{"world-sensitive-port", kCritical}}},
      {"smtp from the world",
       ingress("tcp", 25, 25, "0.0.0.0/0"),
       {{"world-sensitive-port", kMedium}}},
      {"a range covering ssh",
       ingress("tcp", 0, 1024, "0.0.0.0/0"),
       {{"world-sensitive-port", kCritical}}},
      {"a range covering only mongodb",
       ingress("tcp", 27000, 27100, "0.0.0.0/0"),
       {{"world-sensitive-port", kHigh}}},
      {"udp snmp", ingress("udp", 161, 161, "0.0.0.0/0"), {{"world-sensitive-port", kHigh}}},
      {"tcp snmp is not sensitive", ingress("tcp", 161, 161, "0.0.0.0/0"), {{"world-open", kInfo}}},
      {"udp ssh is not sensitive", ingress("udp", 22, 22, "0.0.0.0/0"), {{"world-open", kInfo}}},
      {"udp memcached", ingress("udp", 11211, 11211, "::/0"), {{"world-sensitive-port", kHigh}}},
      {"https from the world", ingress("tcp", 443, 443, "0.0.0.0/0"), {{"world-open", kInfo}}},
      {"icmp never counts as a port", ingress("icmp", 3, 4, "0.0.0.0/0"), {{"world-open", kInfo}}},
      {"all icmp", ingress("icmp", -1, -1, "0.0.0.0/0"), {{"world-open", kInfo}}},
      {"all icmpv6 types from the IPv6 world",
       ingress("icmpv6", -1, -1, "::/0"),
       {{"world-open", kInfo}}},
      {"all traffic", ingress("-1", -1, -1, "0.0.0.0/0"), {{"world-all-traffic", kCritical}}},
      {"all traffic from the IPv6 world",
       ingress("-1", -1, -1, "::/0"),
       {{"world-all-traffic", kCritical}}},
      {"every tcp port", ingress("tcp", 0, 65535, "0.0.0.0/0"), {{"world-all-traffic", kCritical}}},
      {"every udp port but 0",
       ingress("udp", 1, 65535, "0.0.0.0/0"),
       {{"world-all-traffic", kCritical}}},
      {"a wide range without sensitive ports",
       ingress("tcp", 30000, 32767, "0.0.0.0/0"),
       {{"world-wide-port-range", kHigh}}},
      {"exactly the wide limit is not wide",
       ingress("tcp", 40001, 41000, "0.0.0.0/0"),
       {{"world-open", kInfo}}},
      {"gre from the world", ingress("47", -1, -1, "0.0.0.0/0"), {{"world-open", kInfo}}},
      {"ssh from an office", ingress("tcp", 22, 22, "203.0.113.0/24"), {}},
      {"ssh from all of 10/8", ingress("tcp", 22, 22, "10.0.0.0/8"), {{"wide-cidr", kLow}}},
      {"half the internet", ingress("tcp", 443, 443, "0.0.0.0/1"), {{"wide-cidr", kLow}}},
      {"a /9 is not wide", ingress("tcp", 22, 22, "10.0.0.0/9"), {}},
      {"a wide IPv6 block", ingress("tcp", 22, 22, "2001:db8::/32"), {{"wide-cidr", kLow}}},
      {"a /48 is not wide", ingress("tcp", 22, 22, "2001:db8::/48"), {}},
      {"egress of all traffic", egress("-1", -1, -1, "0.0.0.0/0"), {{"egress-world-all", kInfo}}},
      {"egress of all traffic over IPv6",
       egress("-1", -1, -1, "::/0"),
       {{"egress-world-all", kInfo}}},
      {"egress of ssh to the world", egress("tcp", 22, 22, "0.0.0.0/0"), {}},
      {"egress to a wide block", egress("tcp", 443, 443, "10.0.0.0/8"), {}},
      {"a group in another account",
       group_ref(Direction::kIngress, "111122223333"),
       {{"cross-account-reference", kMedium}}},
      {"egress to a group in another account",
       group_ref(Direction::kEgress, "111122223333"),
       {{"cross-account-reference", kMedium}}},
      {"a group in the same account", group_ref(Direction::kIngress, "123456789012"), {}},
      {"a prefix list", prefix_list("tcp", 22, 22), {}},
  };
  const Group context = group("sg-903004f8", {});
  const RiskPolicy policy;
  for (const Case& c : cases) {
    EXPECT_EQ(found(assess_rule(c.rule, context, policy)), c.expected) << c.name;
  }
}

TEST(AssessRule, MessagesNameThePortAndThePeer) {
  const Group context = group("sg-903004f8", {});
  const RiskPolicy policy;
  auto message = [&](const Rule& rule) { return assess_rule(rule, context, policy).at(0).message; };
  EXPECT_EQ(message(ingress("tcp", 3389, 3389, "0.0.0.0/0")),
            "tcp/3389 (RDP) open to the world (0.0.0.0/0)");
  EXPECT_EQ(message(ingress("tcp", 0, 1024, "::/0")),
            "tcp/0-1024 open to the world (::/0), including SSH (tcp/22), Telnet (tcp/23), FTP "
            "(tcp/20-21) and 4 more sensitive");
  EXPECT_EQ(message(ingress("-1", -1, -1, "0.0.0.0/0")),
            "all traffic open to the world (0.0.0.0/0)");
  EXPECT_EQ(message(ingress("tcp", 30000, 32767, "0.0.0.0/0")),
            "tcp/30000-32767 (2768 ports) open to the world (0.0.0.0/0)");
  EXPECT_EQ(message(ingress("tcp", 22, 22, "10.0.0.0/8")),
            "tcp/22 open to 10.0.0.0/8, a block of 16777216 addresses");
  EXPECT_EQ(message(group_ref(Direction::kIngress, "111122223333")),
            "tcp/443 from group sg-0badc0de of another account (111122223333)");
}

TEST(AssessGroup, OrdersBySeverityThenRuleOrder) {
  Group g = group("sg-903004f8",
                  {ingress("tcp", 443, 443, "0.0.0.0/0"), ingress("tcp", 3306, 3306, "0.0.0.0/0"),
                   ingress("tcp", 22, 22, "0.0.0.0/0"), ingress("tcp", 5432, 5432, "0.0.0.0/0"),
                   egress("-1", -1, -1, "0.0.0.0/0")});
  auto findings = assess_group(g, RiskPolicy());
  ASSERT_EQ(findings.size(), 5u);
  EXPECT_EQ(findings[0].rule->ports.from, 22);
  EXPECT_EQ(findings[1].rule->ports.from,
            3306);  // canonical order: 3306 before 5432
  EXPECT_EQ(findings[2].rule->ports.from, 5432);
  EXPECT_EQ(findings[3].severity, Severity::kInfo);
  EXPECT_EQ(findings[0].group, g.id);
  EXPECT_EQ(findings[0].group_name, "web");
  EXPECT_EQ(highest_severity(findings), Severity::kCritical);
  EXPECT_EQ(highest_severity({}), std::nullopt);
}

TEST(AssessGroup, TheDefaultGroupShouldAllowNothing) {
  Group g = group("sg-903004f8", {egress("-1", -1, -1, "0.0.0.0/0")});
  g.name = "default";
  EXPECT_EQ(found(assess_group(g, RiskPolicy())),
            (std::vector<Expected>{{"default-group-rules", kLow}, {"egress-world-all", kInfo}}));
  EXPECT_FALSE(assess_group(g, RiskPolicy()).front().rule.has_value());
  g.rules.clear();
  EXPECT_TRUE(assess_group(g, RiskPolicy()).empty());
}

TEST(AssessGroup, ExemptionsOfEachKind) {
  const Rule ssh = ingress("tcp", 22, 22, "0.0.0.0/0");
  const Rule office_wide = ingress("tcp", 22, 22, "10.0.0.0/8");
  const Rule https = ingress("tcp", 443, 443, "0.0.0.0/0");
  Group g = group("sg-903004f8", {ssh, office_wide, https}, {{"Public", "true"}, {"Bastion", ""}});
  auto codes = [&](const Exemption& exemption) {
    RiskPolicy policy;
    policy.exemptions = {exemption};
    std::vector<std::string> out;
    for (const Finding& f : assess_group(g, policy))
      out.push_back(f.code + " " + f.rule->summary());
    return out;
  };
  const std::string ssh_world = "world-sensitive-port ingress tcp/22 from 0.0.0.0/0";
  const std::string wide = "wide-cidr ingress tcp/22 from 10.0.0.0/8";
  const std::string open = "world-open ingress tcp/443 from 0.0.0.0/0";

  EXPECT_EQ(codes(Exemption{}), (std::vector<std::string>{ssh_world, wide, open}));
  EXPECT_TRUE(codes(Exemption{{testing::gid("sg-903004f8")}, {}, {}, {}, ""}).empty());
  EXPECT_EQ(codes(Exemption{{testing::gid("sg-11111111")}, {}, {}, {}, ""}).size(), 3u);
  EXPECT_TRUE(codes(Exemption{{}, {TagMatch{"Bastion", std::nullopt}}, {}, {}, ""}).empty());
  EXPECT_TRUE(codes(Exemption{{}, {TagMatch{"Public", "true"}}, {}, {}, ""}).empty());
  EXPECT_EQ(codes(Exemption{{}, {TagMatch{"Public", "false"}}, {}, {}, ""}).size(), 3u);
  // By code: only the named findings go; the world rule still gets its next worst finding.
  EXPECT_EQ(
      codes(Exemption{{}, {TagMatch{"Bastion", std::nullopt}}, {}, {"world-sensitive-port"}, ""}),
      (std::vector<std::string>{wide, "world-open ingress tcp/22 from 0.0.0.0/0", open}));
  // By CIDR: a block inside the exempted one; the world only when exempted itself.
  EXPECT_EQ(codes(Exemption{{}, {}, {Cidr::parse("10.0.0.0/8").value()}, {}, ""}),
            (std::vector<std::string>{ssh_world, open}));
  EXPECT_EQ(codes(Exemption{{}, {}, {Cidr::parse("0.0.0.0/1").value()}, {}, ""}),
            (std::vector<std::string>{ssh_world, open}));
  EXPECT_EQ(codes(Exemption{{}, {}, {Cidr::parse("0.0.0.0/0").value()}, {}, ""}),
            (std::vector<std::string>{}));
  EXPECT_EQ(codes(Exemption{{}, {}, {Cidr::parse("::/0").value()}, {}, ""}).size(), 3u);
  // Every selector given must match.
  EXPECT_EQ(codes(Exemption{{testing::gid("sg-903004f8")},
                            {},
                            {Cidr::parse("0.0.0.0/0").value()},
                            {"world-open"},
                            ""}),
            (std::vector<std::string>{ssh_world, wide}));
}

TEST(AssessGroup, AnExemptedWorstFindingLeavesTheNextOne) {
  Group g = group("sg-903004f8", {ingress("tcp", 0, 2000, "0.0.0.0/0")});
  RiskPolicy policy;
  policy.exemptions = {Exemption{{g.id}, {}, {}, {"world-sensitive-port"}, "known"}};
  EXPECT_EQ(found(assess_group(g, policy)),
            (std::vector<Expected>{{"world-wide-port-range", kHigh}}));
}

TEST(AssessGroup, SeverityOverrides) {
  Group g =
      group("sg-903004f8", {ingress("tcp", 443, 443, "0.0.0.0/0"), ingress("-1", -1, -1, "::/0"),
                            egress("-1", -1, -1, "0.0.0.0/0")});
  RiskPolicy policy;
  policy.severities["world-open"] = Severity::kMedium;
  policy.severities["egress-world-all"] = std::nullopt;  // off
  EXPECT_EQ(found(assess_group(g, policy)),
            (std::vector<Expected>{{"world-all-traffic", kCritical}, {"world-open", kMedium}}));
  // A rule gets the most severe finding that applies: all traffic covers every sensitive port.
  policy.severities["world-all-traffic"] = Severity::kHigh;
  EXPECT_EQ(found(assess_group(g, policy)),
            (std::vector<Expected>{{"world-sensitive-port", kCritical}, {"world-open", kMedium}}));
  policy.severities["world-all-traffic"] = std::nullopt;
  EXPECT_EQ(found(assess_group(g, policy)),
            (std::vector<Expected>{{"world-sensitive-port", kCritical}, {"world-open", kMedium}}));
}

TEST(FindingsIntroduced, JudgesOnlyAddedRules) {
  Group before = group("sg-903004f8", {ingress("tcp", 22, 22, "0.0.0.0/0")});
  Group after = group("sg-903004f8", {ingress("tcp", 22, 22, "0.0.0.0/0", "now described"),
                                      ingress("tcp", 6379, 6379, "0.0.0.0/0"),
                                      ingress("tcp", 443, 443, "10.0.0.0/16")});
  auto change = diff(&before, &after);
  ASSERT_TRUE(change);
  EXPECT_EQ(found(findings_introduced(*change, &after, RiskPolicy())),
            (std::vector<Expected>{{"world-sensitive-port", kHigh}}))
      << "the SSH rule only gained a description: its finding is not new";

  Group fixed = group("sg-903004f8", {});
  auto removal = diff(&after, &fixed);
  EXPECT_TRUE(findings_introduced(*removal, &fixed, RiskPolicy()).empty());
  auto deletion = diff(&after, nullptr);
  EXPECT_TRUE(findings_introduced(*deletion, nullptr, RiskPolicy()).empty());
}

TEST(FindingsIntroduced, RulesAddedToADefaultGroup) {
  Group before = group("sg-903004f8", {});
  before.name = "default";
  Group after = group("sg-903004f8", {ingress("tcp", 443, 443, "203.0.113.0/24")});
  after.name = "default";
  auto change = diff(&before, &after);
  ASSERT_TRUE(change);
  auto findings = findings_introduced(*change, &after, RiskPolicy());
  ASSERT_EQ(found(findings), (std::vector<Expected>{{"default-group-rules", kLow}}));
  EXPECT_TRUE(findings[0].rule.has_value());
}

TEST(FindingsSummary, CountsBySeverityAndNamesTheWorst) {
  Group g = group("sg-903004f8",
                  {ingress("tcp", 3306, 3306, "0.0.0.0/0"), ingress("tcp", 3389, 3389, "0.0.0.0/0"),
                   ingress("tcp", 5432, 5432, "0.0.0.0/0")});
  EXPECT_EQ(findings_summary(assess_group(g, RiskPolicy())),
            "3 findings: 1 critical, 2 high (worst: sg-903004f8 (web): tcp/3389 (RDP) open to the "
            "world (0.0.0.0/0))");
  EXPECT_EQ(findings_summary({}), "no findings");
  g.rules.resize(1);
  EXPECT_EQ(findings_summary(assess_group(g, RiskPolicy())),
            "1 finding: 1 high (worst: sg-903004f8 (web): tcp/3306 (MySQL) open to the world "
            "(0.0.0.0/0))");
}

TEST(Severity, NamesOrderAndParsing) {
  EXPECT_LT(Severity::kInfo, Severity::kLow);
  EXPECT_LT(Severity::kHigh, Severity::kCritical);
  for (const std::string& name : severity_names()) {
    EXPECT_EQ(to_string(parse_severity(name).value()), name);
  }
  EXPECT_FALSE(parse_severity("CRITICAL"));
  EXPECT_FALSE(parse_severity("severe"));
}

}  // namespace
}  // namespace sgwatch::assess_test
