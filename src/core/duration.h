// Durations as people write them in flags and config: "60s", "5m", "1h30m", "250ms".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"

namespace sgwatch {

// One or more <digits><unit> parts, unit ms, s, m, h or d; the parts add up. A bare
// number is refused: "60" could mean seconds or minutes.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// "1h30m", "60s", "250ms": the shortest exact form, for messages.
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace sgwatch
