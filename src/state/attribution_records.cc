#include "state/attribution_records.h"

namespace sgwatch {

std::string to_string(AttributionState state) {
  switch (state) {
    case AttributionState::kPending:
      return "pending";
    case AttributionState::kAttributed:
      return "attributed";
    case AttributionState::kUnattributed:
      return "unattributed";
  }
  return "pending";
}

std::optional<AttributionState> attribution_state_from(std::string_view text) {
  for (AttributionState state : {AttributionState::kPending, AttributionState::kAttributed,
                                 AttributionState::kUnattributed}) {
    if (text == to_string(state)) return state;
  }
  return std::nullopt;
}

}  // namespace sgwatch
