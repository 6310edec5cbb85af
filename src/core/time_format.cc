#include "core/time_format.h"

// date.h's parser trips g++ 12's -Wmaybe-uninitialized at -O2 inside its own code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <date/date.h>
#pragma GCC diagnostic pop

#include <sstream>

#include <fmt/format.h>

namespace sgwatch {

std::string format_utc(Timestamp t) {
  auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(t);
  if (seconds == t) return date::format("%FT%TZ", seconds);
  return date::format("%FT%TZ", t);
}

Result<Timestamp> parse_time(std::string_view text) {
  std::string normal(text);
  if (normal.size() > 10 && normal[10] == ' ') normal[10] = 'T';
  if (!normal.empty() && (normal.back() == 'Z' || normal.back() == 'z')) {
    normal.back() = '+';
    normal += "00:00";
  }
  // Formats tried in turn; each must consume the whole text.
  static constexpr const char* kFormats[] = {"%FT%T%Ez", "%FT%T", "%F"};
  for (const char* format : kFormats) {
    std::istringstream in(normal);
    Timestamp t;
    in >> date::parse(format, t);
    if (in && in.peek() == std::char_traits<char>::eof()) return t;
  }
  return invalid(fmt::format(
      "'{}' is not a time (expected ISO 8601 like 2026-11-23T10:15:00Z or 2026-11-23)", text));
}

}  // namespace sgwatch
