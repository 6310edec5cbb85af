// What sgwatch tells the routes about itself, as alerts of kind "health": a scope it
// cannot read, credentials about to expire, a destination it cannot deliver to, and
// CloudTrail logging stopped or changed (which blinds attribution). Each problem is told
// once, when it begins: its alert id is made from what identifies the incident, so a
// restart or the next cycle, seeing the same incident, queues nothing new.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/scope.h"
#include "risk/finding.h"

namespace sgwatch {

enum class HealthProblemKind {
  kScopeFailing,         // an account and region could not be read, cycle after cycle
  kCredentialsExpiring,  // an account's credentials expire soon and could not be renewed
  kDestinationFailing,   // a destination's alerts wait too long, or too many of them
  kTrailChanged,         // StopLogging, DeleteTrail or UpdateTrail was called
};

// "scope_failing", "credentials_expiring", "destination_failing", "trail_changed".
std::string to_string(HealthProblemKind kind);

struct HealthProblem {
  HealthProblemKind kind = HealthProblemKind::kScopeFailing;
  Scope scope;  // where: for a destination, the account and region sgwatch itself runs in
  // What is in trouble: "111122223333 in eu-west-1", a destination's name, a trail.
  std::string subject{};
  // Names this incident among those of the same kind and subject, from facts that outlive
  // a restart (the last good cycle's time, the oldest pending alert's, an expiry, an event
  // id): the same incident seen again gives the same alert id.
  std::string incident{};
  Severity severity = Severity::kMedium;
  std::string summary{};          // one sentence for people
  std::optional<Timestamp> since{};  // when it began, when known
  Timestamp seen_at{};             // when sgwatch noticed it
  std::vector<std::string> actors{};  // the callers' ARNs (kTrailChanged)
  nlohmann::json details = nlohmann::json::object();  // further facts, by name
  // Not told of this problem: the failing destination itself.
  std::string spared_destination{};

  // "destination_failing/slack-security": a problem that stays open until it ends.
  std::string condition() const { return to_string(kind) + "/" + subject; }
};

// The alert's item (docs/ALERTS.md, Self-alerts).
nlohmann::json health_item_json(const HealthProblem& problem);

}  // namespace sgwatch
