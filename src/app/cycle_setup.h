// What `once` and `watch` both build before their first cycle, from the config and flags:
// the risk policy, the attribution settings, the alert routing and destinations (the
// outbox), the observer, its health check (self-alerts), and how cycles are reported.
#pragma once

#include <memory>

#include "app/alert_planner.h"
#include "app/command.h"
#include "app/cycle_report.h"
#include "app/health_check.h"
#include "app/observe_config.h"
#include "app/observer.h"
#include "notify/outbox.h"
#include "state/locked_store.h"

namespace sgwatch {

class WatchMetrics;

// Members are declared in the order they depend on each other, so they are destroyed in the
// reverse: the outbox's threads stop before the store they share goes.
struct CycleSetup {
  std::unique_ptr<LockedStore> store;  // shared by the observer's scopes and the outbox
  std::unique_ptr<RiskPolicy> risk;    // stable addresses: the observer and report point at them
  std::unique_ptr<NotifySettings> notify;
  std::unique_ptr<AlertPlanner> planner;
  AttributionSettings attribution;
  std::unique_ptr<Observer> observer;
  std::unique_ptr<HealthCheck> health;  // call after_cycle() after each cycle
  CycleReportOptions report;
  std::unique_ptr<Outbox> outbox;  // empty() when no destination is configured
};

// `jsonl` (may be null) and `store` must outlive the setup. `metrics` (`watch`'s; null
// for `once`) counts the cycles, the changes, the AWS requests and the alerts sent, and
// must outlive the setup too.
Result<CycleSetup> set_up_cycles(const CommandContext& ctx, const WatchSettings& settings,
                                 Store& store, StopSignal& stop, JsonlFile* jsonl,
                                 bool show_quiet_scopes, WatchMetrics* metrics = nullptr);

}  // namespace sgwatch
