#include "core/display_zone.h"

#include <date/tz.h>
#include <fmt/format.h>

#include "core/time_format.h"

namespace sgwatch {

Result<DisplayZone> DisplayZone::locate(std::string_view name) {
  DisplayZone zone;
  zone.name_ = std::string(name);
  if (name == "UTC") return zone;
  try {
    zone.zone_ = date::locate_zone(name);
  } catch (const std::exception&) {
    return invalid(fmt::format("'{}' is not a time zone the system knows (an IANA name such as "
                               "Europe/Berlin or America/New_York; is tzdata installed?)",
                               name));
  }
  return zone;
}

std::string DisplayZone::format(Timestamp t) const {
  if (zone_ == nullptr) return format_utc(t);
  const auto info = zone_->get_info(std::chrono::time_point_cast<std::chrono::seconds>(t));
  if (info.offset.count() == 0) return format_utc(t);
  const auto local = t + info.offset;
  std::string text = format_utc(local);  // "...T11:15:00Z" or "...T11:15:00.123Z"
  text.pop_back();
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
  const long magnitude = minutes < 0 ? -minutes : minutes;
  return fmt::format("{}{}{:02}:{:02}", text, minutes < 0 ? '-' : '+', magnitude / 60,
                     magnitude % 60);
}

}  // namespace sgwatch
