// What `once` and `watch` both build before their first cycle, from the config and flags:
// the risk policy, the attribution settings, the observer, and how cycles are reported.
#pragma once

#include <memory>

#include "app/command.h"
#include "app/cycle_report.h"
#include "app/observe_config.h"
#include "app/observer.h"

namespace sgwatch {

struct CycleSetup {
  std::unique_ptr<RiskPolicy> risk;  // a stable address: `report` and the observer point at it
  AttributionSettings attribution;
  std::unique_ptr<Observer> observer;
  CycleReportOptions report;
};

// `jsonl` (may be null) and `store` must outlive the setup.
Result<CycleSetup> set_up_cycles(const CommandContext& ctx, const WatchSettings& settings,
                                 Store& store, StopSignal& stop, JsonlFile* jsonl,
                                 bool show_quiet_scopes);

}  // namespace sgwatch
