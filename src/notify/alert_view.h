// An alert as people read it: the alert document (docs/ALERTS.md) turned into short
// sentences and rule lines, once, for every human-facing destination (Slack, email). What
// is said and in which order lives here; how it is laid out lives in each renderer.
#pragma once

#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/display_zone.h"
#include "core/error.h"

namespace sgwatch {

// A caller as CloudTrail named it.
struct CallerView {
  std::string actor;       // the ARN, or the principal id when there is none
  std::string actor_type;  // "IAMUser", "AssumedRole", ...
  std::string short_name;  // "alice", "role/deploy (session ci-42)": for headlines
  std::string source_ip;
  std::string agent_class;  // "console", "awscli", ...
  std::string user_agent;
  std::string event_name;  // "AuthorizeSecurityGroupIngress"
  std::string event_time;  // in the display zone
};

struct FindingView {
  std::string severity;  // "critical", ...
  std::string message;   // "tcp/3389 (RDP) open to the world (0.0.0.0/0)"
};

// One item of the alert: a change of the group, or a refused call.
struct ItemView {
  std::string what;  // "created", "deleted", "modified", "refused call"
  std::string gist;  // "tcp/3389 from 0.0.0.0/0 added": what a headline says of it
  std::vector<std::string> added;     // "ingress tcp/3389 from 0.0.0.0/0 “RDP for vendor”"
  std::vector<std::string> removed;
  std::vector<std::string> modified;  // "… description “a” → “b”"
  std::vector<std::string> other;     // tags and the group's own fields
  std::vector<FindingView> findings;  // most severe first
  std::string attribution;            // "attributed", "pending", "unattributed", "" (off)
  std::vector<CallerView> callers;
  std::string error;                  // a refused call: "UnauthorizedOperation: ..."
  std::string observed_at;            // in the display zone; "" for a refused call
  std::optional<long long> revision;
};

// A health alert: one of sgwatch's own problems (docs/ALERTS.md, Self-alerts).
struct HealthView {
  std::string problem;  // "scope_failing", ...
  std::string subject;  // "111122223333 in eu-west-1", a destination, a trail
  std::string summary;  // one sentence
  std::string since;    // in the display zone; "" when not known
  std::vector<std::pair<std::string, std::string>> details{};  // further facts, by name
};

struct AlertView {
  std::string id;
  std::string kind;  // "change", "attempt", "baseline", "health"
  std::string account;
  std::string region;
  std::string group_id;    // "" for a baseline
  std::string group_name;
  std::string severity;    // "" when the alert brings no finding
  std::vector<ItemView> items;
  // A baseline: how many groups it found, and its findings.
  long long baseline_groups = 0;
  std::vector<FindingView> baseline_findings;
  HealthView health;  // a health alert's problem

  // "sg-0abc (web-dept-a)", "account 111122223333 in us-east-1" for a baseline, what is in
  // trouble for a health alert.
  std::string subject() const;
  // "tcp/3389 from 0.0.0.0/0 added by alice": the one line that says the most.
  std::string summary() const;
  // "[sgwatch] HIGH sg-0abc (web-dept-a): tcp/3389 from 0.0.0.0/0 added by alice"
  std::string headline() const;
};

// Reads an alert document; times are shown in `zone`. An error names what is missing.
Result<AlertView> read_alert_view(std::string_view document, const DisplayZone& zone);

// "attributed from CloudTrail", "pending: ...": the item's attribution as a sentence.
std::string attribution_text(const ItemView& item);

// "CRITICAL", "HIGH", ...; "INFO" for "".
std::string severity_label(std::string_view severity);

}  // namespace sgwatch
