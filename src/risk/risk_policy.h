// What sgwatch judges risky and how much: sensitive ports, thresholds, a severity per kind of
// finding, and exemptions. Declared as the config's [risk] table; every key has a default, so a
// config without [risk] gets the policy described in docs (RiskPolicy{}).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_schema.h"
#include "config/config_table.h"
#include "core/cidr.h"
#include "core/error.h"
#include "core/group.h"
#include "core/protocol.h"
#include "risk/finding.h"

namespace sgwatch {

// The stable codes of findings; exemptions and [risk.severity] name them.
namespace finding_code {
inline constexpr char kWorldAllTraffic[] = "world-all-traffic";
inline constexpr char kWorldSensitivePort[] = "world-sensitive-port";
inline constexpr char kWorldWidePortRange[] = "world-wide-port-range";
inline constexpr char kWorldOpen[] = "world-open";
inline constexpr char kWideCidr[] = "wide-cidr";
inline constexpr char kEgressWorldAll[] = "egress-world-all";
inline constexpr char kCrossAccountReference[] = "cross-account-reference";
inline constexpr char kDefaultGroupRules[] = "default-group-rules";
}  // namespace finding_code

// Every finding code, in the order the docs list them.
const std::vector<std::string>& finding_codes();

// A tcp or udp port (or range of ports) that must not be open to the world.
struct SensitivePort {
  Protocol protocol = Protocol::tcp();  // tcp or udp
  int from = 0;
  int to = 0;
  std::string name;  // "SSH"; may be empty
  Severity severity = Severity::kHigh;

  // Parses a config entry: "tcp/22 SSH", "tcp/1433-1434 MSSQL", "udp/161" (the name is everything
  // after the first space, and optional).
  static Result<SensitivePort> parse(std::string_view text, Severity severity);
  // "SSH (tcp/22)", or "tcp/22" without a name.
  std::string label() const;
};

// A tag a group must carry: `key` alone matches any value.
struct TagMatch {
  std::string key;
  std::optional<std::string> value;

  // "Key=Value" (split at the first '='), or "Key".
  static Result<TagMatch> parse(std::string_view text);
  bool matches(const std::map<std::string, std::string>& tags) const;
};

// Findings not to report. Each non-empty selector must match (a group in `groups`, a tag in `tags`,
// the rule's CIDR inside a block of `cidrs`); at least one is set. A CIDR selector matches only
// findings caused by a rule whose peer is a block inside one of `cidrs`, so only an exemption that
// lists 0.0.0.0/0 (or ::/0) itself exempts the world.
struct Exemption {
  std::vector<GroupId> groups;
  std::vector<TagMatch> tags;
  std::vector<Cidr> cidrs;
  std::vector<std::string> codes;  // empty: every finding
  std::string reason;              // for people reading the config

  bool covers(const Group& group, const std::optional<Rule>& rule, std::string_view code) const;
};

struct RiskPolicy {
  // Default-constructed: the documented defaults.
  RiskPolicy();

  std::vector<SensitivePort> sensitive_ports;
  // A tcp/udp range of more than this many ports open to the world is world-wide-port-range.
  int wide_port_range = 1000;
  // Ingress from a block this wide or wider (prefix length at most this, but not the world) is
  // wide-cidr; 0 turns the check off.
  int wide_ipv4_prefix = 8;
  int wide_ipv6_prefix = 32;
  // The severity of each code but world-sensitive-port (whose severity is per port); nullopt: the
  // check is off.
  std::map<std::string, std::optional<Severity>, std::less<>> severities;
  std::vector<Exemption> exemptions;

  // The severity configured for `code`; nullopt when that check is off.
  std::optional<Severity> severity_of(std::string_view code) const;
  // True when an exemption covers a finding of `code` about `group` (and `rule`, if any).
  bool exempt(const Group& group, const std::optional<Rule>& rule, std::string_view code) const;
};

// The [risk] table.
KeySchema risk_config_schema();

// The policy a validated config gives (the defaults where it says nothing). Errors name the file
// position.
Result<RiskPolicy> risk_policy_from(const ConfigTable& root);

}  // namespace sgwatch
