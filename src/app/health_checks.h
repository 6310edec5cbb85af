// The facts that make each of sgwatch's own problems (health_problem.h), judged one at a
// time. Pure: the caller gathers the facts (health_check.h) and keeps track of which
// problems are open (health_monitor.h).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/health_config.h"
#include "app/health_problem.h"
#include "state/store.h"
#include "trail/api_call.h"

namespace sgwatch {

// A scope after a cycle.
struct ScopeStatus {
  Scope scope;
  int failures_in_a_row = 0;  // from the store, so runs of `once` count; 0: the last was good
  std::string last_error{};   // why its last cycle failed
  std::optional<Timestamp> last_good{};  // its last recorded cycle, from the store
};

// Failing after settings.scope_failures bad cycles in a row.
std::optional<HealthProblem> scope_failing(const ScopeStatus& status,
                                           const HealthSettings& settings, Timestamp now);

// The credentials an account is read with, as last handed out.
struct CredentialStatus {
  Scope scope;          // the account, in the region sgwatch asks STS in
  std::string account;  // "dept-a (444455556666)"
  std::string source;   // "environment", "profile ops", ...
  std::optional<Timestamp> expiration;
};

// Credentials are renewed `renew_before` their expiry (CachingProvider): those handed out
// with less time left are ones their source could not renew.
std::optional<HealthProblem> credentials_expiring(const CredentialStatus& status,
                                                  std::chrono::milliseconds renew_before,
                                                  Timestamp now);

// Each destination whose oldest pending alert is settings.outbox_age old or which owes
// settings.outbox_pending alerts. `home`: the account and region sgwatch runs in.
std::vector<HealthProblem> destinations_failing(const std::vector<OutboxBacklog>& backlog,
                                                const HealthSettings& settings,
                                                const Scope& home, Timestamp now);

// StopLogging, DeleteTrail or UpdateTrail (refused ones too: someone tried), from the call
// and its CloudTrail record (JSON text, for the trail's name); nullopt for any other call.
std::optional<HealthProblem> trail_changed(const ApiCall& call, std::string_view record,
                                           const Scope& scope, Timestamp now);

}  // namespace sgwatch
