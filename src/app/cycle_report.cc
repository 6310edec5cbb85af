#include "app/cycle_report.h"

#include <spdlog/spdlog.h>

#include "app/change_record.h"
#include "app/ingest_report.h"
#include "risk/assess.h"

namespace sgwatch {
namespace {

const Group* find_group(const Snapshot& snapshot, const GroupId& id) {
  for (const Group& group : snapshot.groups) {
    if (group.id == id) return &group;
  }
  return nullptr;
}

// Risky rules that were there before sgwatch first looked are findings too, just not news.
void log_baseline_findings(const CycleOutcome& outcome, const RiskPolicy& risk) {
  std::vector<Finding> findings;
  for (const Group& group : outcome.snapshot.groups) {
    for (Finding& finding : assess_group(group, risk)) findings.push_back(std::move(finding));
  }
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return a.severity > b.severity;
  });
  if (findings.empty()) return;
  const bool serious = findings.front().severity >= Severity::kHigh;
  spdlog::log(serious ? spdlog::level::warn : spdlog::level::info,
              "Findings at the baseline of {}: {}. `sgwatch findings` lists them.",
              outcome.snapshot.scope.str(), findings_summary(findings));
}

std::vector<Finding> change_findings(const CycleOutcome& outcome, const RiskPolicy& risk) {
  std::vector<Finding> findings;
  for (const GroupDiff& diff : outcome.result.diffs) {
    const Group* after = find_group(outcome.snapshot, diff.group);
    for (Finding& finding : findings_introduced(diff, after, risk)) {
      findings.push_back(std::move(finding));
    }
  }
  return findings;
}

std::string findings_text(const std::vector<Finding>& findings) {
  std::string text;
  for (const Finding& finding : findings) {
    std::string severity = to_string(finding.severity);
    for (char& c : severity) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    text += fmt::format("  ! {:<8}  {}: {}\n", severity, finding.group.str(), finding.message);
  }
  return text;
}

nlohmann::json findings_json(const std::vector<Finding>& findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const Finding& finding : findings) {
    list.push_back({{"code", finding.code},
                    {"severity", to_string(finding.severity)},
                    {"group_id", finding.group.str()},
                    {"rule", finding.rule ? finding.rule->summary() : ""},
                    {"message", finding.message}});
  }
  return list;
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
      // The first look at a scope is not news: every group would read as "created".
      size_t rules = 0;
      for (const GroupDiff& diff : outcome.result.diffs) rules += diff.added.size();
      spdlog::info("Baseline of {}: {} group{} and {} rule{} recorded.", scope.scope.str(),
                   outcome.result.groups_seen, outcome.result.groups_seen == 1 ? "" : "s",
                   rules, rules == 1 ? "" : "s");
      if (options.risk) log_baseline_findings(outcome, *options.risk);
      continue;
    }
    tally.changes += outcome.result.diffs.size();
    for (const GroupDiff& diff : outcome.result.diffs) {
      lines.push_back(change_record(scope.scope, diff, outcome.snapshot.observed_at));
    }
    if (outcome.result.diffs.empty() && !options.show_quiet_scopes) continue;
    const std::vector<Finding> findings =
        options.risk ? change_findings(outcome, *options.risk) : std::vector<Finding>{};
    if (options.output == OutputFormat::kJson) {
      nlohmann::json document = record_json(outcome.snapshot, outcome.result);
      document["findings"] = findings_json(findings);
      json_out.push_back(std::move(document));
    } else {
      out << record_text(outcome.snapshot, outcome.result) << findings_text(findings)
          << std::flush;
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
