// A security group in canonical form: atomic rules in a fixed order, so that two
// observations of the same content compare equal and hash equal.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.h"
#include "core/rule.h"

namespace sgwatch {

struct Group {
  GroupId id;
  std::string name;
  std::string description;
  std::optional<VpcId> vpc;  // absent only for EC2-Classic groups
  AccountId owner;
  std::map<std::string, std::string> tags;
  std::vector<Rule> rules;  // canonical after canonicalize(): sorted by identity, unique
};

// Puts `group` into canonical form: rules sorted by identity, duplicates merged (keeping
// a non-empty description, the smallest if they differ, and any known id), and a group reference without an account
// completed with the group's owner (EC2 means the same account when it omits it).
void canonicalize(Group& group);

// An id that appears more than once in `ids`, if any. Sorts instead of building a set:
// a listing of a scope checks tens of thousands of ids.
std::optional<GroupId> first_duplicate(std::vector<GroupId> ids);

// True when the two groups have the same content: everything but rule ids.
// Both must be canonical.
bool same_content(const Group& a, const Group& b);

// SHA-256 (hex) over the canonical content, leaving out rule ids. Equal content gives an
// equal hash whatever order the rules arrived in. `group` must be canonical.
std::string content_hash(const Group& group);

}  // namespace sgwatch
