#include "app/command_line.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sgwatch::command_line_test {
namespace {

// Every command of the table and the commands under it ("trail show"), with their paths.
void walk(const CLI::App& app, const std::string& path,
          std::vector<std::pair<std::string, const CLI::App*>>& out) {
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name().empty()) continue;  // an option group: its options are the parent's
    const std::string name = path.empty() ? sub->get_name() : path + " " + sub->get_name();
    out.emplace_back(name, sub);
    walk(*sub, name, out);
  }
}

std::vector<std::pair<std::string, const CLI::App*>> every_command(const CommandLine& line) {
  std::vector<std::pair<std::string, const CLI::App*>> out;
  walk(line.app, "", out);
  return out;
}

// Commands whose own option is named like a global one: it would take the value silently
// and the global option would never see it. "trail show: --store" for each.
std::vector<std::string> clashes(const CommandLine& line) {
  std::vector<std::string> out;
  for (const auto& [path, command] : every_command(line)) {
    for (const CLI::Option* option : command->get_options({})) {
      for (const char* global : kGlobalOptionNames) {
        if (option->check_name(global)) out.push_back(path + ": " + global);
      }
    }
  }
  return out;
}

TEST(CommandLine, NoCommandHidesAGlobalOption) {
  CommandLine line;
  // Nested commands ("trail show") are walked too.
  ASSERT_GT(every_command(line).size(), command_table().size());
  EXPECT_EQ(clashes(line), std::vector<std::string>{});
}

TEST(CommandLine, AClashIsFoundInANestedCommand) {
  CommandLine line;
  CLI::App* trail = line.app.get_subcommand("trail");
  trail->get_subcommand("show")->add_option("--output", line.output, "");
  EXPECT_EQ(clashes(line), std::vector<std::string>{"trail show: --output"});
}

TEST(CommandLine, EveryCommandPassesGlobalOptionsUp) {
  CommandLine line;
  for (const auto& [path, command] : every_command(line)) {
    EXPECT_TRUE(command->get_fallthrough()) << path;
  }
  for (const char* global : kGlobalOptionNames) {
    const CLI::Option* option = line.app.get_option_no_throw(global);
    ASSERT_NE(option, nullptr) << global;
    EXPECT_EQ(option->get_multi_option_policy(), CLI::MultiOptionPolicy::TakeLast) << global;
  }
}

}  // namespace
}  // namespace sgwatch::command_line_test
