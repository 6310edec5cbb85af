#include "app/demo_story.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "app/config_schema.h"
#include "config/config_loader.h"
#include "temp_dir.h"

namespace sgwatch::demo_story_test {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto found = vars.find(name);
    if (found == vars.end()) return std::nullopt;
    return found->second;
  };
}

TEST(DemoStory, ColourIsAskedForOrFollowsTheTerminal) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  EXPECT_TRUE(use_colour(ColourChoice::kAlways, pipe_fds[1], env_of({{"NO_COLOR", "1"}})));
  EXPECT_FALSE(use_colour(ColourChoice::kNever, pipe_fds[1], env_of({})));
  EXPECT_FALSE(use_colour(ColourChoice::kAuto, pipe_fds[1], env_of({})));  // not a terminal
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

TEST(DemoStory, NoColourOrDumbTermTurnItOffOnATerminalToo) {
  // Whatever fd 0 is, these decide first.
  EXPECT_FALSE(use_colour(ColourChoice::kAuto, 0, env_of({{"NO_COLOR", "1"}})));
  EXPECT_FALSE(use_colour(ColourChoice::kAuto, 0, env_of({{"TERM", "dumb"}})));
}

TEST(DemoStory, StepsAreNumberedAndWhatWasShownIndented) {
  std::ostringstream out;
  DemoStory story(out, false);
  story.step("The baseline:\nnothing is a change yet.");
  story.shown("sg-1 (web) modified\n  + ingress tcp/3389\n  - ingress tcp/22\n");
  story.step("Next");
  EXPECT_EQ(out.str(),
            "\n1. The baseline:\n   nothing is a change yet.\n"
            "   sg-1 (web) modified\n     + ingress tcp/3389\n     - ingress tcp/22\n"
            "\n2. Next\n");
}

TEST(DemoStory, InColourAddedRulesAreGreenRemovedRedSeveritiesRed) {
  std::ostringstream out;
  DemoStory story(out, true);
  story.step("Heading");
  story.shown("  + added\n  - removed\n[sgwatch] CRITICAL sg-1\n-- \n");
  EXPECT_EQ(out.str(),
            "\n1. \x1b[1;36mHeading\x1b[0m\n"
            "   \x1b[32m  + added\x1b[0m\n"
            "   \x1b[31m  - removed\x1b[0m\n"
            "   [sgwatch] \x1b[1;31mCRITICAL\x1b[0m sg-1\n"
            "   -- \n");  // the email's signature line is no removed rule
}

TEST(DemoStory, TheRealAccountConfigIsValid) {
  // The Slack URL is read from its file when the config is loaded: one of the test's own.
  testing::TempDir dir;
  const std::string url_file = dir.file("slack.url");
  std::ofstream(url_file) << "https://hooks.slack.com/services/T000/B000/XXXX\n";
  std::string text = real_account_config();
  const std::string installed = "/etc/sgwatch/slack.url";
  ASSERT_NE(text.find(installed), std::string::npos);
  text.replace(text.find(installed), installed.size(), url_file);
  ConfigLoad loaded = load_config_text(text, "sgwatch.toml",
                                       sgwatch_config_schema(),
                                       [](const std::string&) { return std::nullopt; });
  ASSERT_TRUE(loaded.ok()) << loaded.diagnostics[0].str();
  EXPECT_TRUE(config_cross_check(*loaded.config).empty());
}

}  // namespace
}  // namespace sgwatch::demo_story_test
