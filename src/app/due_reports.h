// Which changes of a scope are reported now, after its cycle: the new ones, and earlier
// ones whose attribution settled since they were last reported. With
// `report = "when-attributed"` a pending change is held back, unless it brings a finding
// at least as severe as `at_once_from`, or its wait is over (a failing lookup must not
// hold a change forever). Each change returned is marked reported in its current state,
// so a change is reported once per state it reaches: found (pending or not), then
// attributed or unattributed.
#pragma once

#include <vector>

#include "app/alert_planner.h"
#include "attribution/attribution_settings.h"
#include "attribution/change_view.h"
#include "risk/risk_policy.h"
#include "state/store.h"

namespace sgwatch {

struct CycleSettings {
  AttributionSettings attribution;   // attribution.lookup false: changes carry no caller
  const RiskPolicy* risk = nullptr;  // nullptr: no findings, so none goes out at once for them
  const AlertPlanner* alerts = nullptr;  // nullptr: changes go to no destination
  bool health_alerts = true;  // false: sgwatch's own problems are only logged ([health])
};

// The changes are marked reported in the same transaction that queues their alerts, so a
// crash leaves either both or neither. Precondition: the caller holds the store's writer lock.
Result<std::vector<ChangeView>> take_due_reports(Store& store, const Scope& scope,
                                                 Timestamp now, const CycleSettings& settings);

}  // namespace sgwatch
