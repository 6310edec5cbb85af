// CloudTrail's LookupEvents over the emulator's trail: one lookup attribute at most, a time
// window (default and limit: the last 90 days), 1-50 events a page (default 50), newest
// first, and NextToken valid only with the parameters it was issued for. Only the calling
// account's events in the request's region are seen.
#pragma once

#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "core/clock.h"
#include "emulator/cloudtrail/trail_recorder.h"

namespace sgwatch::emulator {

// An error in CloudTrail's JSON 1.1 shape: {"__type": type, "message": message}.
struct CloudTrailError {
  int status = 400;
  std::string type;  // "InvalidNextTokenException"
  std::string message;
};

// Answers one LookupEvents request body (already parsed JSON) for `account` in `region`
// at `now`: {"Events": [...], "NextToken": "..."}.
tl::expected<nlohmann::ordered_json, CloudTrailError> lookup_events(
    const TrailRecorder& trail, const std::string& account, const std::string& region,
    const nlohmann::json& request, Timestamp now);

}  // namespace sgwatch::emulator
