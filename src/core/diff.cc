#include "core/diff.h"

namespace sgwatch {
namespace {

void diff_tags(const std::map<std::string, std::string>& before,
               const std::map<std::string, std::string>& after, std::vector<TagChange>& out) {
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      out.push_back({b->first, b->second, std::nullopt});
      ++b;
    } else if (b == before.end() || a->first < b->first) {
      out.push_back({a->first, std::nullopt, a->second});
      ++a;
    } else {
      if (b->second != a->second) out.push_back({b->first, b->second, a->second});
      ++b;
      ++a;
    }
  }
}

void diff_field(const char* field, const std::string& before, const std::string& after,
                std::vector<FieldChange>& out) {
  if (before != after) out.push_back({field, before, after});
}

// Both rule lists are canonical (sorted by identity, unique), so one merge pass finds
// additions, removals and description edits.
void diff_rules(const std::vector<Rule>& before, const std::vector<Rule>& after, GroupDiff& out) {
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && identity_less(*b, *a))) {
      out.removed.push_back(*b++);
    } else if (b == before.end() || identity_less(*a, *b)) {
      out.added.push_back(*a++);
    } else {
      if (b->description != a->description) out.modified.push_back({*b, *a});
      ++b;
      ++a;
    }
  }
}

std::string vpc_text(const Group& group) { return group.vpc ? group.vpc->str() : ""; }

}  // namespace

std::string to_string(GroupChange change) {
  switch (change) {
    case GroupChange::kCreated: return "created";
    case GroupChange::kDeleted: return "deleted";
    case GroupChange::kModified: return "modified";
  }
  return "modified";
}

std::optional<GroupDiff> diff(const Group* previous, const Group* current) {
  if (!previous && !current) return std::nullopt;
  const Group& any = current ? *current : *previous;
  GroupDiff out{any.id, any.name, any.vpc, GroupChange::kModified, {}, {}, {}, {}, {}};
  if (!previous) {
    out.change = GroupChange::kCreated;
    out.added = current->rules;
    diff_tags({}, current->tags, out.tags);
    return out;
  }
  if (!current) {
    out.change = GroupChange::kDeleted;
    out.removed = previous->rules;
    diff_tags(previous->tags, {}, out.tags);
    return out;
  }
  diff_field("name", previous->name, current->name, out.fields);
  diff_field("description", previous->description, current->description, out.fields);
  diff_field("vpc", vpc_text(*previous), vpc_text(*current), out.fields);
  diff_field("owner", previous->owner.str(), current->owner.str(), out.fields);
  diff_tags(previous->tags, current->tags, out.tags);
  diff_rules(previous->rules, current->rules, out);
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace sgwatch
