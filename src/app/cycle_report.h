// What `once` and `watch` tell after a cycle: the changes due (see due_reports.h) on stdout
// (text or JSON) with who made them and the risk findings they bring, attempts, one line
// per change reported in the --jsonl file, a log line for a
// scope's baseline and another summing up the findings present at that baseline, and a
// warning for each scope that was skipped.
#pragma once

#include <optional>
#include <ostream>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/jsonl_file.h"
#include "app/observer.h"
#include "app/render.h"
#include "core/display_zone.h"
#include "risk/risk_policy.h"

namespace sgwatch {

struct CycleReportOptions {
  OutputFormat output = OutputFormat::kText;
  bool show_quiet_scopes = true;  // print "no changes" lines (once) or stay silent (watch)
  JsonlFile* jsonl = nullptr;     // --jsonl, if given
  const RiskPolicy* risk = nullptr;  // judges changes and baselines; nullptr: no findings
  DisplayZone zone;                  // the time zone of text output
  std::chrono::milliseconds attribution_wait{std::chrono::minutes(15)};  // for "pending" lines
};

struct CycleTally {
  size_t failed = 0;     // scopes skipped because a read or a write failed
  size_t cancelled = 0;  // scopes a stop request cut short
  size_t changes = 0;    // changes reported (found now, or attributed since)
  size_t attempts = 0;   // refused calls against watched groups
  bool jsonl_failed = false;
};

// `json_out` collects the JSON documents (for --output json); text goes to `out` at once.
CycleTally report_cycle(const std::vector<ScopeOutcome>& outcomes,
                        const CycleReportOptions& options, std::ostream& out,
                        nlohmann::json& json_out);

}  // namespace sgwatch
