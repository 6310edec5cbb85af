#include "app/due_reports.h"

#include "app/change_report.h"

namespace sgwatch {
namespace {

bool held(const ChangeView& view, Timestamp now, const CycleSettings& settings) {
  if (view.entry.state != AttributionState::kPending) return false;
  if (settings.attribution.report == ReportTiming::kAtOnce) return false;
  if (now >= view.entry.observed_at + settings.attribution.wait) return false;
  auto worst = highest_severity(change_findings(view, settings.risk));
  return !worst || *worst < settings.attribution.at_once_from;
}

}  // namespace

Result<std::vector<ChangeView>> take_due_reports(Store& store, const Scope& scope,
                                                 Timestamp now, const CycleSettings& settings) {
  ChangeQuery query;
  query.scope = scope;
  query.unreported_only = true;
  auto unreported = store.changes(query);
  if (!unreported) return tl::unexpected(unreported.error());

  std::vector<ChangeView> due;
  std::vector<ChangeEntry> marked;
  std::vector<Alert> alerts;
  for (const ChangeEntry& entry : *unreported) {
    // A change reported as pending is not reported again while it stays pending.
    if (entry.reported && entry.reported_state == entry.state) continue;
    auto view = load_change(store, entry);
    if (!view) return tl::unexpected(view.error());
    if (held(*view, now, settings)) continue;
    ChangeEntry reported = entry;
    reported.reported = true;
    reported.reported_state = entry.state;
    marked.push_back(reported);
    if (settings.alerts) {
      for (Alert& alert : settings.alerts->for_change(*view, change_findings(*view, settings.risk))) {
        alerts.push_back(std::move(alert));
      }
    }
    due.push_back(std::move(*view));
  }
  if (auto kept = store.report_changes(marked, alerts); !kept) return tl::unexpected(kept.error());
  return due;
}

}  // namespace sgwatch
