// Terse constructors for tests: they abort on invalid input, which in a test is a bug in
// the test itself.
#pragma once

#include <string>

#include "core/group.h"
#include "notify/alert.h"

namespace sgwatch::testing {

inline GroupId gid(const std::string& s) { return GroupId::parse(s).value(); }
inline AccountId account(const std::string& s) { return AccountId::parse(s).value(); }
inline Region region(const std::string& s) { return Region::parse(s).value(); }

inline Rule rule(Direction direction, const std::string& protocol, int from, int to,
                 Peer peer, std::string description = "") {
  Protocol p = Protocol::parse(protocol).value();
  return Rule{direction, p, PortRange::make(p, from, to).value(), std::move(peer),
              std::move(description), {}};
}
inline Rule ingress(const std::string& protocol, int from, int to, const std::string& cidr,
                    std::string description = "") {
  return rule(Direction::kIngress, protocol, from, to, Cidr::parse(cidr).value(),
              std::move(description));
}
inline Rule egress(const std::string& protocol, int from, int to, const std::string& cidr,
                   std::string description = "") {
  return rule(Direction::kEgress, protocol, from, to, Cidr::parse(cidr).value(),
              std::move(description));
}

inline Group group(const std::string& id, std::vector<Rule> rules,
                   std::map<std::string, std::string> tags = {}) {
  Group g{gid(id), "web", "web servers", VpcId::parse("vpc-1a2b3c4d").value(),
          account("123456789012"), std::move(tags), std::move(rules)};
  canonicalize(g);
  return g;
}

// docs/JSONL.md's example: department A's web group before and after department B opened
// RDP (tcp/3389, rule sgr-0fedcba9876543210) to the world on it.
struct DocumentedRdpChange {
  Group before;
  Group after;
};
inline DocumentedRdpChange documented_rdp_change() {
  Group before{gid("sg-0123456789abcdef0"),
               "web-dept-a",
               "Department A public web tier",
               VpcId::parse("vpc-0a1b2c3d4e5f67890").value(),
               account("111122223333"),
               {{"Department", "A"}},
               {ingress("tcp", 443, 443, "0.0.0.0/0", "HTTPS from anywhere")}};
  canonicalize(before);
  Group after = before;
  Rule rdp = ingress("tcp", 3389, 3389, "0.0.0.0/0", "RDP for dept B vendor");
  rdp.id = RuleId::parse("sgr-0fedcba9876543210").value();
  after.rules.push_back(std::move(rdp));
  canonicalize(after);
  return {std::move(before), std::move(after)};
}

// An alert as a sink sees it: what matters to a sink is its id and body; the rest names
// department A's group in 111122223333/eu-west-1.
inline Alert sink_alert(std::string id, std::string body, std::string destination = "ops-hook",
                        Timestamp created_at = Timestamp{}) {
  return Alert{
      .id = std::move(id),
      .destination = std::move(destination),
      .kind = AlertKind::kChange,
      .scope = Scope{account("111122223333"), region("eu-west-1")},
      .group = gid("sg-0123456789abcdef0"),
      .revisions = {},
      .events = {},
      .severity = std::nullopt,
      .recipients = {},
      .body = std::move(body),
      .created_at = created_at,
      .deliver_after = created_at,
  };
}

}  // namespace sgwatch::testing
