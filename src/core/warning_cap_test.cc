#include "core/warning_cap.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sgwatch::warning_cap_test {
namespace {

TEST(WarningCap, ShowsTheFirstFewOfEachKindAndCountsTheRest) {
  WarningCap cap({.per_kind = 2});
  std::vector<bool> field;
  for (int i = 0; i < 11548; ++i) field.push_back(cap.admit("requestParameters.groupId"));
  EXPECT_TRUE(field[0]);
  EXPECT_TRUE(field[1]);
  EXPECT_EQ(std::count(field.begin(), field.end(), true), 2);
  // Another kind has its own share, even after the first one is exhausted.
  EXPECT_TRUE(cap.admit("eventTime"));
  EXPECT_TRUE(cap.admit("eventTime"));
  EXPECT_EQ(cap.total(), 11550u);
  ASSERT_EQ(cap.summaries().size(), 1u);
  EXPECT_EQ(cap.summaries()[0],
            "11,546 more warnings like these (requestParameters.groupId) were not shown");
}

TEST(WarningCap, SaysNothingWhenEverythingWasShownAndCountsOneInTheSingular) {
  WarningCap cap({.per_kind = 3});
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(cap.admit("a"));
  EXPECT_TRUE(cap.summaries().empty());
  EXPECT_FALSE(cap.admit("a"));
  ASSERT_EQ(cap.summaries().size(), 1u);
  EXPECT_EQ(cap.summaries()[0], "1 more warning like these (a) was not shown");
}

TEST(WarningCap, SummariesFollowTheOrderKindsWereFirstSeen) {
  WarningCap cap({.per_kind = 0});
  EXPECT_FALSE(cap.admit("zeta"));
  cap.admit("alpha");
  cap.admit("zeta");
  ASSERT_EQ(cap.summaries().size(), 2u);
  EXPECT_EQ(cap.summaries()[0], "2 more warnings like these (zeta) were not shown");
  EXPECT_EQ(cap.summaries()[1], "1 more warning like these (alpha) was not shown");
}

// A file whose every record is wrong in a way of its own: a few lines in all, then counts.
TEST(WarningCap, BoundsTheLinesWhenEveryWarningIsOfItsOwnKind) {
  WarningCap cap({.per_kind = 5, .total = 4, .summaries = 2});
  size_t written = 0;
  for (int i = 0; i < 1000; ++i) written += cap.admit("kind " + std::to_string(i));
  EXPECT_EQ(written, 4u);
  const auto lines = cap.summaries();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "1 more warning like these (kind 4) was not shown");
  EXPECT_EQ(lines[1], "1 more warning like these (kind 5) was not shown");
  EXPECT_EQ(lines[2], "994 more warnings of 994 other kinds were not shown");
}

}  // namespace
}  // namespace sgwatch::warning_cap_test
