#include "config/env_expansion.h"

#include <gtest/gtest.h>

#include <map>

namespace sgwatch::env_expansion_test {
namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto found = vars.find(name);
    if (found == vars.end() || found->second.empty()) return std::nullopt;
    return found->second;
  };
}

TEST(EnvExpansion, ReplacesReferencesWithValues) {
  const EnvLookup env = fake_env({{"HOME", "/home/ops"}, {"_X1", "one"}});
  EXPECT_EQ(expand_env("${HOME}/out.jsonl", env).value(), "/home/ops/out.jsonl");
  EXPECT_EQ(expand_env("a${_X1}b${_X1}", env).value(), "aonebone");
  EXPECT_EQ(expand_env("no references", env).value(), "no references");
  EXPECT_EQ(expand_env("", env).value(), "");
}

TEST(EnvExpansion, UsesTheFallbackWhenUnsetOrEmpty) {
  const EnvLookup env = fake_env({{"EMPTY", ""}, {"SET", "value"}});
  EXPECT_EQ(expand_env("${MISSING:-/tmp/x}", env).value(), "/tmp/x");
  EXPECT_EQ(expand_env("${EMPTY:-fallback}", env).value(), "fallback");
  EXPECT_EQ(expand_env("${SET:-fallback}", env).value(), "value");
  EXPECT_EQ(expand_env("[${MISSING:-}]", env).value(), "[]");
  EXPECT_EQ(expand_env("${MISSING:-a:-b}", env).value(), "a:-b");
}

TEST(EnvExpansion, KeepsEscapesAndLoneDollarsLiteral) {
  const EnvLookup env = fake_env({{"A", "x"}});
  EXPECT_EQ(expand_env("$${A}", env).value(), "${A}");
  EXPECT_EQ(expand_env("cost: $5 $A $", env).value(), "cost: $5 $A $");
  EXPECT_EQ(expand_env("$$", env).value(), "$$");
  EXPECT_EQ(expand_env("$${A}${A}", env).value(), "${A}x");
  EXPECT_EQ(expand_env("$${", env).value(), "${");
}

TEST(EnvExpansion, NamesTheUnsetVariable) {
  const EnvLookup env = fake_env({{"EMPTY", ""}});
  auto unset = expand_env("${SGWATCH_OUT}/x", env);
  ASSERT_FALSE(unset);
  EXPECT_EQ(unset.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unset.error().message, "environment variable SGWATCH_OUT is not set");
  auto empty = expand_env("${EMPTY}", env);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "environment variable EMPTY is not set");
}

TEST(EnvExpansion, RefusesMalformedReferences) {
  const EnvLookup env = fake_env({{"A", "x"}});
  auto open = expand_env("ab${A", env);
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(open.error().message.find("'${' at character 3 has no closing '}'"), std::string::npos)
      << open.error().message;
  for (const char* text : {"${1A}", "${A-B}", "${A B}", "${a.b:-x}"}) {
    auto bad = expand_env(text, env);
    ASSERT_FALSE(bad) << text;
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(bad.error().message.find("is not an environment variable name"), std::string::npos)
        << bad.error().message;
  }
  EXPECT_NE(expand_env("${1A}", env).error().message.find("'1A'"), std::string::npos);
  auto empty = expand_env("${}", env);
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("names no environment variable"), std::string::npos);
}

TEST(EnvExpansion, NeverPutsValuesInErrors) {
  const EnvLookup env = fake_env({{"TOKEN", "hunter2"}});
  auto result = expand_env("${TOKEN}${MISSING}", env);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message.find("hunter2"), std::string::npos);
}

TEST(EnvExpansion, TellsWhetherTextHasReferences) {
  EXPECT_TRUE(has_env_reference("${A}"));
  EXPECT_TRUE(has_env_reference("x${A:-b}"));
  EXPECT_TRUE(has_env_reference("$${A}${B}"));
  EXPECT_FALSE(has_env_reference("$${A}"));
  EXPECT_FALSE(has_env_reference("plain $ text"));
  EXPECT_FALSE(has_env_reference(""));
}

}  // namespace
}  // namespace sgwatch::env_expansion_test
