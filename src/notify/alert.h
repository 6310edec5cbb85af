// An alert: what one destination is told about one group (a change, several coalesced
// changes, an attempt), one scope (its baseline) or sgwatch's own health. Alerts are created in the store's
// outbox before any delivery, with an id computed from what they cover, so that
// recomputing them after a crash finds the same ids and a destination can drop a resend.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/ids.h"
#include "core/scope.h"
#include "risk/finding.h"

namespace sgwatch {

enum class AlertKind {
  kChange,    // one or more changes of a group (coalesced within the window)
  kAttempt,   // a refused call against a watched group
  kBaseline,  // the first snapshot of a scope, with the findings present in it
  kHealth,    // sgwatch itself in trouble, or CloudTrail logging changed (health_problem.h)
};

std::string to_string(AlertKind kind);  // "change" / "attempt" / "baseline" / "health"
std::optional<AlertKind> alert_kind_from(std::string_view text);

// Where an alert is in its delivery.
enum class AlertState {
  kPending,    // not delivered yet: waiting for its first send or a retry
  kDelivered,  // the destination accepted it
  kFailed,     // a Fatal outcome, or too old to keep trying: kept with the reason
};

std::string to_string(AlertState state);  // "pending" / "delivered" / "failed"
std::optional<AlertState> alert_state_from(std::string_view text);

// Scope has no default value, so an Alert is built with designated initializers naming
// at least `scope`.
struct Alert {
  std::string id{};           // alert_id(): deterministic from what it covers
  std::string destination{};  // the configured destination's name
  AlertKind kind = AlertKind::kChange;
  Scope scope;
  std::optional<GroupId> group{};      // nullopt for a baseline and a health alert
  std::vector<int64_t> revisions{};    // the changes it covers (their revisions), oldest first
  // The attempt's event id (kAttempt); the problem's incident (kHealth). For a change,
  // the attribution state it is reported in ("state:attributed"): each report of a
  // change (pending, then attributed) is its own alert, with its own id.
  std::vector<std::string> events{};
  std::optional<Severity> severity{};  // the worst finding it brings, after suppression
  // Addresses from the group's owner tag, for destinations that write to people (email).
  std::vector<std::string> recipients{};
  std::string body{};  // the alert document (docs/ALERTS.md), compact JSON
  Timestamp created_at{};
  // Not sent before this time: the end of the coalescing window.
  Timestamp deliver_after{};
};

// What the outbox knows about an alert's delivery.
struct OutboxEntry {
  Alert alert;
  AlertState state = AlertState::kPending;
  int attempts = 0;                         // sends tried
  Timestamp next_attempt_at{};              // for kPending: not before this
  std::string last_error{};                 // the last Retry or Fatal reason; "" when none
  std::optional<Timestamp> delivered_at{};
};

// "a-" and 32 hex digits of SHA-256 over the destination, the kind, the scope, the group
// and what the alert covers: equal inputs give equal ids, in any process.
std::string alert_id(std::string_view destination, AlertKind kind, const Scope& scope,
                     const std::optional<GroupId>& group, const std::vector<int64_t>& revisions,
                     const std::vector<std::string>& events);

}  // namespace sgwatch
