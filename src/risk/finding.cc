#include "risk/finding.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace sgwatch {

const std::vector<std::string>& severity_names() {
  static const std::vector<std::string> names = {"info", "low", "medium", "high", "critical"};
  return names;
}

std::string to_string(Severity severity) { return severity_names()[static_cast<size_t>(severity)]; }

Result<Severity> parse_severity(std::string_view text) {
  const auto& names = severity_names();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return static_cast<Severity>(i);
  }
  return invalid(fmt::format("'{}' is not a severity (one of: {})", text, fmt::join(names, ", ")));
}

std::optional<Severity> highest_severity(const std::vector<Finding>& findings) {
  std::optional<Severity> highest;
  for (const Finding& finding : findings) {
    if (!highest || finding.severity > *highest) highest = finding.severity;
  }
  return highest;
}

std::string findings_summary(const std::vector<Finding>& findings) {
  if (findings.empty()) return "no findings";
  std::array<size_t, 5> counts{};
  const Finding* worst = nullptr;
  for (const Finding& finding : findings) {
    ++counts[static_cast<size_t>(finding.severity)];
    if (worst == nullptr || finding.severity > worst->severity) worst = &finding;
  }
  std::vector<std::string> parts;
  for (size_t i = counts.size(); i-- > 0;) {
    if (counts[i] > 0) parts.push_back(fmt::format("{} {}", counts[i], severity_names()[i]));
  }
  const std::string label = worst->group_name.empty()
                                ? worst->group.str()
                                : worst->group.str() + " (" + worst->group_name + ")";
  return fmt::format("{} finding{}: {} (worst: {}: {})", findings.size(),
                     findings.size() == 1 ? "" : "s", fmt::join(parts, ", "), label,
                     worst->message);
}

}  // namespace sgwatch
