#include "core/json_fields.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/ids.h"
#include "core/time_format.h"

namespace sgwatch::json_fields_test {
namespace {

using ::testing::ElementsAre;

// Parses `json` (an object) and hands its fields, under `path`, to `check`.
template <typename Check>
void with_fields(const std::string& json, Check check, const std::string& path = "item") {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  ASSERT_EQ(parser.parse(simdjson::padded_string(json)).get(object), simdjson::SUCCESS) << json;
  check(JsonFields(object, path));
}

TEST(JsonFields, PathsJoinWithDotsExceptAtTheTop) {
  with_fields(R"({})", [](const JsonFields& fields) {
    EXPECT_EQ(fields.path(), "item");
    EXPECT_EQ(fields.path("key"), "item.key");
  });
  with_fields(
      R"({})", [](const JsonFields& fields) { EXPECT_EQ(fields.path("key"), "key"); }, "");
  EXPECT_EQ(indexed_path("item.list", 3), "item.list[3]");
}

TEST(JsonFields, MissingAndNullAreTheSame) {
  with_fields(R"({"null": null, "text": "x"})", [](const JsonFields& fields) {
    EXPECT_FALSE(fields.member("null"));
    EXPECT_FALSE(fields.member("absent"));
    EXPECT_TRUE(fields.member("text"));
    for (const char* key : {"null", "absent"}) {
      EXPECT_EQ(*fields.optional_string(key), std::nullopt) << key;
      EXPECT_EQ(*fields.string_or_empty(key), "") << key;
      EXPECT_EQ(*fields.optional_int(key), std::nullopt) << key;
      EXPECT_EQ(*fields.optional_id<VpcId>(key), std::nullopt) << key;
      const std::string missing = std::string("item.") + key + ": missing";
      EXPECT_EQ(fields.required_string(key).error().message, missing);
      EXPECT_EQ(fields.required_bool(key).error().message, missing);
      EXPECT_EQ(fields.required_object(key).error().message, missing);
      EXPECT_EQ(fields.required_id<GroupId>(key).error().message, missing);
    }
  });
}

TEST(JsonFields, WrongTypesNameThePathAndWhatCame) {
  with_fields(R"({"number": 7, "text": "7", "list": [], "object": {}, "flag": true})",
              [](const JsonFields& fields) {
                EXPECT_EQ(fields.optional_string("number").error().message,
                          "item.number: expected a string, got integer");
                EXPECT_EQ(fields.required_string("list").error().message,
                          "item.list: expected a string, got array");
                EXPECT_EQ(fields.string_or_empty("flag").error().message,
                          "item.flag: expected a string, got boolean");
                EXPECT_EQ(fields.optional_int("text").error().message,
                          "item.text: expected an integer, got string");
                EXPECT_EQ(fields.required_bool("number").error().message,
                          "item.number: expected a boolean, got integer");
                EXPECT_EQ(fields.required_object("list").error().message,
                          "item.list: expected an object, got array");
                EXPECT_EQ(fields.optional_id<VpcId>("object").error().message,
                          "item.object: expected a string, got object");
                EXPECT_EQ(*fields.required_bool("flag"), true);
                EXPECT_EQ(fields.required_object("object")->size(), 0u);
              });
}

TEST(JsonFields, IntegersMustFitAnInt) {
  with_fields(R"({"port": 443, "negative": -1, "max": 2147483647, "over": 2147483648,
                  "under": -2147483649, "huge": 18446744073709551615, "fraction": 1.5})",
              [](const JsonFields& fields) {
                EXPECT_EQ(*fields.optional_int("port"), 443);
                EXPECT_EQ(*fields.optional_int("negative"), -1);
                EXPECT_EQ(*fields.optional_int("max"), 2147483647);
                EXPECT_EQ(fields.optional_int("over").error().message,
                          "item.over: 2147483648 is out of range");
                EXPECT_EQ(fields.optional_int("under").error().message,
                          "item.under: -2147483649 is out of range");
                EXPECT_EQ(fields.optional_int("huge").error().message,
                          "item.huge: 18446744073709551615 is out of range");
                EXPECT_EQ(fields.optional_int("fraction").error().message,
                          "item.fraction: expected an integer, got number");
              });
}

TEST(JsonFields, IdsAreParsedAndNamedByTheirPath) {
  with_fields(R"({"group": "sg-12345678", "bad": "sg-nothex", "empty": "", "vpc": "vpc-0a1b2c3d"})",
              [](const JsonFields& fields) {
                EXPECT_EQ(fields.required_id<GroupId>("group")->str(), "sg-12345678");
                EXPECT_EQ(fields.required_id<GroupId>("bad").error().message,
                          "item.bad: 'sg-nothex' is not a valid security group id (sg- and 8 or "
                          "17 hex digits)");
                EXPECT_EQ(fields.optional_id<GroupId>("bad").error().message,
                          fields.required_id<GroupId>("bad").error().message);
                // An empty string is no id for the optional reader, a bad one for the other.
                EXPECT_EQ(*fields.optional_id<VpcId>("empty"), std::nullopt);
                EXPECT_EQ(fields.required_id<VpcId>("empty").error().message,
                          "item.empty: '' is not a valid VPC id (vpc- and 8 or 17 hex digits)");
                EXPECT_EQ(fields.optional_id<VpcId>("vpc")->value().str(), "vpc-0a1b2c3d");
              });
}

TEST(JsonFields, ArraysAreWalkedWithIndexedPaths) {
  with_fields(R"({"names": ["a", "b"], "objects": [{"k": 1}, {"k": 2}], "mixed": [{}, 3],
                  "text": "no", "none": null})",
              [](const JsonFields& fields) {
                std::vector<std::string> seen;
                Status names = fields.for_each_element(
                    "names", [&](simdjson::dom::element, const std::string& path) -> Status {
                      seen.push_back(path);
                      return {};
                    });
                ASSERT_TRUE(names);
                EXPECT_THAT(seen, ElementsAre("item.names[0]", "item.names[1]"));

                seen.clear();
                Status objects = fields.for_each_object(
                    "objects", [&](simdjson::dom::object object, const std::string& path) {
                      auto k = JsonFields(object, path).optional_int("k");
                      seen.push_back(path + "=" + std::to_string(**k));
                      return Status();
                    });
                ASSERT_TRUE(objects);
                EXPECT_THAT(seen, ElementsAre("item.objects[0]=1", "item.objects[1]=2"));

                auto nothing = [](simdjson::dom::object, const std::string&) { return Status(); };
                EXPECT_EQ(fields.for_each_object("mixed", nothing).error().message,
                          "item.mixed[1]: expected an object, got integer");
                EXPECT_EQ(fields.for_each_object("text", nothing).error().message,
                          "item.text: expected an array, got string");
                EXPECT_TRUE(fields.for_each_object("none", nothing));
                EXPECT_TRUE(fields.for_each_object("absent", nothing));

                // The first error stops the walk and is what comes back.
                seen.clear();
                Status stopped = fields.for_each_element(
                    "names", [&](simdjson::dom::element, const std::string& path) -> Status {
                      seen.push_back(path);
                      return invalid(path + ": refused");
                    });
                EXPECT_EQ(stopped.error().message, "item.names[0]: refused");
                EXPECT_THAT(seen, ElementsAre("item.names[0]"));
              });
}

TEST(JsonFields, TimesAreIsoTextOrEpochSeconds) {
  with_fields(R"({"iso": "2017-01-09T22:50:15.156Z", "epoch": 1484002215.156, "whole": 1484002215,
                  "far": 1e300, "flag": true, "empty": null})",
              [](const JsonFields& fields) {
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

TEST(JsonFields, StateIdsAreDecimalText) {
  with_fields(R"({"number": 1484002215156, "text": "58", "word": "fifty", "negative": -1,
                  "absent": null, "list": []})",
              [](const JsonFields& fields) {
                EXPECT_EQ(*fields.decimal_text("number"), "1484002215156");
                EXPECT_EQ(*fields.decimal_text("text"), "58");
                EXPECT_EQ(*fields.decimal_text("absent"), "");
                EXPECT_EQ(*fields.decimal_text("missing"), "");
                EXPECT_EQ(fields.decimal_text("word").error().message,
                          "item.word: 'fifty' is not a decimal number");
                EXPECT_EQ(fields.decimal_text("negative").error().message,
                          "item.negative: -1 is not a decimal number");
                EXPECT_EQ(fields.decimal_text("list").error().message,
                          "item.list: expected an integer, got array");
              });
}

}  // namespace
}  // namespace sgwatch::json_fields_test
