#include "app/cycle_report.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/change_record.h"
#include "app/change_report.h"
#include "app/ingest_report.h"
#include "core/time_format.h"
#include "risk/assess.h"

namespace sgwatch {
namespace {

// Risky rules that were there before sgwatch first looked are findings too, just not news.
void log_baseline_findings(const CycleOutcome& outcome, const RiskPolicy& risk) {
  std::vector<Finding> findings = assess_groups(outcome.snapshot.groups, risk);
  if (findings.empty()) return;
  const bool serious = findings.front().severity >= Severity::kHigh;
  spdlog::log(serious ? spdlog::level::warn : spdlog::level::info,
              "Findings at the baseline of {}: {}. `sgwatch findings` lists them.",
              outcome.snapshot.scope.str(), findings_summary(findings));
}

void log_baseline(const CycleOutcome& outcome, const CycleReportOptions& options) {
  // The first look at a scope is not news: every group would read as "created".
  size_t rules = 0;
  for (const GroupDiff& diff : outcome.result.diffs) rules += diff.added.size();
  spdlog::info("Baseline of {}: {} group{} and {} rule{} recorded.",
               outcome.snapshot.scope.str(), outcome.result.groups_seen,
               outcome.result.groups_seen == 1 ? "" : "s", rules, rules == 1 ? "" : "s");
  if (options.risk) log_baseline_findings(outcome, *options.risk);
}

std::string summary_text(const CycleOutcome& outcome) {
  const size_t found = outcome.result.diffs.size();
  std::string held;
  size_t reported_now = 0;
  for (const ChangeView& view : outcome.reports) {
    if (view.entry.observed_at == outcome.snapshot.observed_at) ++reported_now;
  }
  if (reported_now < found) {
    held = fmt::format(" ({} held until attributed)", found - reported_now);
  }
  return fmt::format("Recorded {} as observed at {}{}: {} group{}, {}{}.\n",
                     outcome.snapshot.scope.str(), format_utc(outcome.snapshot.observed_at),
                     outcome.snapshot.partial ? " (partial)" : "", outcome.result.groups_seen,
                     outcome.result.groups_seen == 1 ? "" : "s",
                     found == 0 ? std::string("no changes") : fmt::format("{} changed", found),
                     held);
}

}  // namespace

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
      log_baseline(outcome, options);
      continue;
    }
    const std::vector<ApiCall> no_attempts;
    const std::vector<ApiCall>& attempts =
        outcome.attribution ? outcome.attribution->attempts : no_attempts;
    tally.changes += outcome.reports.size();
    tally.attempts += attempts.size();
    const bool quiet = outcome.result.diffs.empty() && outcome.reports.empty() && attempts.empty();
    std::vector<nlohmann::json> changes;
    std::vector<Finding> all_findings;
    std::string text;
    for (const ChangeView& view : outcome.reports) {
      const std::vector<Finding> findings = change_findings(view, options.risk);
      changes.push_back(change_view_json(view, findings));
      text += change_view_text(view, findings, options.zone, options.attribution_wait);
      all_findings.insert(all_findings.end(), findings.begin(), findings.end());
    }
    lines.insert(lines.end(), changes.begin(), changes.end());
    if (quiet && !options.show_quiet_scopes) continue;
    if (options.output == OutputFormat::kJson) {
      nlohmann::json document = record_json(outcome.snapshot, outcome.result);
      document["changes"] = std::move(changes);
      document["findings"] = findings_json(all_findings);  // of every change reported
      nlohmann::json attempt_list = nlohmann::json::array();
      for (const ApiCall& call : attempts) attempt_list.push_back(call_json(call));
      document["attempts"] = std::move(attempt_list);
      document["attribution_error"] = outcome.attribution_error.empty()
                                          ? nlohmann::json(nullptr)
                                          : nlohmann::json(outcome.attribution_error);
      json_out.push_back(std::move(document));
    } else {
      out << summary_text(outcome) << text;
      for (const ApiCall& call : attempts) out << attempt_text(call, options.zone);
      out << std::flush;
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
