// A stored change as people see it: what changed (the diff of its revision against the one
// before), the group after it, and the calls that made it. Shared by the cycle reports and
// `sgwatch changes`.
#pragma once

#include <optional>
#include <vector>

#include "core/diff.h"
#include "state/store.h"
#include "trail/api_call.h"

namespace sgwatch {

struct ChangeView {
  ChangeEntry entry;
  GroupDiff diff;
  std::optional<Group> after;  // nullopt: the change deleted the group
  std::vector<ApiCall> calls;  // the calls of entry.event_ids that are kept, oldest first
};

// Reads the change's revisions and calls. A change whose revisions are gone is an error.
Result<ChangeView> load_change(Store& store, const ChangeEntry& entry);

// The diff a change made: its revision against the group's revision before it, its rules
// carrying the ids the store learned for them.
Result<GroupDiff> change_diff(Store& store, const ChangeEntry& entry,
                              std::optional<Group>* after = nullptr);

}  // namespace sgwatch
