// What a cycle tells the destinations: each change reported, each attempt, a scope's
// baseline and sgwatch's own problems become outbox rows, one per destination the routing (notify/router.h) picks.
// Each row's id is alert_id() over its destination and what it covers, so planning the
// same change again (after a crash) gives the same rows. Pure apart from logging muted
// alerts; the caller queues the rows (Store::report_changes, queue_alerts).
#pragma once

#include <vector>

#include "app/health_problem.h"
#include "attribution/change_view.h"
#include "notify/notify_config.h"
#include "trail/api_call.h"

namespace sgwatch {

class AlertPlanner {
 public:
  // `settings` must outlive the planner.
  explicit AlertPlanner(const NotifySettings& settings);

  bool has_destinations() const { return !settings_.destinations.empty(); }

  // A change as it is reported now (see due_reports.h); `findings` are those it brings.
  // Routed at its observation time; its window for coalescing starts then.
  std::vector<Alert> for_change(const ChangeView& view, const std::vector<Finding>& findings) const;
  // A refused call against `group` (its latest known state, for name and tags), seen `now`.
  std::vector<Alert> for_attempt(const Scope& scope, const ApiCall& call, const Group& group,
                                 Timestamp now) const;
  // A scope's first snapshot: how many groups, and the findings already present.
  std::vector<Alert> for_baseline(const Scope& scope, size_t groups,
                                  const std::vector<Finding>& findings, Timestamp observed_at) const;
  // A problem of sgwatch's own (health_problem.h), to every destination the routes pick
  // but the one it spares.
  std::vector<Alert> for_health(const HealthProblem& problem) const;

 private:
  std::vector<Alert> rows(const AlertSubject& subject, const Alert& model,
                          const std::string& body) const;

  const NotifySettings& settings_;
};

}  // namespace sgwatch
