#include "app/completion.h"

#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/command_line.h"
#include "child_process.h"
#include "temp_dir.h"

namespace sgwatch::completion_test {
namespace {

// Runs the generated script in a real bash, as bash runs a completion function: the words
// typed so far (the last one being completed) in COMP_WORDS, then the offers.
class BashCompletion : public ::testing::Test {
 protected:
  void SetUp() override {
    CommandLine line;
    std::ofstream(script_) << render_bash_completion(line.app);
  }

  std::vector<std::string> complete(std::vector<std::string> words) {
    static const char* kProgram =
        "source \"$1\" || exit 9; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); "
        "_sgwatch; printf '%s\\n' \"${COMPREPLY[@]}\"";
    std::vector<const char*> argv = {"/bin/bash", "-c", kProgram, "bash", script_.c_str(),
                                     "sgwatch"};
    for (const std::string& word : words) argv.push_back(word.c_str());
    testing::ChildProcess bash = testing::start_child(argv, STDOUT_FILENO);
    EXPECT_NE(bash.pid, 0);
    std::vector<std::string> offers;
    char buffer[4096];
    while (bash.output && std::fgets(buffer, sizeof buffer, bash.output)) {
      std::string offer(buffer);
      if (!offer.empty() && offer.back() == '\n') offer.pop_back();
      if (!offer.empty()) offers.push_back(offer);
    }
    if (bash.output) std::fclose(bash.output);
    int status = 0;
    waitpid(bash.pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    return offers;
  }

  bool offers(const std::vector<std::string>& words, const std::string& offer) {
    const auto got = complete(words);
    return std::find(got.begin(), got.end(), offer) != got.end();
  }

  testing::TempDir dir_;
  std::string script_ = dir_.file("sgwatch.bash");
};

TEST_F(BashCompletion, OffersTheCommandsOfTheTableButNotHiddenOnes) {
  const auto commands = complete({""});
  for (const Command& command : command_table()) {
    const bool hidden = std::string(command.name) == "man";
    EXPECT_EQ(std::count(commands.begin(), commands.end(), command.name), hidden ? 0 : 1)
        << command.name;
  }
  EXPECT_EQ(complete({"tr"}), std::vector<std::string>{"trail"});
  EXPECT_EQ(complete({"trail", ""}), std::vector<std::string>{"show"});
}

TEST_F(BashCompletion, OffersACommandsOptionsAndTheGlobalOnes) {
  EXPECT_EQ(complete({"trail", "show", "--gr"}), std::vector<std::string>{"--group"});
  EXPECT_EQ(complete({"trail", "show", "--out"}), std::vector<std::string>{"--output"});
  EXPECT_TRUE(offers({"once", "--"}, "--region"));
  EXPECT_TRUE(offers({"once", "--"}, "--config"));
  // Another command's options are not offered.
  EXPECT_FALSE(offers({"once", "--"}, "--interval"));
  EXPECT_TRUE(offers({"watch", "--"}, "--interval"));
}

TEST_F(BashCompletion, OffersTheValuesOfAnOptionWithASet) {
  EXPECT_EQ(complete({"--output", ""}), (std::vector<std::string>{"text", "json"}));
  EXPECT_EQ(complete({"history", "--output", "j"}), std::vector<std::string>{"json"});
  EXPECT_EQ(complete({"changes", "--state", "un"}), std::vector<std::string>{"unattributed"});
  EXPECT_TRUE(offers({"findings", "--min-severity", ""}, "critical"));
  EXPECT_EQ(complete({"demo", "--colour", "n"}), std::vector<std::string>{"never"});
  EXPECT_EQ(complete({"completion", "--log-level", "wa"}), std::vector<std::string>{"warn"});
}

TEST_F(BashCompletion, SkipsOptionValuesWhenFindingTheCommand) {
  // "history" after --config's value is the command; "trail" after --output's value too.
  EXPECT_EQ(complete({"--config", "trail", "hi"}), std::vector<std::string>{"history"});
  EXPECT_EQ(complete({"--output", "json", "trail", ""}), std::vector<std::string>{"show"});
}

TEST_F(BashCompletion, OffersFilesForFreeValuesAndArguments) {
  std::ofstream(dir_.file("now.json")) << "{}";
  const std::string prefix = dir_.file("no");
  EXPECT_EQ(complete({"ingest", prefix}), std::vector<std::string>{dir_.file("now.json")});
  EXPECT_EQ(complete({"--config", prefix}), std::vector<std::string>{dir_.file("now.json")});
}

TEST(OptionChoices, ReadsCheckedSetsAndTransformers) {
  CommandLine line;
  EXPECT_EQ(option_choices(*line.app.get_option("--output")),
            (std::vector<std::string>{"text", "json"}));
  EXPECT_EQ(option_choices(*line.app.get_option("--config")), std::vector<std::string>{});
  const CLI::App* demo = line.app.get_subcommand("demo");
  EXPECT_EQ(option_choices(*demo->get_option("--colour")),
            (std::vector<std::string>{"always", "auto", "never"}));
}

}  // namespace
}  // namespace sgwatch::completion_test
