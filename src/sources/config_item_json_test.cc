#include "sources/config_item_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/time_format.h"

namespace sgwatch {
namespace {

using ::testing::IsEmpty;
using ::testing::StartsWith;

// Parses `json` (an object) and hands its fields, under `path`, to `check`.
template <typename Check>
void with_fields(const std::string& json, Check check, const std::string& path = "item") {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  ASSERT_EQ(parser.parse(simdjson::padded_string(json)).get(object), simdjson::SUCCESS) << json;
  check(ConfigFields(object, path));
}

TEST(ConfigFields, TimesAreIsoTextOrEpochSeconds) {
  with_fields(R"({"iso": "2017-01-09T22:50:15.156Z", "epoch": 1484002215.156, "whole": 1484002215,
                  "far": 1e300, "flag": true, "empty": null})",
              [](const ConfigFields& fields) {
                EXPECT_EQ(format_utc(*fields.required_time("iso")), "2017-01-09T22:50:15.156Z");
                EXPECT_EQ(format_utc(*fields.required_time("epoch")), "2017-01-09T22:50:15.156Z");
                EXPECT_EQ(format_utc(*fields.required_time("whole")), "2017-01-09T22:50:15Z");
                EXPECT_EQ(fields.required_time("far").error().message,
                          "item.far: 1e+300 is not a time");
                EXPECT_EQ(fields.required_time("flag").error().message,
                          "item.flag: expected an ISO 8601 time or a number of epoch seconds, got "
                          "boolean");
                EXPECT_EQ(fields.required_time("empty").error().message, "item.empty: missing");
              });
}

TEST(ConfigFields, StateIdsAreDecimalText) {
  with_fields(R"({"number": 1484002215156, "text": "58", "word": "fifty", "negative": -1,
                  "absent": null})",
              [](const ConfigFields& fields) {
                EXPECT_EQ(*fields.decimal_text("number"), "1484002215156");
                EXPECT_EQ(*fields.decimal_text("text"), "58");
                EXPECT_EQ(*fields.decimal_text("absent"), "");
                EXPECT_EQ(*fields.decimal_text("missing"), "");
                EXPECT_EQ(fields.decimal_text("word").error().message,
                          "item.word: 'fifty' is not a decimal number");
                EXPECT_EQ(fields.decimal_text("negative").error().message,
                          "item.negative: -1 is not a decimal number");
              });
}

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
}  // namespace sgwatch
