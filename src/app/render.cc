#include "app/render.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/group_json.h"
#include "core/time_format.h"

namespace sgwatch {
namespace {

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::string rule_line(const Rule& rule) {
  std::string line = rule.summary();
  if (!rule.description.empty()) line += "  " + quoted(rule.description);
  if (rule.id) line += "  [" + rule.id->str() + "]";
  return line;
}

std::string tag_line(const TagChange& tag) {
  if (!tag.before) return "tag " + tag.key + " = " + quoted(*tag.after) + " added";
  if (!tag.after) return "tag " + tag.key + " = " + quoted(*tag.before) + " removed";
  return "tag " + tag.key + ": " + quoted(*tag.before) + " -> " + quoted(*tag.after);
}

nlohmann::json optional_text(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

// The diff between consecutive revisions; the first revision is a creation.
std::optional<GroupDiff> diff_to(const Revision* previous, const Revision& current) {
  const Group* before = previous && previous->content ? &*previous->content : nullptr;
  const Group* after = current.content ? &*current.content : nullptr;
  return diff(before, after);
}

}  // namespace

std::string group_label(const GroupId& id, const std::string& name) {
  return name.empty() ? id.str() : id.str() + " (" + name + ")";
}

std::string diff_text(const GroupDiff& diff, const std::string& indent) {
  std::string out;
  auto line = [&](const std::string& text) { out += indent + text + "\n"; };
  for (const FieldChange& field : diff.fields) {
    line("~ " + field.field + ": " + quoted(field.before) + " -> " + quoted(field.after));
  }
  for (const Rule& rule : diff.removed) line("- " + rule_line(rule));
  for (const Rule& rule : diff.added) line("+ " + rule_line(rule));
  for (const RuleModification& change : diff.modified) {
    line("~ " + change.after.summary() + ": description " + quoted(change.before.description) +
         " -> " + quoted(change.after.description));
  }
  for (const TagChange& tag : diff.tags) line("~ " + tag_line(tag));
  return out;
}

nlohmann::json diff_json(const GroupDiff& diff) {
  nlohmann::json added = nlohmann::json::array(), removed = nlohmann::json::array(),
                 modified = nlohmann::json::array(), tags = nlohmann::json::array(),
                 fields = nlohmann::json::array();
  for (const Rule& rule : diff.added) added.push_back(rule_to_json(rule, true));
  for (const Rule& rule : diff.removed) removed.push_back(rule_to_json(rule, true));
  for (const RuleModification& change : diff.modified) {
    modified.push_back(
        {{"before", rule_to_json(change.before, true)}, {"after", rule_to_json(change.after, true)}});
  }
  for (const TagChange& tag : diff.tags) {
    tags.push_back({{"key", tag.key}, {"before", optional_text(tag.before)},
                    {"after", optional_text(tag.after)}});
  }
  for (const FieldChange& field : diff.fields) {
    fields.push_back({{"field", field.field}, {"before", field.before}, {"after", field.after}});
  }
  return {{"group_id", diff.group.str()}, {"group_name", diff.name}, {"change", to_string(diff.change)},
          {"rules_added", added},         {"rules_removed", removed},
          {"rules_modified", modified},   {"tags", tags},
          {"fields", fields}};
}

std::string revision_text(const Revision& revision, const DisplayZone& zone) {
  std::string out;
  if (revision.deleted()) {
    return fmt::format("{} in {}: deleted, as observed at {} (revision #{})\n",
                       revision.group.str(), revision.scope.str(),
                       zone.format(revision.observed_at), revision.number);
  }
  const Group& group = *revision.content;
  out += fmt::format("{} in {}\n", group_label(group.id, group.name), revision.scope.str());
  out += fmt::format("  description: {}\n", group.description);
  out += fmt::format("  vpc: {}   owner: {}\n", group.vpc ? group.vpc->str() : "(none)",
                     group.owner.str());
  out += fmt::format("  revision #{} observed at {}, content {}\n", revision.number,
                     zone.format(revision.observed_at), revision.content_hash.substr(0, 12));
  if (!group.tags.empty()) {
    out += "  tags:\n";
    for (const auto& [key, value] : group.tags) out += "    " + key + " = " + quoted(value) + "\n";
  }
  for (Direction direction : {Direction::kIngress, Direction::kEgress}) {
    std::string lines;
    for (const Rule& rule : group.rules) {
      if (rule.direction == direction) lines += "    " + rule_line(rule) + "\n";
    }
    out += "  " + to_string(direction) + (lines.empty() ? ": (no rules)\n" : ":\n" + lines);
  }
  return out;
}

nlohmann::json revision_json(const Revision& revision) {
  return {{"revision", revision.number},
          {"account", revision.scope.account.str()},
          {"region", revision.scope.region.str()},
          {"group_id", revision.group.str()},
          {"observed_at", format_utc(revision.observed_at)},
          {"deleted", revision.deleted()},
          {"content_hash", revision.content_hash},
          {"group", revision.content ? group_to_json(*revision.content, true)
                                     : nlohmann::json(nullptr)}};
}

std::string history_text(const std::vector<Revision>& revisions, const DisplayZone& zone) {
  if (revisions.empty()) return "";
  std::string out;
  const Revision* named = &revisions.back();
  for (const Revision& r : revisions) {
    if (r.content) named = &r;
  }
  out += fmt::format("{}: {} revision{}\n",
                     group_label(named->group, named->content ? named->content->name : ""),
                     revisions.size(), revisions.size() == 1 ? "" : "s");
  std::map<Scope, const Revision*> previous_in_scope;
  for (const Revision& revision : revisions) {
    const Revision*& previous = previous_in_scope[revision.scope];
    auto change = diff_to(previous, revision);
    out += fmt::format("#{}  {}  {}  {}", revision.number, zone.format(revision.observed_at),
                       revision.scope.str(), change ? to_string(change->change) : "unchanged");
    if (revision.content) {
      out += fmt::format("  ({} rules, content {})", revision.content->rules.size(),
                         revision.content_hash.substr(0, 12));
    }
    out += "\n";
    if (change) out += diff_text(*change, "    ");
    previous = &revision;
  }
  return out;
}

nlohmann::json history_json(const std::vector<Revision>& revisions) {
  nlohmann::json out = nlohmann::json::array();
  std::map<Scope, const Revision*> previous_in_scope;
  for (const Revision& revision : revisions) {
    const Revision*& previous = previous_in_scope[revision.scope];
    nlohmann::json entry = revision_json(revision);
    auto change = diff_to(previous, revision);
    entry["diff"] = change ? diff_json(*change) : nlohmann::json(nullptr);
    out.push_back(std::move(entry));
    previous = &revision;
  }
  return out;
}

}  // namespace sgwatch
