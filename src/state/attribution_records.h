// What the store keeps for attribution: each change a cycle found (with who made it, once
// known) and the CloudTrail records of security-group calls that could explain changes or
// are attempts. Plain values; the Store interface reads and writes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/ids.h"
#include "core/scope.h"

namespace sgwatch {

// Whether the CloudTrail call behind a change is known. A change starts pending; it is
// attributed once every part of it matches a recorded call, and unattributed when the
// attribution wait passed without that: a change made outside the trail's view (a stopped
// trail, another path) is a signal of its own.
enum class AttributionState { kPending, kAttributed, kUnattributed };

std::string to_string(AttributionState state);  // "pending" / "attributed" / "unattributed"
std::optional<AttributionState> attribution_state_from(std::string_view text);

// One change: a revision that a cycle wrote after the scope's baseline. The change happened
// after `since` (the scope's previous observation) and at or before `observed_at`.
struct ChangeEntry {
  int64_t revision = 0;  // the revision the change led to (Revision::number)
  Scope scope;
  GroupId group;
  Timestamp since;
  Timestamp observed_at;
  // nullopt: attribution was off when the change was found.
  std::optional<AttributionState> state;
  std::vector<std::string> event_ids;  // the calls that made it, oldest first
  int lookups = 0;                     // trail lookups tried for it
  bool reported = false;  // reported to people at least once
  std::optional<AttributionState> reported_state;  // the state it was last reported in
};

// Which changes to list. Every field narrows; an empty query lists every change.
struct ChangeQuery {
  std::optional<Scope> scope;
  std::optional<AccountId> account;
  std::optional<GroupId> group;
  std::optional<Timestamp> since;  // observed at or after
  std::optional<Timestamp> until;  // observed at or before
  std::optional<AttributionState> state;
  bool unreported_only = false;  // never reported, or reported in another state
};

// One CloudTrail record of a security-group call, kept as the record's own JSON text so it
// can be parsed again (and shown whole) later.
struct StoredEvent {
  std::string event_id;
  Scope scope;
  Timestamp event_time;
  std::string event_name;
  bool failed = false;          // an attempt: errorCode was set
  std::vector<GroupId> groups;  // the security groups the call names
  std::string record;
};

}  // namespace sgwatch
