// An atomic security group rule: one direction, one protocol and port range, one peer.
// EC2's IpPermission (one permission, many ranges) is flattened into these.
#pragma once

#include <optional>
#include <string>
#include <tuple>

#include "core/ids.h"
#include "core/peer.h"
#include "core/port_range.h"
#include "core/protocol.h"

namespace sgwatch {

enum class Direction { kIngress, kEgress };

std::string to_string(Direction direction);  // "ingress" / "egress"

struct Rule {
  Direction direction = Direction::kIngress;
  Protocol protocol = Protocol::all();
  PortRange ports;
  Peer peer;
  // Attributes: not part of the rule's identity. The id is learned separately
  // (DescribeSecurityGroupRules, CloudTrail) and must never make equal rules differ.
  std::string description;
  std::optional<RuleId> id;

  // The rule's identity: what traffic it allows, and from or to whom.
  auto key() const { return std::tie(direction, protocol, ports, peer); }
  // The identity as stable text, for storage keys: "ingress|6|22|22|0.0.0.0/0".
  std::string key_string() const;
  // Appends key_string() to `out`, for hot paths that reuse one buffer.
  void append_key(std::string& out) const;
  // For people: "ingress tcp/3389 from 0.0.0.0/0".
  std::string summary() const;
};

inline bool same_identity(const Rule& a, const Rule& b) { return a.key() == b.key(); }
inline bool identity_less(const Rule& a, const Rule& b) { return a.key() < b.key(); }

}  // namespace sgwatch
