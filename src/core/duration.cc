#include "core/duration.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <utility>

#include <fmt/format.h>

namespace sgwatch {
namespace {

using std::chrono::milliseconds;

constexpr std::array<std::pair<std::string_view, int64_t>, 5> kUnits = {{
    {"ms", 1}, {"s", 1000}, {"m", 60 * 1000}, {"h", 60 * 60 * 1000}, {"d", 24 * 60 * 60 * 1000},
}};

Error bad(std::string_view text, std::string_view why) {
  return Error{ErrorCode::kInvalidInput,
               fmt::format("'{}' is not a duration ({}); write it like 60s, 5m, 1h30m or 250ms",
                           text, why)};
}

}  // namespace

Result<milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return tl::unexpected(bad(text, "it is empty"));
  int64_t total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    int64_t number = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), number);
    if (ec != std::errc() || end == rest.data() || number < 0) {
      return tl::unexpected(bad(text, "a number must come before each unit"));
    }
    rest.remove_prefix(static_cast<size_t>(end - rest.data()));
    size_t unit_length = 0;
    while (unit_length < rest.size() && rest[unit_length] >= 'a' && rest[unit_length] <= 'z') {
      ++unit_length;
    }
    std::string_view unit = rest.substr(0, unit_length);
    if (unit.empty()) return tl::unexpected(bad(text, "a unit is missing"));
    int64_t scale = 0;
    for (const auto& [name, ms] : kUnits) {
      if (unit == name) scale = ms;
    }
    if (scale == 0) {
      return tl::unexpected(bad(text, fmt::format("unknown unit '{}'; use ms, s, m, h or d", unit)));
    }
    if (number > (std::numeric_limits<int64_t>::max() - total) / scale) {
      return tl::unexpected(bad(text, "it is too long"));
    }
    total += number * scale;
    rest.remove_prefix(unit_length);
  }
  return milliseconds(total);
}

std::string format_duration(milliseconds duration) {
  int64_t left = duration.count();
  if (left == 0) return "0s";
  std::string out;
  for (auto unit = kUnits.rbegin(); unit != kUnits.rend(); ++unit) {
    if (left >= unit->second) {
      fmt::format_to(std::back_inserter(out), "{}{}", left / unit->second, unit->first);
      left %= unit->second;
    }
  }
  return out;
}

}  // namespace sgwatch
