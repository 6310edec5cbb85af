// What a rule allows within its protocol: a port range for tcp/udp, a type and code for
// icmp/icmpv6, and nothing for other protocols (EC2 ignores ports for them, so two rules
// that differ only in ignored ports are the same rule).
#pragma once

#include <compare>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/protocol.h"

namespace sgwatch {

struct PortRange {
  // tcp/udp: first and last port, 0-65535. icmp: from = type, to = code, each -1 (any) or
  // 0-255. Other protocols: both -1.
  int from = -1;
  int to = -1;

  // Validates EC2's FromPort/ToPort for `protocol`. Missing ports are allowed only where
  // EC2 ignores them, and for icmp (meaning any type and code).
  static Result<PortRange> make(Protocol protocol, std::optional<int> from,
                                std::optional<int> to);

  auto operator<=>(const PortRange&) const = default;
  bool operator==(const PortRange&) const = default;
};

// "tcp/22", "tcp/1024-2048", "icmp type 8 code 0", "icmp (all types)", "all traffic", "47".
std::string describe_traffic(Protocol protocol, PortRange ports);

}  // namespace sgwatch
