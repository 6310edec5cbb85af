// A finding: something about a group's rules that deserves a person's attention, with how much.
// Findings are judgements, not errors: a group with findings is still a valid group.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ids.h"
#include "core/rule.h"

namespace sgwatch {

// Ordered: a later enumerator is more severe, so `a < b` means a is less severe than b.
enum class Severity { kInfo, kLow, kMedium, kHigh, kCritical };

// "info", "low", "medium", "high", "critical".
std::string to_string(Severity severity);
// The inverse of to_string() (exact, lowercase).
Result<Severity> parse_severity(std::string_view text);
// Every severity name, least severe first, for help texts and config checks.
const std::vector<std::string>& severity_names();

struct Finding {
  std::string code;  // stable id, like "world-sensitive-port"; what exemptions name
  Severity severity = Severity::kInfo;
  GroupId group;
  std::string group_name;    // for people; may be empty
  std::optional<Rule> rule;  // the rule that causes it; unset for findings about the group
  std::string message;       // for people: "tcp/3389 (RDP) open to the world (0.0.0.0/0)"
};

// The most severe of `findings`; nullopt when there are none.
std::optional<Severity> highest_severity(const std::vector<Finding>& findings);

// One line for a cycle report: "3 findings: 1 critical, 2 high (worst: sg-0abc (web): tcp/3389
// (RDP) open to the world (0.0.0.0/0))", or "no findings". Counts go from the most severe down; the
// worst is the first finding of the highest severity.
std::string findings_summary(const std::vector<Finding>& findings);

}  // namespace sgwatch
