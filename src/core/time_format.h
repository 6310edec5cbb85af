// Reading and writing instants as ISO 8601 / RFC 3339 text.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"

namespace sgwatch {

// "2026-11-23T10:15:00Z", with ".123" before the Z when there are milliseconds.
std::string format_utc(Timestamp t);

// Accepts "2026-11-23T10:15:00Z", fractions of a second, a numeric offset
// ("+01:00"), a space instead of the T, and a bare date ("2026-11-23", midnight UTC).
Result<Timestamp> parse_time(std::string_view text);

}  // namespace sgwatch
