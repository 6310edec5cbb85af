#include "emulator/ec2/ec2_rule.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "emulator/ec2/ec2_cidr.h"
#include "emulator/ec2/ec2_ids.h"

namespace sgwatch::emulator {
namespace {

constexpr std::string_view kDescriptionCharacters = "._-:/()#,@[]+=&;{}!$* ";

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string uppercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::optional<int> protocol_number(const std::string& text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value <= 255 ? std::optional<int>(value) : std::nullopt;
}

// tcp and udp: both ports, each 0-65535, from <= to.
Ec2Status check_port_range(const RuleRequest& request, RuleSpec& rule) {
  if (!request.from_port || !request.to_port) {
    return invalid_value("Invalid value 'Must specify both from and to ports with TCP/UDP.' "
                         "for portRange.");
  }
  for (int64_t port : {*request.from_port, *request.to_port}) {
    if (port < 0 || port > 65535) {
      return ec2_fail("InvalidPermission.Malformed",
                      "TCP/UDP port (" + std::to_string(port) + ") out of range");
    }
  }
  if (*request.from_port > *request.to_port) {
    return invalid_value("Invalid TCP/UDP port range: from port " +
                         std::to_string(*request.from_port) + " is greater than to port " +
                         std::to_string(*request.to_port) + ".");
  }
  rule.from_port = static_cast<int>(*request.from_port);
  rule.to_port = static_cast<int>(*request.to_port);
  return {};
}

// icmp (type and code required) and icmpv6 (both optional, meaning all): each -1..255, and
// "all types" leaves no code to name.
Ec2Status check_icmp(const RuleRequest& request, RuleSpec& rule, bool v6) {
  const std::string name = v6 ? "ICMPv6" : "ICMP";
  if (!request.from_port && !request.to_port && v6) return {};
  if (!request.from_port || !request.to_port) {
    return invalid_value("Invalid value 'Must specify both from and to ports with " + name +
                         ".' for portRange.");
  }
  if (*request.from_port < -1 || *request.from_port > 255) {
    return ec2_fail("InvalidPermission.Malformed",
                    name + " type (" + std::to_string(*request.from_port) + ") out of range");
  }
  if (*request.to_port < -1 || *request.to_port > 255) {
    return ec2_fail("InvalidPermission.Malformed",
                    name + " code (" + std::to_string(*request.to_port) + ") out of range");
  }
  if (*request.from_port == -1 && *request.to_port != -1) {
    return invalid_value("Invalid " + name + " code " + std::to_string(*request.to_port) +
                         ": the code must be -1 when the type is -1.");
  }
  rule.from_port = static_cast<int>(*request.from_port);
  rule.to_port = static_cast<int>(*request.to_port);
  return {};
}

Ec2Result<Peer> validate_peer(const PeerRequest& request) {
  Peer peer{request.kind, "", request.user_id, request.vpc_id, request.peering_id};
  switch (request.kind) {
    case PeerKind::kIpv4: {
      auto cidr = canonical_ipv4_cidr(request.value);
      if (!cidr) {
        return invalid_value("Value (" + request.value +
                             ") for parameter cidrIp is invalid. This is not a valid CIDR "
                             "block.");
      }
      peer.value = std::move(*cidr);
      break;
    }
    case PeerKind::kIpv6: {
      auto cidr = canonical_ipv6_cidr(request.value);
      if (!cidr) {
        return invalid_value("Value (" + request.value +
                             ") for parameter cidrIpv6 is invalid. This is not a valid IPv6 "
                             "CIDR block.");
      }
      peer.value = std::move(*cidr);
      break;
    }
    case PeerKind::kPrefixList:
      if (!is_resource_id(request.value, "pl")) {
        return malformed_id("InvalidPrefixListId.Malformed", request.value, "pl-");
      }
      peer.value = request.value;
      break;
    case PeerKind::kGroup:
      if (request.value.empty()) return missing_parameter("groupId");
      if (!is_resource_id(request.value, "sg")) {
        return malformed_id("InvalidGroupId.Malformed", request.value, "sg-");
      }
      peer.value = request.value;
      break;
  }
  return peer;
}

}  // namespace

bool protocol_has_ports(const std::string& protocol) {
  return protocol == "tcp" || protocol == "udp" || protocol == "icmp" || protocol == "icmpv6";
}

std::optional<std::string> canonical_protocol(const std::string& protocol) {
  const std::string name = lowercase(protocol);
  if (name == "tcp" || name == "udp" || name == "icmp" || name == "icmpv6") return name;
  if (name == "-1" || name == "all") return "-1";
  const auto number = protocol_number(name);
  if (!number) return std::nullopt;
  // EC2 describes the four protocols it knows by name, however they were given.
  switch (*number) {
    case 6: return "tcp";
    case 17: return "udp";
    case 1: return "icmp";
    case 58: return "icmpv6";
    default: return std::to_string(*number);
  }
}

Ec2Status validate_rule_description(const std::string& description) {
  const bool allowed = std::all_of(description.begin(), description.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           kDescriptionCharacters.find(c) != std::string_view::npos;
  });
  if (description.size() > 255 || !allowed) {
    return invalid_value("Invalid rule description. Valid descriptions are strings less than "
                         "256 characters from the following set:  a-zA-Z0-9. "
                         "_-:/()#,@[]+=&;{}!$*");
  }
  return {};
}

Ec2Result<RuleSpec> validate_rule(const RuleRequest& request, bool egress) {
  if (request.protocol.empty()) return missing_parameter("IpProtocol");
  auto protocol = canonical_protocol(request.protocol);
  if (!protocol) {
    return invalid_value("Invalid value '" + request.protocol +
                         "' for IP protocol. Unknown protocol.");
  }
  RuleSpec rule;
  rule.egress = egress;
  rule.protocol = std::move(*protocol);
  if (rule.protocol == "tcp" || rule.protocol == "udp") {
    if (auto ok = check_port_range(request, rule); !ok) return tl::unexpected(ok.error());
  } else if (rule.protocol == "icmp" || rule.protocol == "icmpv6") {
    if (auto ok = check_icmp(request, rule, rule.protocol == "icmpv6"); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  // Any other protocol allows all its traffic "regardless of any ports you specify", so
  // the ports stay -1.

  auto peer = validate_peer(request.peer);
  if (!peer) return tl::unexpected(peer.error());
  rule.peer = std::move(*peer);
  if (auto ok = validate_rule_description(request.description); !ok) {
    return tl::unexpected(ok.error());
  }
  rule.description = request.description;
  return rule;
}

bool same_rule(const RuleSpec& a, const RuleSpec& b) {
  return a.egress == b.egress && a.protocol == b.protocol && a.from_port == b.from_port &&
         a.to_port == b.to_port && a.peer.kind == b.peer.kind && a.peer.value == b.peer.value;
}

std::string rule_summary(const RuleSpec& rule) {
  std::string text = "peer: " + rule.peer.value + ", ";
  if (rule.protocol == "-1") {
    text += "ALL";
  } else {
    text += uppercase(rule.protocol);
  }
  if (rule.protocol == "tcp" || rule.protocol == "udp") {
    text += ", from port: " + std::to_string(rule.from_port) +
            ", to port: " + std::to_string(rule.to_port);
  } else if (rule.protocol == "icmp" || rule.protocol == "icmpv6") {
    text += ", type: " + std::to_string(rule.from_port) +
            ", code: " + std::to_string(rule.to_port);
  }
  return text + ", ALLOW";
}

}  // namespace sgwatch::emulator
