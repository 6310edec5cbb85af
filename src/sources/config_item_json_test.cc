#include "sources/config_item_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace sgwatch::config_item_json_test {
namespace {

using ::testing::IsEmpty;
using ::testing::StartsWith;

TEST(ConfigGroup, MinimalConfigurationWithoutVpc) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  ASSERT_EQ(parser
                .parse(simdjson::padded_string(std::string(
                    R"({"groupId": "sg-12345678", "groupName": "classic", "description": "old",
                        "ownerId": "123456789012", "vpcId": "", "extra": {"ignored": [1, 2]}})")))
                .get(object),
            simdjson::SUCCESS);
  auto group = read_group_configuration(object, "configuration");
  ASSERT_TRUE(group) << group.error().message;
  EXPECT_EQ(group->id.str(), "sg-12345678");
  EXPECT_FALSE(group->vpc.has_value());
  EXPECT_THAT(group->rules, IsEmpty());
  EXPECT_THAT(group->tags, IsEmpty());
}

TEST(ConfigGroup, DuplicateTagKeysAndBadOwnerAreErrors) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  ASSERT_EQ(parser
                .parse(simdjson::padded_string(std::string(
                    R"({"groupId": "sg-12345678", "groupName": "g", "description": "d",
                        "ownerId": "123456789012",
                        "tags": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]})")))
                .get(object),
            simdjson::SUCCESS);
  EXPECT_EQ(read_group_configuration(object, "c").error().message,
            "c.tags[1].key: duplicate tag key 'a'");

  simdjson::dom::parser parser2;
  ASSERT_EQ(parser2
                .parse(simdjson::padded_string(std::string(
                    R"({"groupId": "sg-12345678", "groupName": "g", "description": "d",
                        "ownerId": "owner"})")))
                .get(object),
            simdjson::SUCCESS);
  EXPECT_THAT(read_group_configuration(object, "c").error().message,
              StartsWith("c.ownerId: 'owner' is not a valid AWS account id"));
}

}  // namespace
}  // namespace sgwatch::config_item_json_test
