// The Observer's part in self-alerts (health_problem.h): what it knows of the accounts'
// credentials, where sgwatch itself runs, and queueing the alerts.
#include <spdlog/spdlog.h>

#include "app/observer.h"

namespace sgwatch {

std::vector<CredentialStatus> Observer::credential_statuses() {
  std::vector<CredentialStatus> statuses;
  for (const auto& account : access_->accounts()) {
    if (!account->id) continue;  // never resolved: its scopes fail, which is told
    // Cached unless due for renewal, which is what a cycle would do now anyway.
    auto credentials = account->credentials->credentials();
    if (!credentials) continue;  // the next cycle fails with the reason
    statuses.push_back({.scope = {*account->id, access_->home_region()},
                        .account = account->label(),
                        .source = account->credentials->name(),
                        .expiration = credentials->expiration});
  }
  return statuses;
}

std::optional<Scope> Observer::home_scope() const {
  std::optional<AccountId> home;
  for (const auto& account : access_->accounts()) {
    if (!account->id) continue;
    if (account->options.role_arn.empty()) return Scope{*account->id, access_->home_region()};
    if (!home) home = account->id;
  }
  if (!home) return std::nullopt;
  return Scope{*home, access_->home_region()};
}

Status Observer::tell_health(const std::vector<HealthProblem>& problems) {
  if (!settings_.health_alerts || !settings_.alerts || !settings_.alerts->has_destinations()) {
    return {};
  }
  std::vector<Alert> alerts;
  for (const HealthProblem& problem : problems) {
    for (Alert& alert : settings_.alerts->for_health(problem)) alerts.push_back(std::move(alert));
  }
  if (alerts.empty()) return {};
  return store_.queue_alerts(alerts);
}

Result<bool> Observer::keep_trail_change(const Scope& scope, const ApiCall& call,
                                         std::string_view record) {
  auto problem = trail_changed(call, record, scope, clock_.now());
  if (!problem) return false;
  spdlog::error("Health: {}", problem->summary);
  // Told each time the event comes: the alert's id, made from the event id, keeps it once.
  if (auto told = tell_health({*problem}); !told) return tl::unexpected(told.error());
  return true;
}

}  // namespace sgwatch
