#include "app/due_reports.h"

#include "risk/assess.h"

namespace sgwatch {
namespace {

bool held(const ChangeView& view, Timestamp now, const CycleSettings& settings) {
  if (view.entry.state != AttributionState::kPending) return false;
  if (settings.attribution.report == ReportTiming::kAtOnce) return false;
  if (now >= view.entry.observed_at + settings.attribution.wait) return false;
  if (!settings.risk) return true;
  const Group* after = view.after ? &*view.after : nullptr;
  auto worst = highest_severity(findings_introduced(view.diff, after, *settings.risk));
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
    due.push_back(std::move(*view));
  }
  if (auto kept = store.update_changes(marked); !kept) return tl::unexpected(kept.error());
  return due;
}

}  // namespace sgwatch
