#include "app/change_filter.h"

#include <algorithm>
#include <cctype>
#include <variant>

namespace sgwatch {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool actor_matches(const std::string& wanted, const ApiCall& call) {
  const Actor& actor = call.actor;
  const std::string needle = lower(wanted);
  for (const std::string* field : {&actor.arn, &actor.user_name, &actor.principal_id,
                                   &actor.session_issuer_arn, &actor.access_key_id}) {
    if (!field->empty() && lower(*field).find(needle) != std::string::npos) return true;
  }
  return false;
}

bool reaches_port(const Rule& rule, int port) {
  if (rule.protocol.is_all()) return true;
  return rule.protocol.has_ports() && rule.ports.from <= port && port <= rule.ports.to;
}

bool overlaps(const Rule& rule, const Cidr& wanted) {
  const auto* cidr = std::get_if<Cidr>(&rule.peer);
  return cidr && (cidr->contains(wanted) || wanted.contains(*cidr));
}

template <typename Predicate>
bool any_rule(const GroupDiff& diff, Predicate predicate) {
  return std::any_of(diff.added.begin(), diff.added.end(), predicate) ||
         std::any_of(diff.removed.begin(), diff.removed.end(), predicate) ||
         std::any_of(diff.modified.begin(), diff.modified.end(),
                     [&](const RuleModification& change) { return predicate(change.after); });
}

}  // namespace

bool change_matches(const ChangeFilter& filter, const ChangeView& view,
                    const std::vector<Finding>& findings) {
  if (filter.actor &&
      std::none_of(view.calls.begin(), view.calls.end(),
                   [&](const ApiCall& call) { return actor_matches(*filter.actor, call); })) {
    return false;
  }
  if (filter.port &&
      !any_rule(view.diff, [&](const Rule& rule) { return reaches_port(rule, *filter.port); })) {
    return false;
  }
  if (filter.cidr &&
      !any_rule(view.diff, [&](const Rule& rule) { return overlaps(rule, *filter.cidr); })) {
    return false;
  }
  if (filter.min_severity) {
    auto worst = highest_severity(findings);
    if (!worst || *worst < *filter.min_severity) return false;
  }
  return true;
}

}  // namespace sgwatch
