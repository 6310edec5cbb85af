// One group seen by an event source rather than by a cycle over its scope: an AWS Config
// item now, a targeted Describe later. The Observer records it like a cycle would, if it
// tells something new (Observer::observe_group).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/diff.h"
#include "core/group.h"
#include "core/scope.h"

namespace sgwatch {

struct GroupObservation {
  Scope scope;
  GroupId group;
  std::optional<Group> content;  // nullopt: the group was deleted
  Timestamp captured_at;         // when the source saw this state
  // CloudTrail event ids the source says caused it (Config's relatedEvents, or the
  // event an EventBridge rule delivered).
  std::vector<std::string> related_events;
  // The related events are in the store already (the source carried their records):
  // attribution asks CloudTrail only if they do not explain the change.
  bool related_events_kept = false;
  // The source's own ordering of the group's states (Config's configurationStateId):
  // a state not newer than one taken in before does nothing.
  std::optional<int64_t> state_id;
};

// What became of an observation.
enum class ObservationVerdict {
  kRecorded,    // a new state: a revision and a change were written
  kUnchanged,   // the store holds this state already
  kStale,       // a cycle observed the scope after this state was captured
  kSeen,        // its state_id was not newer than one taken in before
  kNoBaseline,  // the scope has had no cycle yet: its first cycle will record the group
  kUnwatched,   // the account is not one sgwatch observes
};

// "recorded", "unchanged", "stale", "seen", "no-baseline", "unwatched".
const char* to_string(ObservationVerdict verdict);

struct ObservedGroup {
  ObservationVerdict verdict = ObservationVerdict::kUnchanged;
  std::optional<GroupDiff> diff;  // kRecorded only
};

}  // namespace sgwatch
