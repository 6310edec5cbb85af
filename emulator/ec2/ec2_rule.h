// One atomic security group rule: a direction, a protocol with its ports, one peer (IPv4
// CIDR, IPv6 CIDR, prefix list or referenced group) and a description. Requests name rules
// loosely ("6" or "TCP", a CIDR with host bits set, ports where they do not apply);
// validate_rule turns that into the one form EC2 stores and compares.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "emulator/ec2/ec2_error.h"

namespace sgwatch::emulator {

enum class PeerKind { kIpv4, kIpv6, kPrefixList, kGroup };

// A peer as a request names it.
struct PeerRequest {
  PeerKind kind = PeerKind::kIpv4;
  std::string value;       // CIDR, prefix list id or group id; a group may be named instead
  std::string group_name;  // a referenced group by name (only groups in the default VPC)
  std::string user_id;     // the referenced group's account
  std::string vpc_id;
  std::string peering_id;
};

// A rule as a request names it, before validation.
struct RuleRequest {
  std::string protocol;
  std::optional<int64_t> from_port;
  std::optional<int64_t> to_port;
  PeerRequest peer;
  std::string description;
};

struct Peer {
  PeerKind kind = PeerKind::kIpv4;
  std::string value;       // canonical CIDR, prefix list id or referenced group id
  std::string user_id;     // groups only: the referenced group's account
  std::string vpc_id;      // groups only, across a peering connection
  std::string peering_id;  // groups only
};

struct RuleSpec {
  bool egress = false;
  std::string protocol;  // "tcp", "udp", "icmp", "icmpv6", "-1" or another protocol number
  int from_port = -1;    // ICMP type for icmp and icmpv6; -1 where ports do not apply
  int to_port = -1;      // ICMP code for icmp and icmpv6
  Peer peer;
  std::string description;
};

// The protocols whose rules carry ports (or ICMP type and code).
bool protocol_has_ports(const std::string& protocol);

// "tcp", "udp", "icmp", "icmpv6", "-1" or a number 0-255 as text, for any spelling EC2
// accepts ("TCP", "6", "all"); nullopt for anything else.
std::optional<std::string> canonical_protocol(const std::string& protocol);

// Checks and canonicalises one rule. A group peer must already carry its group id (the
// model resolves names, since that needs state).
Ec2Result<RuleSpec> validate_rule(const RuleRequest& request, bool egress);

// Descriptions of rules: at most 255 characters from EC2's allowed set.
Ec2Status validate_rule_description(const std::string& description);

// Whether two rules are the same rule to EC2: direction, protocol, ports and peer; the
// description and a referenced group's account do not count.
bool same_rule(const RuleSpec& a, const RuleSpec& b);

// The rule as EC2 quotes it in errors: "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22,
// ALLOW".
std::string rule_summary(const RuleSpec& rule);

}  // namespace sgwatch::emulator
