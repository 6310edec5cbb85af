#include "app/group_observation.h"

namespace sgwatch {

const char* to_string(ObservationVerdict verdict) {
  switch (verdict) {
    case ObservationVerdict::kRecorded: return "recorded";
    case ObservationVerdict::kUnchanged: return "unchanged";
    case ObservationVerdict::kStale: return "stale";
    case ObservationVerdict::kSeen: return "seen";
    case ObservationVerdict::kNoBaseline: return "no-baseline";
    case ObservationVerdict::kUnwatched: return "unwatched";
  }
  return "unknown";
}

}  // namespace sgwatch
