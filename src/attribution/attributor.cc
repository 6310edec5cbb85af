#include "attribution/attributor.h"

#include <algorithm>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "attribution/change_view.h"
#include "attribution/correlate.h"
#include "attribution/stored_calls.h"
#include "core/warning_cap.h"
#include "trail/record_containers.h"

namespace sgwatch {
namespace {

// LookupEvents reaches back 90 days; a change pending longer (sgwatch was stopped) cannot
// be looked up further.
constexpr auto kTrailRetention = std::chrono::hours(24 * 90);

}  // namespace

Attributor::Attributor(TrailApi& trail, Store& store, const AttributionSettings& settings)
    : trail_(trail), store_(store), settings_(settings) {}

Result<ScopeAttribution> Attributor::run(const AwsCredentials& credentials, const Scope& scope,
                                         Timestamp now, const std::vector<std::string>& related,
                                         Mode mode) {
  ChangeQuery query;
  query.scope = scope;
  query.state = AttributionState::kPending;
  auto pending = store_.changes(query);
  if (!pending) return tl::unexpected(pending.error());

  ScopeAttribution outcome;
  if (mode == Mode::kStoredFirst && !pending->empty()) {
    // LookupEvents allows two calls a second per account and region: a burst of events
    // that each carried their own call must not spend that budget. Only the calls named
    // are parsed, not every call of a busy window.
    auto carried = store_.events_by_id(related);
    if (!carried) return tl::unexpected(carried.error());
    if (auto settled = settle(scope, *pending, now, outcome, false, &*carried); !settled) {
      return tl::unexpected(settled.error());
    }
    pending = store_.changes(query);
    if (!pending) return tl::unexpected(pending.error());
    if (pending->empty()) return outcome;
  }

  // Late records of changes and attempts arrive within the wait: look back that far, and
  // further while an older change is still pending.
  Timestamp from = now - settings_.wait - settings_.clock_skew;
  for (const ChangeEntry& entry : *pending) {
    from = std::min(from, entry.since - settings_.clock_skew);
  }
  from = std::max(from, now - kTrailRetention);

  if (auto kept = keep_events(credentials, scope, from, now, *pending, related, outcome);
      !kept) {
    return tl::unexpected(kept.error());
  }
  if (auto settled = settle(scope, std::move(*pending), now, outcome); !settled) {
    return tl::unexpected(settled.error());
  }
  return outcome;
}

Status Attributor::keep_events(const AwsCredentials& credentials, const Scope& scope,
                               Timestamp from, Timestamp now,
                               const std::vector<ChangeEntry>& pending,
                               const std::vector<std::string>& related,
                               ScopeAttribution& outcome) {
  TrailLookup lookup;
  lookup.region = scope.region;
  lookup.start = from;
  lookup.end = now;
  lookup.max_pages = settings_.max_pages;
  auto found = trail_.lookup_events(credentials, scope.account, lookup);
  if (!found) return tl::unexpected(found.error());
  outcome.lookup_pages = found->pages;
  std::vector<LookedUpEvent> looked_up_events = std::move(found->events);

  if (!found->complete) {
    // Too busy a window to read whole every cycle: ask for each pending change's group.
    outcome.by_group = true;
    spdlog::info("More than {} pages of write events in {}; looking up the {} pending "
                 "change(s) by group.",
                 settings_.max_pages, scope.str(), pending.size());
    std::map<GroupId, Timestamp> since;  // per group, its oldest pending change's start
    for (const ChangeEntry& entry : pending) {
      auto [it, added] = since.emplace(entry.group, entry.since);
      if (!added) it->second = std::min(it->second, entry.since);
    }
    for (const auto& [group, start] : since) {
      TrailLookup by_group;
      by_group.region = scope.region;
      by_group.start = std::max(start - settings_.clock_skew, now - kTrailRetention);
      by_group.end = now;
      by_group.attribute_key = "ResourceName";
      by_group.attribute_value = group.str();
      auto events = trail_.lookup_events(credentials, scope.account, by_group);
      if (!events) return tl::unexpected(events.error());
      outcome.lookup_pages += events->pages;
      for (LookedUpEvent& event : events->events) looked_up_events.push_back(std::move(event));
    }
  }

  // Events a source named that the window did not hold (it was cut short, or the call
  // is older than the window): asked for by id.
  std::set<std::string> returned;
  for (const LookedUpEvent& event : looked_up_events) returned.insert(event.event_id);
  for (const std::string& id : related) {
    if (returned.contains(id)) continue;
    auto known = store_.events_by_id({id});
    if (!known) return tl::unexpected(known.error());
    if (!known->empty()) continue;
    TrailLookup by_id;
    by_id.region = scope.region;
    by_id.start = now - kTrailRetention;
    by_id.end = now;
    by_id.attribute_key = "EventId";
    by_id.attribute_value = id;
    auto events = trail_.lookup_events(credentials, scope.account, by_id);
    if (!events) return tl::unexpected(events.error());
    outcome.lookup_pages += events->pages;
    for (LookedUpEvent& event : events->events) looked_up_events.push_back(std::move(event));
  }

  std::vector<StoredEvent> events;
  std::set<std::string> seen;
  // One unusable record must not hide the others; it is named so it can be found. A window
  // of records broken the same way is named a few times, then counted.
  WarningCap skipped;
  for (const LookedUpEvent& looked_up : looked_up_events) {
    if (!seen.insert(looked_up.event_id).second) continue;
    auto event = security_group_event(looked_up.record, scope);
    if (!event) {
      if (skipped.admit(record_problem_kind(event.error().message))) {
        spdlog::warn("Skipped CloudTrail event {} of {}: {}", looked_up.event_id, scope.str(),
                     event.error().message);
      }
      continue;
    }
    if (*event) events.push_back(std::move(**event));
  }
  for (const std::string& summary : skipped.summaries()) {
    spdlog::warn("Skipped CloudTrail events of {}: {}", scope.str(), summary);
  }
  auto added = store_.add_events(events);
  if (!added) return tl::unexpected(added.error());
  outcome.events_kept = added->size();

  // A refused call is news only when it aimed at a group sgwatch watches.
  std::set<std::string> fresh(added->begin(), added->end());
  for (const StoredEvent& event : events) {
    if (!event.failed) continue;
    bool watched = false;
    for (const GroupId& group : event.groups) {
      auto latest = store_.latest(group);
      if (!latest) return tl::unexpected(latest.error());
      watched = watched || (*latest && (*latest)->scope == scope);
    }
    if (!watched) continue;
    auto call = call_of(event);
    if (!call) return tl::unexpected(call.error());
    if (fresh.contains(event.event_id)) outcome.attempts.push_back(*call);
    outcome.attempts_in_window.push_back(std::move(*call));
  }
  return {};
}

Status Attributor::settle(const Scope& scope, std::vector<ChangeEntry> pending, Timestamp now,
                          ScopeAttribution& outcome, bool final,
                          const std::vector<StoredEvent>* only) {
  if (pending.empty()) return {};
  // The calls of every pending change's window, parsed once: correlate() keeps to each
  // change's own window, so a burst of changes costs one parse per call, not one per pair.
  Timestamp from = pending.front().since;
  Timestamp to = pending.front().observed_at;
  for (const ChangeEntry& entry : pending) {
    from = std::min(from, entry.since);
    to = std::max(to, entry.observed_at);
  }
  std::vector<ApiCall> calls;
  if (only != nullptr) {
    calls = calls_of(*only);
  } else {
    auto events = store_.events(scope, from - settings_.clock_skew, to + settings_.clock_skew);
    if (!events) return tl::unexpected(events.error());
    calls = calls_of(*events);
  }

  for (ChangeEntry& entry : pending) {
    const ChangeWindow window{entry.since - settings_.clock_skew,
                              entry.observed_at + settings_.clock_skew};
    auto diff = change_diff(store_, entry);
    if (!diff) return tl::unexpected(diff.error());
    auto rule_ids = store_.rule_ids(scope, entry.group);
    if (!rule_ids) return tl::unexpected(rule_ids.error());

    const Correlation found = correlate(*diff, scope, window, calls, *rule_ids);
    if (!final && !found.complete) continue;
    ++entry.lookups;
    entry.event_ids.clear();
    for (size_t index : found.calls) entry.event_ids.push_back(calls[index].event_id);
    if (found.complete) {
      entry.state = AttributionState::kAttributed;
      ++outcome.attributed;
    } else if (now >= entry.observed_at + settings_.wait) {
      entry.state = AttributionState::kUnattributed;
      ++outcome.unattributed;
      spdlog::warn("No CloudTrail record explains revision {} of {} in {} after waiting "
                   "{}s{}; it is unattributed.",
                   entry.revision, entry.group.str(), scope.str(),
                   std::chrono::duration_cast<std::chrono::seconds>(settings_.wait).count(),
                   found.unexplained.empty() ? "" : " (" + found.unexplained.front() + ")");
    }
  }
  if (!final) {
    std::erase_if(pending,
                  [](const ChangeEntry& entry) { return entry.state == AttributionState::kPending; });
  }
  return store_.update_changes(pending);
}

}  // namespace sgwatch
