#include "emulator/ec2/ec2_rule.h"

#include <gtest/gtest.h>

namespace sgwatch::emulator::ec2_rule_test {
namespace {

RuleRequest tcp(int64_t from, int64_t to, const std::string& cidr) {
  RuleRequest request;
  request.protocol = "tcp";
  request.from_port = from;
  request.to_port = to;
  request.peer.value = cidr;
  return request;
}

std::string error_of(const RuleRequest& request) {
  auto rule = validate_rule(request, false);
  return rule ? "" : rule.error().code + ": " + rule.error().message;
}

TEST(Ec2Rule, ProtocolsAreStoredByTheNameEc2Describes) {
  EXPECT_EQ(canonical_protocol("TCP"), "tcp");
  EXPECT_EQ(canonical_protocol("6"), "tcp");
  EXPECT_EQ(canonical_protocol("17"), "udp");
  EXPECT_EQ(canonical_protocol("1"), "icmp");
  EXPECT_EQ(canonical_protocol("58"), "icmpv6");
  EXPECT_EQ(canonical_protocol("all"), "-1");
  EXPECT_EQ(canonical_protocol("-1"), "-1");
  EXPECT_EQ(canonical_protocol("47"), "47");
  EXPECT_FALSE(canonical_protocol("256"));
  EXPECT_FALSE(canonical_protocol("sctp"));
  EXPECT_FALSE(canonical_protocol("-2"));
}

TEST(Ec2Rule, ValidTcpRuleIsCanonicalised) {
  RuleRequest request = tcp(22, 22, "10.1.2.3/8");
  request.description = "ssh from the office";
  auto rule = validate_rule(request, false);
  ASSERT_TRUE(rule) << rule.error().message;
  EXPECT_EQ(rule->protocol, "tcp");
  EXPECT_EQ(rule->from_port, 22);
  EXPECT_EQ(rule->peer.value, "10.0.0.0/8");
  EXPECT_EQ(rule->description, "ssh from the office");
  EXPECT_FALSE(rule->egress);
}

TEST(Ec2Rule, TcpNeedsBothPortsInRange) {
  RuleRequest missing = tcp(22, 22, "0.0.0.0/0");
  missing.to_port.reset();
  EXPECT_EQ(error_of(missing),
            "InvalidParameterValue: Invalid value 'Must specify both from and to ports with "
            "TCP/UDP.' for portRange.");
  EXPECT_EQ(error_of(tcp(-1, 22, "0.0.0.0/0")),
            "InvalidPermission.Malformed: TCP/UDP port (-1) out of range");
  EXPECT_EQ(error_of(tcp(0, 65536, "0.0.0.0/0")),
            "InvalidPermission.Malformed: TCP/UDP port (65536) out of range");
  EXPECT_NE(error_of(tcp(90, 80, "0.0.0.0/0")).find("InvalidParameterValue"),
            std::string::npos);
  EXPECT_EQ(error_of(tcp(0, 65535, "0.0.0.0/0")), "");
}

TEST(Ec2Rule, IcmpTypeAndCode) {
  RuleRequest icmp = tcp(8, -1, "0.0.0.0/0");
  icmp.protocol = "icmp";
  EXPECT_EQ(error_of(icmp), "");
  icmp.from_port = 256;
  EXPECT_EQ(error_of(icmp), "InvalidPermission.Malformed: ICMP type (256) out of range");
  icmp.from_port = -1;
  icmp.to_port = 3;
  EXPECT_NE(error_of(icmp), "");
  icmp.to_port.reset();
  EXPECT_NE(error_of(icmp).find("Must specify both from and to ports with ICMP."),
            std::string::npos);

  RuleRequest icmpv6 = icmp;
  icmpv6.protocol = "icmpv6";
  icmpv6.from_port.reset();
  icmpv6.peer.kind = PeerKind::kIpv6;
  icmpv6.peer.value = "::/0";
  auto rule = validate_rule(icmpv6, false);
  ASSERT_TRUE(rule);
  EXPECT_EQ(rule->from_port, -1);
  EXPECT_EQ(rule->to_port, -1);
}

TEST(Ec2Rule, AllTrafficIgnoresPorts) {
  RuleRequest request = tcp(22, 80, "0.0.0.0/0");
  request.protocol = "all";
  auto rule = validate_rule(request, true);
  ASSERT_TRUE(rule);
  EXPECT_EQ(rule->protocol, "-1");
  EXPECT_EQ(rule->from_port, -1);
  EXPECT_EQ(rule->to_port, -1);
  EXPECT_TRUE(rule->egress);
}

TEST(Ec2Rule, PeersAreChecked) {
  EXPECT_EQ(error_of(tcp(22, 22, "10.0.0.0/33")),
            "InvalidParameterValue: Value (10.0.0.0/33) for parameter cidrIp is invalid. This "
            "is not a valid CIDR block.");
  RuleRequest v6 = tcp(22, 22, "10.0.0.0/8");
  v6.peer.kind = PeerKind::kIpv6;
  EXPECT_NE(error_of(v6).find("cidrIpv6"), std::string::npos);
  RuleRequest prefix_list = tcp(22, 22, "pl-12345678");
  prefix_list.peer.kind = PeerKind::kPrefixList;
  EXPECT_EQ(error_of(prefix_list), "");
  prefix_list.peer.value = "prefix";
  EXPECT_NE(error_of(prefix_list).find("InvalidPrefixListId.Malformed"), std::string::npos);
  RuleRequest group = tcp(22, 22, "sg-nothex");
  group.peer.kind = PeerKind::kGroup;
  EXPECT_NE(error_of(group).find("InvalidGroupId.Malformed"), std::string::npos);
}

TEST(Ec2Rule, UnknownProtocolAndBadDescription) {
  RuleRequest request = tcp(22, 22, "0.0.0.0/0");
  request.protocol = "sctp";
  EXPECT_EQ(error_of(request),
            "InvalidParameterValue: Invalid value 'sctp' for IP protocol. Unknown protocol.");
  request.protocol = "";
  EXPECT_EQ(error_of(request).rfind("MissingParameter", 0), 0u);
  request = tcp(22, 22, "0.0.0.0/0");
  request.description = "tab\there";
  EXPECT_NE(error_of(request).find("Invalid rule description"), std::string::npos);
  request.description = std::string(256, 'a');
  EXPECT_NE(error_of(request).find("Invalid rule description"), std::string::npos);
}

TEST(Ec2Rule, SameRuleIgnoresDescription) {
  RuleRequest a = tcp(22, 22, "10.1.2.3/8");
  RuleRequest b = tcp(22, 22, "10.0.0.0/8");
  b.description = "other words";
  EXPECT_TRUE(same_rule(*validate_rule(a, false), *validate_rule(b, false)));
  EXPECT_FALSE(same_rule(*validate_rule(a, false), *validate_rule(a, true)));
  EXPECT_FALSE(same_rule(*validate_rule(a, false), *validate_rule(tcp(22, 23, "10.0.0.0/8"), false)));
}

TEST(Ec2Rule, SummaryReadsLikeEc2s) {
  EXPECT_EQ(rule_summary(*validate_rule(tcp(22, 22, "0.0.0.0/0"), false)),
            "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW");
  RuleRequest all = tcp(0, 0, "10.0.0.0/8");
  all.protocol = "-1";
  EXPECT_EQ(rule_summary(*validate_rule(all, false)), "peer: 10.0.0.0/8, ALL, ALLOW");
}

}  // namespace
}  // namespace sgwatch::emulator::ec2_rule_test
