#include "core/display_zone.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace sgwatch::display_zone_test {
namespace {

Timestamp at(const char* text) { return *parse_time(text); }

TEST(DisplayZone, UtcIsWrittenAsFormatUtcWritesIt) {
  DisplayZone utc;
  EXPECT_EQ(utc.format(at("2026-11-23T10:15:00Z")), "2026-11-23T10:15:00Z");
  EXPECT_EQ(DisplayZone::locate("UTC")->format(at("2026-11-23T10:15:00.250Z")),
            "2026-11-23T10:15:00.250Z");
}

TEST(DisplayZone, OffsetFollowsDaylightSavingTime) {
  auto berlin = DisplayZone::locate("Europe/Berlin");
  ASSERT_TRUE(berlin) << berlin.error().message;
  EXPECT_EQ(berlin->format(at("2026-11-23T10:15:00Z")), "2026-11-23T11:15:00+01:00");
  EXPECT_EQ(berlin->format(at("2026-07-01T10:15:00Z")), "2026-07-01T12:15:00+02:00");
}

TEST(DisplayZone, NegativeAndHalfHourOffsets) {
  EXPECT_EQ(DisplayZone::locate("America/New_York")->format(at("2026-11-23T03:00:00Z")),
            "2026-11-22T22:00:00-05:00");
  EXPECT_EQ(DisplayZone::locate("Asia/Kolkata")->format(at("2026-11-23T10:15:00Z")),
            "2026-11-23T15:45:00+05:30");
}

TEST(DisplayZone, ZoneAtUtcOffsetZeroIsWrittenWithZ) {
  EXPECT_EQ(DisplayZone::locate("Europe/London")->format(at("2026-11-23T10:15:00Z")),
            "2026-11-23T10:15:00Z");
}

TEST(DisplayZone, WrittenTimesReadBackAsTheSameInstant) {
  auto zone = DisplayZone::locate("Australia/Adelaide");
  const Timestamp t = at("2026-01-05T23:59:59.500Z");
  EXPECT_EQ(*parse_time(zone->format(t)), t);
}

TEST(DisplayZone, UnknownNameIsAnErrorNamingIt) {
  auto zone = DisplayZone::locate("Europe/Berln");
  ASSERT_FALSE(zone);
  EXPECT_NE(zone.error().message.find("'Europe/Berln' is not a time zone"), std::string::npos);
}

}  // namespace
}  // namespace sgwatch::display_zone_test
