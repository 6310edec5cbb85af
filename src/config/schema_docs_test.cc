#include "config/schema_docs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sgwatch::schema_docs_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

KeySchema docs_schema() {
  KeySchema log_level = string_key("log_level", "The least severe message shown.", "info");
  log_level.allowed = {"debug", "info", "warn"};
  KeySchema role_arn = string_key("role_arn", "The role to assume.");
  role_arn.required = true;
  KeySchema external_id = string_key("external_id", "The external id | if any.");
  external_id.secret = true;
  return table_key(
      "", "",
      {table_key("watch", "What to observe.",
                 {string_key("interval", "Time between cycles.", "60s"),
                  integer_key("concurrency", "Pairs observed at once.", 4),
                  boolean_key("verbose", "Say more.", false),
                  string_list_key("regions", "Regions to observe.",
                                  std::vector<std::string>{"eu-west-1", "us-east-1"})}),
       log_level,
       table_array_key("accounts", "Accounts to observe.",
                       {string_key("name", "A name."), role_arn, external_id})});
}

TEST(SchemaDocs, WritesOneParagraphPerKeyForTheTerminal) {
  EXPECT_EQ(schema_text(docs_schema()),
            "log_level  (string, default: \"info\")\n"
            "    The least severe message shown. One of: debug, info, warn.\n"
            "\n"
            "watch  (table)\n"
            "    What to observe.\n"
            "\n"
            "watch.interval  (string, default: \"60s\")\n"
            "    Time between cycles.\n"
            "\n"
            "watch.concurrency  (integer, default: 4)\n"
            "    Pairs observed at once.\n"
            "\n"
            "watch.verbose  (boolean, default: false)\n"
            "    Say more.\n"
            "\n"
            "watch.regions  (list of strings, default: [\"eu-west-1\", \"us-east-1\"])\n"
            "    Regions to observe.\n"
            "\n"
            "accounts[]  (array of tables)\n"
            "    Accounts to observe.\n"
            "\n"
            "accounts[].name  (string)\n"
            "    A name.\n"
            "\n"
            "accounts[].role_arn  (string, required)\n"
            "    The role to assume.\n"
            "\n"
            "accounts[].external_id  (string, secret, or external_id_file)\n"
            "    The external id | if any.\n");
}

TEST(SchemaDocs, WrapsLongDescriptions) {
  const std::string words(30, 'w');
  KeySchema root =
      table_key("", "", {string_key("k", words + " " + words + " " + words + " " + words)});
  EXPECT_EQ(schema_text(root),
            "k  (string)\n    " + words + " " + words + "\n    " + words + " " + words + "\n");
}

TEST(SchemaDocs, WritesTheWholeReferencePage) {
  const std::string page = schema_markdown(docs_schema());
  EXPECT_TRUE(page.starts_with("# Configuration reference\n\n"));
  for (const char* needed :
       {"/etc/sgwatch/sgwatch.toml", "`--config`", "`${NAME}`", "`${NAME:-fallback}`", "`$${`",
        "`<key>_file`", "other users", "flags", "`sgwatch config schema --format markdown`",
        "do not edit it by hand"}) {
    EXPECT_THAT(page, HasSubstr(needed));
  }
  const std::string table_head =
      "| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n";
  EXPECT_THAT(page, HasSubstr("\n## Top level\n\n" + table_head +
                              "| `log_level` | string | `\"info\"` | The least severe message "
                              "shown. One of: `debug`, `info`, `warn`. |\n"));
  EXPECT_THAT(page, HasSubstr("\n## [watch]\n\nWhat to observe.\n\n" + table_head +
                              "| `interval` | string | `\"60s\"` | Time between cycles. |\n"
                              "| `concurrency` | integer | `4` | Pairs observed at once. |\n"
                              "| `verbose` | boolean | `false` | Say more. |\n"
                              "| `regions` | list of strings | `[\"eu-west-1\", \"us-east-1\"]` | "
                              "Regions to observe. |\n"));
  EXPECT_THAT(page, HasSubstr("\n## [[accounts]]\n\nAccounts to observe.\n\n" + table_head +
                              "| `name` | string |  | A name. |\n"
                              "| `role_arn` | string |  | The role to assume. Required. |\n"
                              "| `external_id` | string |  | The external id \\| if any. Secret: "
                              "may be given as `external_id_file`. |\n"));
  // The top level comes first, then the tables in declaration order.
  EXPECT_LT(page.find("## Top level"), page.find("## [watch]"));
  EXPECT_LT(page.find("## [watch]"), page.find("## [[accounts]]"));
  EXPECT_TRUE(page.ends_with("|\n"));
  EXPECT_THAT(page, Not(HasSubstr("\n\n\n")));
}

TEST(SchemaDocs, MarkdownIsTheSameEveryTime) {
  EXPECT_EQ(schema_markdown(docs_schema()), schema_markdown(docs_schema()));
}

TEST(SchemaDocs, ListsEveryKeyAsJson) {
  const nlohmann::json keys = schema_json(docs_schema());
  ASSERT_TRUE(keys.is_array());
  std::vector<std::string> names;
  for (const auto& key : keys) names.push_back(key.at("key").get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"log_level", "watch", "watch.interval",
                                             "watch.concurrency", "watch.verbose", "watch.regions",
                                             "accounts[]", "accounts[].name", "accounts[].role_arn",
                                             "accounts[].external_id"}));
  EXPECT_EQ(keys[0], nlohmann::json::parse(R"({"key": "log_level", "type": "string",
      "default": "info", "required": false, "secret": false,
      "allowed": ["debug", "info", "warn"],
      "description": "The least severe message shown."})"));
  EXPECT_EQ(keys[3].at("default"), 4);
  EXPECT_EQ(keys[3].at("type"), "integer");
  EXPECT_EQ(keys[4].at("default"), false);
  EXPECT_EQ(keys[5].at("type"), "string_list");
  EXPECT_EQ(keys[5].at("default"), nlohmann::json::parse(R"(["eu-west-1", "us-east-1"])"));
  EXPECT_EQ(keys[6].at("type"), "table_array");
  EXPECT_TRUE(keys[8].at("required").get<bool>());
  EXPECT_TRUE(keys[8].at("default").is_null());
  EXPECT_TRUE(keys[9].at("secret").get<bool>());
}

}  // namespace
}  // namespace sgwatch::schema_docs_test
