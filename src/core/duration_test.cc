#include "core/duration.h"

#include <gtest/gtest.h>

namespace sgwatch::duration_test {
namespace {

using std::chrono::milliseconds;

TEST(Duration, ReadsEachUnitAndSums) {
  EXPECT_EQ(parse_duration("250ms").value(), milliseconds(250));
  EXPECT_EQ(parse_duration("60s").value(), milliseconds(60000));
  EXPECT_EQ(parse_duration("5m").value(), milliseconds(300000));
  EXPECT_EQ(parse_duration("1h30m").value(), milliseconds(5400000));
  EXPECT_EQ(parse_duration("1d").value(), milliseconds(86400000));
  EXPECT_EQ(parse_duration("0s").value(), milliseconds(0));
}

TEST(Duration, RefusesWhatIsAmbiguousOrWrong) {
  for (const char* text : {"", "60", "s", "5 m", "-5s", "5y", "1h30", "99999999999999999999d"}) {
    auto parsed = parse_duration(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_NE(parsed.error().message.find(std::string("'") + text + "'"), std::string::npos)
        << parsed.error().message;
  }
  EXPECT_NE(parse_duration("5y").error().message.find("unknown unit 'y'"), std::string::npos);
}

TEST(Duration, FormatsTheShortestExactForm) {
  EXPECT_EQ(format_duration(milliseconds(5400000)), "1h30m");
  EXPECT_EQ(format_duration(milliseconds(60000)), "1m");
  EXPECT_EQ(format_duration(milliseconds(1250)), "1s250ms");
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
}

}  // namespace
}  // namespace sgwatch::duration_test
