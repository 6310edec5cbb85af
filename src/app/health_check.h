// After each cycle of `once` and `watch`: every scope, the accounts' credentials and the
// destinations are judged (health_checks.h), and the problems that began are logged and
// told through the routes (health_monitor.h, Observer::tell_health).
#pragma once

#include <vector>

#include "app/health_config.h"
#include "app/health_monitor.h"
#include "app/observer.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "state/store.h"

namespace sgwatch {

class HealthCheck {
 public:
  // `observer`, `store` (the one the observer and outbox share), `clock` and `metrics`
  // (null: none) must outlive the check. The open problems are the gauge
  // sgwatch_health_problems{problem}.
  HealthCheck(const HealthSettings& settings, Observer& observer, Store& store,
              const Clock& clock, Metrics* metrics = nullptr);

  // Problems it cannot judge (the store unreadable) are logged; the cycle's own outcome
  // is not changed by them.
  void after_cycle(const std::vector<ScopeOutcome>& outcomes);

 private:
  std::vector<HealthProblem> scope_problems(const std::vector<ScopeOutcome>& outcomes,
                                            Timestamp now);
  std::vector<HealthProblem> destination_problems(Timestamp now);

  HealthSettings settings_;
  Observer& observer_;
  Store& store_;
  const Clock& clock_;
  HealthMonitor monitor_;
  GaugeFamily* open_problems_ = nullptr;
};

}  // namespace sgwatch
