#include "app/cycle_report.h"

#include <spdlog/spdlog.h>

#include "app/change_record.h"
#include "app/ingest_report.h"

namespace sgwatch {

CycleTally report_cycle(const std::vector<ScopeOutcome>& outcomes,
                        const CycleReportOptions& options, std::ostream& out,
                        nlohmann::json& json_out) {
  CycleTally tally;
  std::vector<nlohmann::json> lines;
  for (const ScopeOutcome& scope : outcomes) {
    if (!scope.outcome) {
      if (scope.outcome.error().code == ErrorCode::kCancelled) {
        ++tally.cancelled;
        continue;
      }
      ++tally.failed;
      spdlog::warn("Skipped {} this cycle; nothing in it was recorded: {}", scope.scope.str(),
                   scope.outcome.error().message);
      continue;
    }
    const CycleOutcome& outcome = *scope.outcome;
    if (outcome.result.baseline) {
      // The first look at a scope is not news: every group would read as "created".
      size_t rules = 0;
      for (const GroupDiff& diff : outcome.result.diffs) rules += diff.added.size();
      spdlog::info("Baseline of {}: {} group{} and {} rule{} recorded.", scope.scope.str(),
                   outcome.result.groups_seen, outcome.result.groups_seen == 1 ? "" : "s",
                   rules, rules == 1 ? "" : "s");
      continue;
    }
    tally.changes += outcome.result.diffs.size();
    for (const GroupDiff& diff : outcome.result.diffs) {
      lines.push_back(change_record(scope.scope, diff, outcome.snapshot.observed_at));
    }
    if (outcome.result.diffs.empty() && !options.show_quiet_scopes) continue;
    if (options.output == OutputFormat::kJson) {
      json_out.push_back(record_json(outcome.snapshot, outcome.result));
    } else {
      out << record_text(outcome.snapshot, outcome.result) << std::flush;
    }
  }
  if (options.jsonl && !lines.empty()) {
    if (auto written = options.jsonl->append(lines); !written) {
      tally.jsonl_failed = true;
      spdlog::error("{} changes are recorded in the store but not in the JSON Lines file: {}",
                    lines.size(), written.error().message);
    }
  }
  return tally;
}

}  // namespace sgwatch
