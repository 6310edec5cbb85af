#include "app/health_monitor.h"

#include <set>

#include <spdlog/spdlog.h>

namespace sgwatch {

std::vector<HealthProblem> HealthMonitor::begun(const std::vector<HealthProblem>& current) {
  std::vector<HealthProblem> began;
  std::set<std::string> seen;
  for (const HealthProblem& problem : current) {
    const std::string condition = problem.condition();
    seen.insert(condition);
    if (open_.contains(condition)) continue;
    spdlog::error("Health: {}", problem.summary);
    open_.emplace(condition, problem);
    began.push_back(problem);
  }
  for (auto it = open_.begin(); it != open_.end();) {
    if (seen.contains(it->first)) {
      ++it;
      continue;
    }
    spdlog::info("Health: {} is no longer a problem ({}).", it->second.subject,
                 to_string(it->second.kind));
    it = open_.erase(it);
  }
  return began;
}

size_t HealthMonitor::open_count(HealthProblemKind kind) const {
  size_t count = 0;
  for (const auto& [condition, problem] : open_) count += problem.kind == kind ? 1 : 0;
  return count;
}

void HealthMonitor::forget(const std::vector<HealthProblem>& problems) {
  for (const HealthProblem& problem : problems) open_.erase(problem.condition());
}

}  // namespace sgwatch
