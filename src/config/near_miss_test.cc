#include "config/near_miss.h"

#include <gtest/gtest.h>

namespace sgwatch::near_miss_test {
namespace {

TEST(NearMiss, CountsEditsWithNeighbourSwapsAsOne) {
  EXPECT_EQ(name_distance("interval", "interval"), 0u);
  EXPECT_EQ(name_distance("intervall", "interval"), 1u);       // insertion
  EXPECT_EQ(name_distance("rgions", "regions"), 1u);           // deletion
  EXPECT_EQ(name_distance("concurrenct", "concurrency"), 1u);  // substitution
  EXPECT_EQ(name_distance("extrenal_id", "external_id"), 1u);  // swap
  EXPECT_EQ(name_distance("", "abc"), 3u);
  EXPECT_EQ(name_distance("abc", ""), 3u);
  // Optimal string alignment: a swapped pair cannot be edited again, so "ca" -> "abc" is 3.
  EXPECT_EQ(name_distance("ca", "abc"), 3u);
}

TEST(NearMiss, IgnoresCaseAndTreatsDashAsUnderscore) {
  EXPECT_EQ(name_distance("Role-ARN", "role_arn"), 0u);
  EXPECT_EQ(name_distance("LOG_LEVEL", "log_level"), 0u);
}

TEST(NearMiss, SuggestsTheClosestCloseEnoughName) {
  const std::vector<std::string> watch = {"interval", "concurrency", "regions", "jsonl"};
  EXPECT_EQ(closest_name("intervall", watch), "interval");
  EXPECT_EQ(closest_name("rgions", watch), "regions");
  EXPECT_EQ(closest_name("Concurency", watch), "concurrency");
  const std::vector<std::string> account = {"name", "role_arn", "external_id", "external_id_file"};
  EXPECT_EQ(closest_name("extrenal_id", account), "external_id");
  EXPECT_EQ(closest_name("role-arn", account), "role_arn");
  EXPECT_EQ(closest_name("external_id_fil", account), "external_id_file");
}

TEST(NearMiss, SuggestsNothingForDifferentWords) {
  const std::vector<std::string> names = {"interval", "regions", "name", "id"};
  EXPECT_EQ(closest_name("x", names), std::nullopt);
  EXPECT_EQ(closest_name("timeout", names), std::nullopt);
  EXPECT_EQ(closest_name("nm", names), std::nullopt);     // 2 edits in 2 letters: not a typo
  EXPECT_EQ(closest_name("intvl", names), std::nullopt);  // 3 edits: more than 2
  EXPECT_EQ(closest_name("anything", {}), std::nullopt);
}

TEST(NearMiss, PrefersFewerEditsThenTheEarlierName) {
  EXPECT_EQ(closest_name("regionz", {"regionss", "regions"}), "regions");
  EXPECT_EQ(closest_name("abcx", {"abcd", "abce"}), "abcd");
}

}  // namespace
}  // namespace sgwatch::near_miss_test
