#include "aws/role_arn.h"

#include <gtest/gtest.h>

namespace sgwatch::role_arn_test {
namespace {

TEST(RoleArn, ReadsAccountPartitionAndName) {
  auto plain = parse_role_arn("arn:aws:iam::123456789012:role/sgwatch-reader");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->account.str(), "123456789012");
  EXPECT_EQ(plain->partition, "aws");
  EXPECT_EQ(plain->name, "sgwatch-reader");
  auto with_path = parse_role_arn("arn:aws-us-gov:iam::210987654321:role/security/audit");
  ASSERT_TRUE(with_path);
  EXPECT_EQ(with_path->partition, "aws-us-gov");
  EXPECT_EQ(with_path->name, "audit");
}

TEST(RoleArn, NamesWhatIsWrong) {
  const std::pair<const char*, const char*> cases[] = {
      {"sgwatch-reader", "too few"},
      {"arn:aws:iam::12345:role/x", "12 digits"},
      {"arn:aws:iam::123456789012:user/alice", "role/NAME"},
      {"arn:aws:iam::123456789012:role/", "role/NAME"},
      {"arn:aws:sts::123456789012:role/x", "'iam'"},
      {"arn:aws:iam:us-east-1:123456789012:role/x", "no region"},
  };
  for (const auto& [text, why] : cases) {
    auto parsed = parse_role_arn(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_NE(parsed.error().message.find(why), std::string::npos) << parsed.error().message;
    EXPECT_NE(parsed.error().message.find(text), std::string::npos) << parsed.error().message;
  }
}

}  // namespace
}  // namespace sgwatch::role_arn_test
