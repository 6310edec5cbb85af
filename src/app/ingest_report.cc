#include "app/ingest_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/render.h"
#include "core/time_format.h"

namespace sgwatch {
namespace {

std::string plural(size_t count, const char* noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

}  // namespace

std::string record_text(const Snapshot& snapshot, const RecordResult& result) {
  std::string out = fmt::format(
      "Recorded {} as observed at {}{}: {}, ", snapshot.scope.str(),
      format_utc(snapshot.observed_at), snapshot.partial ? " (partial)" : "",
      plural(result.groups_seen, "group"));
  if (result.baseline) {
    size_t rules = 0;
    for (const Group& group : snapshot.groups) rules += group.rules.size();
    out += plural(rules, "rule") + ", stored as the baseline.\n";
    for (const GroupDiff& diff : result.diffs) {
      out += fmt::format("  {}: {}\n", group_label(diff.group, diff.name),
                         plural(diff.added.size(), "rule"));
    }
    return out;
  }
  if (result.diffs.empty()) return out + "no changes.\n";
  out += fmt::format("{} changed.\n", result.diffs.size());
  for (const GroupDiff& diff : result.diffs) {
    out += fmt::format("{} {}\n", group_label(diff.group, diff.name),
                       to_string(diff.change));
    out += diff_text(diff, "  ");
  }
  return out;
}

nlohmann::json record_json(const Snapshot& snapshot, const RecordResult& result) {
  nlohmann::json diffs = nlohmann::json::array();
  for (const GroupDiff& diff : result.diffs) diffs.push_back(diff_json(diff));
  return {{"account", snapshot.scope.account.str()},
          {"region", snapshot.scope.region.str()},
          {"observed_at", format_utc(snapshot.observed_at)},
          {"partial", snapshot.partial},
          {"baseline", result.baseline},
          {"groups_seen", result.groups_seen},
          {"rule_ids_learned", result.rule_ids_learned},
          {"changes", diffs}};
}

}  // namespace sgwatch
