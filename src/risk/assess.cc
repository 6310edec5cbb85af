#include "risk/assess.h"

#include <algorithm>

#include <fmt/format.h>

namespace sgwatch {
namespace {

constexpr char kDefaultGroupName[] = "default";
// A sensitive-port message names this many covered ports, then counts the rest.
constexpr size_t kPortsNamed = 3;

struct Candidate {
  const char* code;
  Severity severity;
  std::string message;
};

std::string traffic(const Rule& rule) { return describe_traffic(rule.protocol, rule.ports); }

std::string open_to_world(const Rule& rule) {
  return "open to the world (" + describe_peer(rule.peer) + ")";
}

// Port 0 is reserved and never used, so 1-65535 is every port as much as 0-65535 is.
bool every_port(const Rule& rule) {
  return rule.protocol.is_all() ||
         (rule.protocol.has_ports() && rule.ports.from <= 1 && rule.ports.to == 65535);
}

bool covers(const Rule& rule, const SensitivePort& port) {
  if (rule.protocol.is_all()) return true;
  return rule.protocol == port.protocol && rule.ports.from <= port.to && port.from <= rule.ports.to;
}

// The sensitive ports the rule covers, worst first (then in policy order), each once.
std::vector<const SensitivePort*> covered_ports(const Rule& rule, const RiskPolicy& policy) {
  std::vector<const SensitivePort*> covered;
  for (const SensitivePort& port : policy.sensitive_ports) {
    if (covers(rule, port)) covered.push_back(&port);
  }
  std::stable_sort(covered.begin(), covered.end(),
                   [](const auto* a, const auto* b) { return a->severity > b->severity; });
  std::vector<const SensitivePort*> unique;
  for (const SensitivePort* port : covered) {
    const bool seen = std::any_of(unique.begin(), unique.end(), [port](const auto* kept) {
      return kept->protocol == port->protocol && kept->from == port->from && kept->to == port->to;
    });
    if (!seen) unique.push_back(port);
  }
  return unique;
}

std::optional<Candidate> sensitive_port(const Rule& rule, const RiskPolicy& policy) {
  const auto covered = covered_ports(rule, policy);
  if (covered.empty()) return std::nullopt;
  const SensitivePort& worst = *covered.front();
  const bool only_that_port = covered.size() == 1 && rule.protocol == worst.protocol &&
                              rule.ports.from >= worst.from && rule.ports.to <= worst.to;
  if (only_that_port) {
    std::string name = worst.name.empty() ? "" : " (" + worst.name + ")";
    return Candidate{finding_code::kWorldSensitivePort, worst.severity,
                     traffic(rule) + name + " " + open_to_world(rule)};
  }
  std::vector<std::string> named;
  for (size_t i = 0; i < covered.size() && i < kPortsNamed; ++i) {
    named.push_back(covered[i]->label());
  }
  std::string more = covered.size() > kPortsNamed
                         ? fmt::format(" and {} more sensitive", covered.size() - kPortsNamed)
                         : "";
  return Candidate{finding_code::kWorldSensitivePort, worst.severity,
                   fmt::format("{} {}, including {}{}", traffic(rule), open_to_world(rule),
                               fmt::join(named, ", "), more)};
}

// Every world finding that applies, in the order that breaks ties.
std::vector<Candidate> world_candidates(const Rule& rule, const RiskPolicy& policy) {
  std::vector<Candidate> candidates;
  if (auto severity = policy.severity_of(finding_code::kWorldAllTraffic);
      severity && every_port(rule)) {
    std::string what = rule.protocol.is_all() ? traffic(rule) : traffic(rule) + " (every port)";
    candidates.push_back(
        {finding_code::kWorldAllTraffic, *severity, what + " " + open_to_world(rule)});
  }
  if (auto sensitive = sensitive_port(rule, policy)) candidates.push_back(std::move(*sensitive));
  const int width = rule.ports.to - rule.ports.from + 1;
  if (auto severity = policy.severity_of(finding_code::kWorldWidePortRange);
      severity && rule.protocol.has_ports() && width > policy.wide_port_range) {
    candidates.push_back(
        {finding_code::kWorldWidePortRange, *severity,
         fmt::format("{} ({} ports) {}", traffic(rule), width, open_to_world(rule))});
  }
  if (auto severity = policy.severity_of(finding_code::kWorldOpen)) {
    candidates.push_back(
        {finding_code::kWorldOpen, *severity, traffic(rule) + " " + open_to_world(rule)});
  }
  return candidates;
}

std::optional<Candidate> wide_cidr(const Rule& rule, const RiskPolicy& policy) {
  const auto* cidr = std::get_if<Cidr>(&rule.peer);
  if (cidr == nullptr || cidr->is_world()) return std::nullopt;
  const bool ipv4 = cidr->family() == Cidr::Family::kIpv4;
  const int widest = ipv4 ? policy.wide_ipv4_prefix : policy.wide_ipv6_prefix;
  auto severity = policy.severity_of(finding_code::kWideCidr);
  if (!severity || cidr->prefix_length() > widest) return std::nullopt;
  std::string size =
      ipv4 ? fmt::format("a block of {} addresses", 1ULL << (32 - cidr->prefix_length()))
           : "a very wide IPv6 block";
  return Candidate{finding_code::kWideCidr, *severity,
                   fmt::format("{} open to {}, {}", traffic(rule), cidr->str(), size)};
}

std::optional<Candidate> egress_world_all(const Rule& rule, const RiskPolicy& policy) {
  auto severity = policy.severity_of(finding_code::kEgressWorldAll);
  if (!severity || !rule.protocol.is_all()) return std::nullopt;
  return Candidate{finding_code::kEgressWorldAll, *severity,
                   traffic(rule) + " allowed out to the world (" + describe_peer(rule.peer) + ")"};
}

std::optional<Candidate> cross_account(const Rule& rule, const Group& group,
                                       const RiskPolicy& policy) {
  const auto* ref = std::get_if<GroupRef>(&rule.peer);
  auto severity = policy.severity_of(finding_code::kCrossAccountReference);
  // A reference without an account is to the group's own account (canonicalize fills it in).
  if (ref == nullptr || !ref->user || *ref->user == group.owner || !severity) return std::nullopt;
  return Candidate{finding_code::kCrossAccountReference, *severity,
                   fmt::format("{} {} group {} of another account ({})", traffic(rule),
                               rule.direction == Direction::kIngress ? "from" : "to",
                               ref->group.str(), ref->user->str())};
}

Finding finding_of(Candidate candidate, const Group& group, std::optional<Rule> rule) {
  return Finding{candidate.code, candidate.severity, group.id,
                 group.name,     std::move(rule),    std::move(candidate.message)};
}

// Adds `candidate` unless the policy exempts it.
void keep(std::optional<Candidate> candidate, const Group& group, const Rule* rule,
          const RiskPolicy& policy, std::vector<Finding>& out) {
  if (!candidate) return;
  std::optional<Rule> cause = rule ? std::optional<Rule>(*rule) : std::nullopt;
  if (policy.exempt(group, cause, candidate->code)) return;
  out.push_back(finding_of(std::move(*candidate), group, std::move(cause)));
}

std::optional<Candidate> default_group_rule(const Rule& rule, const Group& group,
                                            const RiskPolicy& policy) {
  auto severity = policy.severity_of(finding_code::kDefaultGroupRules);
  if (!severity || group.name != kDefaultGroupName) return std::nullopt;
  return Candidate{finding_code::kDefaultGroupRules, *severity,
                   rule.summary() + " added to the default group, which should allow nothing"};
}

void most_severe_first(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
}

}  // namespace

std::vector<Finding> assess_rule(const Rule& rule, const Group& group, const RiskPolicy& policy) {
  std::vector<Finding> findings;
  const bool world = is_world(rule.peer);
  if (rule.direction == Direction::kIngress) {
    if (world) {
      std::optional<Candidate> worst;
      for (Candidate& candidate : world_candidates(rule, policy)) {
        if (policy.exempt(group, rule, candidate.code)) continue;
        if (!worst || candidate.severity > worst->severity) worst = std::move(candidate);
      }
      keep(std::move(worst), group, &rule, policy, findings);
    } else {
      keep(wide_cidr(rule, policy), group, &rule, policy, findings);
    }
  } else if (world) {
    keep(egress_world_all(rule, policy), group, &rule, policy, findings);
  }
  keep(cross_account(rule, group, policy), group, &rule, policy, findings);
  return findings;
}

std::vector<Finding> assess_group(const Group& group, const RiskPolicy& policy) {
  std::vector<Finding> findings;
  if (auto severity = policy.severity_of(finding_code::kDefaultGroupRules);
      severity && group.name == kDefaultGroupName && !group.rules.empty()) {
    keep(Candidate{finding_code::kDefaultGroupRules, *severity,
                   fmt::format("the default group allows traffic ({} rule{}); it should allow "
                               "nothing, with workloads in groups of their own",
                               group.rules.size(), group.rules.size() == 1 ? "" : "s")},
         group, nullptr, policy, findings);
  }
  for (const Rule& rule : group.rules) {
    for (Finding& finding : assess_rule(rule, group, policy))
      findings.push_back(std::move(finding));
  }
  most_severe_first(findings);
  return findings;
}

std::vector<Finding> assess_groups(const std::vector<Group>& groups, const RiskPolicy& policy) {
  std::vector<Finding> findings;
  for (const Group& group : groups) {
    for (Finding& finding : assess_group(group, policy)) findings.push_back(std::move(finding));
  }
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return a.severity > b.severity;
  });
  return findings;
}

std::vector<Finding> findings_introduced(const GroupDiff& diff, const Group* after,
                                         const RiskPolicy& policy) {
  std::vector<Finding> findings;
  if (after == nullptr || diff.change == GroupChange::kDeleted) return findings;
  auto add = [&findings](std::vector<Finding> more) {
    for (Finding& finding : more) findings.push_back(std::move(finding));
  };
  for (const Rule& rule : diff.added) {
    keep(default_group_rule(rule, *after, policy), *after, &rule, policy, findings);
    add(assess_rule(rule, *after, policy));
  }
  most_severe_first(findings);
  return findings;
}

}  // namespace sgwatch
