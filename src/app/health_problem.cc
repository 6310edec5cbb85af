#include "app/health_problem.h"

#include <nlohmann/json.hpp>

#include "core/time_format.h"

namespace sgwatch {

std::string to_string(HealthProblemKind kind) {
  switch (kind) {
    case HealthProblemKind::kScopeFailing: return "scope_failing";
    case HealthProblemKind::kCredentialsExpiring: return "credentials_expiring";
    case HealthProblemKind::kDestinationFailing: return "destination_failing";
    case HealthProblemKind::kTrailChanged: return "trail_changed";
  }
  return "scope_failing";
}

nlohmann::json health_item_json(const HealthProblem& problem) {
  return {{"problem", to_string(problem.kind)},
          {"subject", problem.subject},
          {"summary", problem.summary},
          {"since", problem.since ? nlohmann::json(format_utc(*problem.since)) : nullptr},
          {"seen_at", format_utc(problem.seen_at)},
          {"details", problem.details}};
}

}  // namespace sgwatch
