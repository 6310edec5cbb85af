// sgwatch's command line before parsing: the CLI11 App with the global options and one
// subcommand per command of the table. run_cli parses with it; the man page and the shell
// completion are rendered from it, so they describe exactly what is parsed.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/command.h"

namespace sgwatch {

// Every command, in the order --help and the man page list them.
std::vector<Command> command_table();

// The global options: every command takes them, before or after its name.
inline constexpr const char* kGlobalOptionNames[] = {"--config", "--store", "--output",
                                                     "--log-level"};

// The App and the variables CLI11 parses into. Not copyable or movable: the App holds
// references to the members.
struct CommandLine {
  CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  struct DefinedCommand {
    CLI::App* sub;
    CommandRun run;
    ConfigUse config;
  };

  GlobalOptions global;
  std::string log_level = "info";
  std::string output = "text";
  CLI::App app;
  CLI::Option* log_level_option = nullptr;
  std::vector<DefinedCommand> commands;
};

}  // namespace sgwatch
