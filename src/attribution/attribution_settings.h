// The config's [attribution] table: whether sgwatch asks CloudTrail who made each change,
// how long a change may wait for its record, and when a change is reported: at once, or
// held until its caller is known. The keys are declared here, next to the code that reads
// them.
#pragma once

#include <chrono>

#include "config/config_schema.h"
#include "config/config_table.h"
#include "core/error.h"
#include "risk/finding.h"

namespace sgwatch {

KeySchema attribution_config_schema();

enum class ReportTiming {
  kAtOnce,          // report every change when found; its caller follows when known
  kWhenAttributed,  // hold a change until attributed or unattributed
};

struct AttributionSettings {
  bool lookup = true;  // false: no CloudTrail lookups; changes carry no attribution
  // How long after a change was observed its record may still arrive. CloudTrail delivers
  // most records to LookupEvents within 5 minutes and promises 15.
  std::chrono::milliseconds wait{std::chrono::minutes(15)};
  // How far the clocks of AWS and this machine may disagree: widens the window of event
  // times that can explain a change.
  std::chrono::milliseconds clock_skew{std::chrono::minutes(5)};
  // Pages of the windowed lookup per account and region and cycle (50 events each). A
  // window with more write events is looked up group by group instead (ResourceName).
  int max_pages = 20;
  ReportTiming report = ReportTiming::kWhenAttributed;
  // With kWhenAttributed, changes that bring a finding this severe go out at once anyway.
  Severity at_once_from = Severity::kHigh;
};

Result<AttributionSettings> attribution_settings_from(const ConfigTable& root);

}  // namespace sgwatch
