// The rule-level difference between two observations of one security group. Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/group.h"

namespace sgwatch {

enum class GroupChange { kCreated, kDeleted, kModified };

std::string to_string(GroupChange change);  // "created" / "deleted" / "modified"

// A rule whose identity stayed and whose description changed.
struct RuleModification {
  Rule before;
  Rule after;
};

// A tag added (no before), removed (no after) or changed (both).
struct TagChange {
  std::string key;
  std::optional<std::string> before;
  std::optional<std::string> after;
};

// A change of one of the group's own fields: "name", "description", "vpc", "owner".
struct FieldChange {
  std::string field;
  std::string before;
  std::string after;
};

struct GroupDiff {
  GroupId group;
  std::string name;  // the group's name, current or last known
  std::optional<VpcId> vpc;  // the group's VPC, current or last known
  GroupChange change = GroupChange::kModified;
  std::vector<Rule> added;       // from `current`; on creation, every rule
  std::vector<Rule> removed;     // from `previous`; on deletion, every rule
  std::vector<RuleModification> modified;
  std::vector<TagChange> tags;
  std::vector<FieldChange> fields;

  bool empty() const {
    return change == GroupChange::kModified && added.empty() && removed.empty() &&
           modified.empty() && tags.empty() && fields.empty();
  }
};

// Compares two canonical observations of one group. A null `previous` means the group is
// new; a null `current` means it is gone. Returns nullopt when nothing changed (including
// when only rule ids differ) or when both are null.
std::optional<GroupDiff> diff(const Group* previous, const Group* current);

}  // namespace sgwatch
