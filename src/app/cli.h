// The command line: every subcommand is one entry of a table that also makes --help and
// the man page.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/command.h"
#include "core/clock.h"

namespace sgwatch {

class StopSignal;

// What `sgwatch --version` and the man page name.
inline constexpr char kSgwatchVersion[] = "0.1.0";

// Runs sgwatch with the given arguments, writing results to `out` and diagnostics to
// `err`. Returns the process exit code. Usable in-process by tests.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

// The same with an injected clock, and for long-running commands (`watch`) a stop the
// caller requests; without one they stop on SIGTERM or SIGINT.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            const Clock& clock, StopSignal* stop = nullptr);

// Every command, in the order --help and the man page list them.
std::vector<Command> command_table();

// sgwatch's command line before parsing: the CLI11 App with the global options and one
// subcommand per command of the table, and the variables CLI11 parses into. run_cli parses
// with it and the man page is rendered from it, so the page documents exactly what is
// parsed. Not copyable or movable: the App holds references to the members.
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
