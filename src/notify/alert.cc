#include "notify/alert.h"

#include "core/digest.h"

namespace sgwatch {

std::string to_string(AlertKind kind) {
  switch (kind) {
    case AlertKind::kChange: return "change";
    case AlertKind::kAttempt: return "attempt";
    case AlertKind::kBaseline: return "baseline";
    case AlertKind::kHealth: return "health";
  }
  return "change";
}

std::optional<AlertKind> alert_kind_from(std::string_view text) {
  for (AlertKind kind :
       {AlertKind::kChange, AlertKind::kAttempt, AlertKind::kBaseline, AlertKind::kHealth}) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

std::string to_string(AlertState state) {
  switch (state) {
    case AlertState::kPending: return "pending";
    case AlertState::kDelivered: return "delivered";
    case AlertState::kFailed: return "failed";
  }
  return "pending";
}

std::optional<AlertState> alert_state_from(std::string_view text) {
  for (AlertState state : {AlertState::kPending, AlertState::kDelivered, AlertState::kFailed}) {
    if (to_string(state) == text) return state;
  }
  return std::nullopt;
}

std::string alert_id(std::string_view destination, AlertKind kind, const Scope& scope,
                     const std::optional<GroupId>& group, const std::vector<int64_t>& revisions,
                     const std::vector<std::string>& events) {
  // Fields are separated by a byte none of them can hold, so no two inputs digest alike.
  std::string key;
  auto add = [&key](std::string_view field) {
    key += field;
    key += '\n';
  };
  add(destination);
  add(to_string(kind));
  add(scope.str());
  add(group ? group->str() : "");
  for (int64_t revision : revisions) add(std::to_string(revision));
  add("");
  for (const std::string& event : events) add(event);
  return "a-" + sha256_hex(key).substr(0, 32);
}

}  // namespace sgwatch
