#include "emulator/ec2/ec2_generator.h"

#include <cstdio>

namespace sgwatch::emulator {
namespace {

constexpr const char* kTeams[] = {"payments", "search", "platform", "data", "web", "mobile",
                                  "security"};
constexpr const char* kEnvironments[] = {"prod", "staging", "dev"};

std::string unused_name(const Ec2Scope& scope, size_t& counter) {
  for (;;) {
    std::string name = "generated-" + std::to_string(++counter);
    if (!scope.group_by_name(name)) return name;
  }
}

// Rule `j` of group number `i`. Ports differ by rule, so no two rules of a group collide.
RuleRequest generated_rule(size_t i, size_t j, const std::string& neighbour) {
  RuleRequest rule;
  rule.protocol = "tcp";
  rule.from_port = rule.to_port = static_cast<int64_t>(1000 + j);
  rule.description = "generated rule " + std::to_string(j);
  switch (j % 4) {
    case 0: {
      rule.peer.kind = PeerKind::kIpv4;
      rule.peer.value = "10." + std::to_string((i >> 8) & 0xff) + "." +
                        std::to_string(i & 0xff) + ".0/24";
      break;
    }
    case 1: {
      char cidr[48];
      std::snprintf(cidr, sizeof cidr, "2001:db8:%zx::/48", i & 0xffff);
      rule.peer.kind = PeerKind::kIpv6;
      rule.peer.value = cidr;
      break;
    }
    case 2:
      rule.peer.kind = PeerKind::kGroup;
      rule.peer.value = neighbour;
      break;
    default:
      rule.protocol = "udp";
      rule.peer.kind = PeerKind::kIpv4;
      rule.peer.value = "172.16." + std::to_string(j & 0xff) + ".0/24";
      break;
  }
  // Every 50th group has SSH open to the world, which an assessment should flag.
  if (j == 0 && i % 50 == 0) {
    rule.from_port = rule.to_port = 22;
    rule.peer.value = "0.0.0.0/0";
    rule.description = "ssh from anywhere";
  }
  return rule;
}

}  // namespace

Ec2Result<GeneratedGroups> generate_groups(Ec2Scope& scope, size_t groups,
                                           size_t rules_per_group) {
  if (rules_per_group > kMaxRulesPerDirection) {
    return invalid_value("At most " + std::to_string(kMaxRulesPerDirection) +
                         " rules per group can be generated.");
  }
  GeneratedGroups result;
  result.group_ids.reserve(groups);
  // Numbering resumes after earlier batches, so names rarely need a second try.
  size_t counter = 0;
  for (const auto& [id, group] : scope.groups()) {
    if (group.name.rfind("generated-", 0) == 0) ++counter;
  }
  scope.reserve_rules(groups * (rules_per_group + 1));
  std::string neighbour = scope.default_group();
  std::vector<RuleRequest> rules;
  for (size_t i = 0; i < groups; ++i) {
    const std::string name = unused_name(scope, counter);
    const Tags tags = {{"Name", name},
                       {"Owner", kTeams[i % std::size(kTeams)]},
                       {"Environment", kEnvironments[i % std::size(kEnvironments)]}};
    auto id = scope.create_group(name, "generated group " + std::to_string(i), "", tags);
    if (!id) return tl::unexpected(id.error());

    rules.clear();
    for (size_t j = 0; j < rules_per_group; ++j) rules.push_back(generated_rule(i, j, neighbour));
    auto added = scope.authorize(*id, /*egress=*/false, rules, {});
    if (!added) return tl::unexpected(added.error());
    result.rules += added->size();
    result.group_ids.push_back(*id);
    neighbour = *id;
  }
  return result;
}

}  // namespace sgwatch::emulator
