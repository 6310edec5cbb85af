#include "attribution/attribution_settings.h"

#include "core/duration.h"

namespace sgwatch {
namespace {

std::string check_max_pages(const ConfigValue& value) {
  const auto* number = std::get_if<std::int64_t>(&value);
  return number && *number >= 1 && *number <= 1000 ? "" : "must be between 1 and 1000";
}

Result<std::chrono::milliseconds> duration_of(const ConfigTable& table, const std::string& key) {
  auto duration = parse_duration(table.string(key).value_or(""));
  if (!duration) return tl::unexpected(duration.error().within(table.where(key).str()));
  return *duration;
}

}  // namespace

KeySchema attribution_config_schema() {
  KeySchema wait = string_key(
      "wait",
      "How long a change waits for its CloudTrail record before it is reported as "
      "unattributed. CloudTrail promises delivery within 15 minutes.",
      "15m");
  wait.check = check_with(parse_duration);
  KeySchema skew = string_key(
      "clock_skew",
      "How far apart the clocks of AWS and this machine may be: event times this far "
      "outside a change's observation window still explain it.",
      "5m");
  skew.check = check_with(parse_duration);
  KeySchema max_pages = integer_key(
      "max_pages",
      "LookupEvents pages (50 write events each) read per account and region and cycle. "
      "When the window holds more, sgwatch looks up each group with a pending change by "
      "its id instead; attempts beyond the pages read are then not seen.",
      20);
  max_pages.check = check_max_pages;
  KeySchema report = string_key(
      "report",
      "`when-attributed`: hold each change until its caller is known or the wait is over; "
      "`at-once`: report each change when found and its caller as a follow-up.",
      "when-attributed");
  report.allowed = {"when-attributed", "at-once"};
  KeySchema at_once_from = string_key(
      "at_once_from",
      "With `report = \"when-attributed\"`, changes that bring a finding at least this "
      "severe are reported at once anyway (info, low, medium, high, critical).",
      "high");
  at_once_from.check = check_with(parse_severity);
  return table_key(
      "attribution",
      "Who made each change: sgwatch reads the CloudTrail events of each account and region "
      "(LookupEvents, write events only) and matches them to the changes it found.",
      {boolean_key("lookup",
                   "Look up CloudTrail events. Needs `cloudtrail:LookupEvents`. Off: changes "
                   "are reported without their caller, and attempts are not seen.",
                   true),
       wait, skew, max_pages, report, at_once_from});
}

Result<AttributionSettings> attribution_settings_from(const ConfigTable& root) {
  const ConfigTable& table = root.table("attribution");
  AttributionSettings settings;
  settings.lookup = table.boolean("lookup").value_or(true);
  auto wait = duration_of(table, "wait");
  if (!wait) return tl::unexpected(wait.error());
  settings.wait = *wait;
  auto skew = duration_of(table, "clock_skew");
  if (!skew) return tl::unexpected(skew.error());
  settings.clock_skew = *skew;
  settings.max_pages = static_cast<int>(table.integer("max_pages").value_or(20));
  settings.report = table.string("report").value_or("") == "at-once"
                        ? ReportTiming::kAtOnce
                        : ReportTiming::kWhenAttributed;
  auto severity = parse_severity(table.string("at_once_from").value_or("high"));
  if (!severity) return tl::unexpected(severity.error().within(table.where("at_once_from").str()));
  settings.at_once_from = *severity;
  return settings;
}

}  // namespace sgwatch
