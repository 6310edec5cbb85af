// The time zone people read times in (the config's `timezone`): any IANA zone name, from
// the system's time zone database. Text output shows times in it; JSON, JSONL and the
// store always use UTC.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"

namespace date {
class time_zone;
}

namespace sgwatch {

class DisplayZone {
 public:
  // UTC.
  DisplayZone() = default;
  // "UTC", "Etc/UTC", "Europe/Berlin", "America/New_York"...; an unknown name is an error
  // naming it.
  static Result<DisplayZone> locate(std::string_view name);

  // RFC 3339 with the zone's offset at that instant: "2026-11-23T11:15:00+01:00"; in UTC,
  // "2026-11-23T10:15:00Z" as format_utc() writes it. Both read back with parse_time().
  std::string format(Timestamp t) const;

  const std::string& name() const { return name_; }

 private:
  const date::time_zone* zone_ = nullptr;  // nullptr: UTC
  std::string name_ = "UTC";
};

}  // namespace sgwatch
