#include "core/time_format.h"

#include <gtest/gtest.h>

namespace sgwatch::time_format_test {
namespace {

using std::chrono::milliseconds;

Timestamp at_ms(int64_t ms) { return Timestamp(milliseconds(ms)); }

TEST(TimeFormat, FormatsUtc) {
  EXPECT_EQ(format_utc(at_ms(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(at_ms(1795428900000)), "2026-11-23T10:15:00Z");
  EXPECT_EQ(format_utc(at_ms(1795428900123)), "2026-11-23T10:15:00.123Z");
}

TEST(TimeFormat, ParsesTheUsualForms) {
  const Timestamp expected = at_ms(1795428900000);
  for (const char* text : {"2026-11-23T10:15:00Z", "2026-11-23T10:15:00z", "2026-11-23 10:15:00Z",
                           "2026-11-23T11:15:00+01:00", "2026-11-23T05:15:00-05:00",
                           "2026-11-23T10:15:00"}) {
    auto t = parse_time(text);
    ASSERT_TRUE(t) << text;
    EXPECT_EQ(*t, expected) << text;
  }
  EXPECT_EQ(parse_time("2026-11-23T10:15:00.123Z").value(), at_ms(1795428900123));
  EXPECT_EQ(parse_time("2026-11-23").value(), at_ms(1795392000000));
  EXPECT_EQ(parse_time(format_utc(at_ms(1795428900123))).value(), at_ms(1795428900123));
}

TEST(TimeFormat, RejectsOtherText) {
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-11-23T25:00:00Z",
                          "2026-11-23T10:15:00Zjunk", "1795428900"}) {
    auto t = parse_time(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_NE(t.error().message.find("is not a time"), std::string::npos);
  }
}

}  // namespace
}  // namespace sgwatch::time_format_test
