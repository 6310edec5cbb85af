#include "app/health_check.h"

#include <spdlog/spdlog.h>

#include "aws/credential_provider.h"

namespace sgwatch {

namespace {

// The problems that stay open until they end; a trail change is an event, told once.
constexpr HealthProblemKind kConditions[] = {HealthProblemKind::kScopeFailing,
                                             HealthProblemKind::kCredentialsExpiring,
                                             HealthProblemKind::kDestinationFailing};

}  // namespace

HealthCheck::HealthCheck(const HealthSettings& settings, Observer& observer, Store& store,
                         const Clock& clock, Metrics* metrics)
    : settings_(settings), observer_(observer), store_(store), clock_(clock) {
  if (metrics == nullptr) return;
  open_problems_ = &metrics->gauge("sgwatch_health_problems",
                                   "Problems of sgwatch's own open now, by kind "
                                   "(docs/ALERTS.md, Self-alerts).",
                                   {"problem"});
  for (HealthProblemKind kind : kConditions) open_problems_->with({to_string(kind)}).set(0);
}

std::vector<HealthProblem> HealthCheck::scope_problems(const std::vector<ScopeOutcome>& outcomes,
                                                       Timestamp now) {
  std::vector<HealthProblem> problems;
  for (const ScopeOutcome& outcome : outcomes) {
    const bool cancelled = !outcome.outcome && outcome.outcome.error().code == ErrorCode::kCancelled;
    if (cancelled) continue;  // shutdown, not a failure
    auto counted = store_.count_scope_cycle(outcome.scope, !outcome.outcome);
    if (!counted) {
      spdlog::warn("Health: cannot count the failed cycles of {}: {}", outcome.scope.str(),
                   counted.error().message);
      continue;
    }
    ScopeStatus status{.scope = outcome.scope, .failures_in_a_row = *counted};
    if (status.failures_in_a_row == 0) continue;
    status.last_error = outcome.outcome.error().message;
    auto last = store_.last_snapshot(outcome.scope);
    if (!last) {
      spdlog::warn("Health: cannot read the last cycle of {}: {}", outcome.scope.str(),
                   last.error().message);
    } else if (*last) {
      status.last_good = (*last)->observed_at;
    }
    if (auto problem = scope_failing(status, settings_, now)) {
      problems.push_back(std::move(*problem));
    }
  }
  return problems;
}

std::vector<HealthProblem> HealthCheck::destination_problems(Timestamp now) {
  auto backlog = store_.outbox_backlog();
  if (!backlog) {
    spdlog::warn("Health: cannot read the outbox: {}", backlog.error().message);
    return {};
  }
  auto home = observer_.home_scope();
  if (!home) return {};  // no account resolved yet: nothing was queued either
  return destinations_failing(*backlog, settings_, *home, now);
}

void HealthCheck::after_cycle(const std::vector<ScopeOutcome>& outcomes) {
  const Timestamp now = clock_.now();
  std::vector<HealthProblem> current = scope_problems(outcomes, now);
  for (const CredentialStatus& status : observer_.credential_statuses()) {
    if (auto problem = credentials_expiring(status, kCredentialsRenewBefore, now)) {
      current.push_back(std::move(*problem));
    }
  }
  for (HealthProblem& problem : destination_problems(now)) current.push_back(std::move(problem));
  const std::vector<HealthProblem> began = monitor_.begun(current);
  if (open_problems_ != nullptr) {
    for (HealthProblemKind kind : kConditions) {
      open_problems_->with({to_string(kind)}).set(static_cast<double>(monitor_.open_count(kind)));
    }
  }
  if (began.empty()) return;
  if (auto told = observer_.tell_health(began); !told) {
    spdlog::error("Health: the alerts of {} problem(s) could not be queued, tried again after "
                  "the next cycle: {}",
                  began.size(), told.error().message);
    monitor_.forget(began);
  }
}

}  // namespace sgwatch
