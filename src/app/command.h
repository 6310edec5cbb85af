// The command table: each subcommand is one entry (name, summary, how to define its
// options and run it). The table also produces --help.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/render.h"
#include "core/clock.h"
#include "core/error.h"

namespace sgwatch {

class StopSignal;

struct GlobalOptions {
  std::string store_path;  // empty: the default location
  OutputFormat output = OutputFormat::kText;
};

struct CommandContext {
  GlobalOptions global;
  std::ostream& out;  // results
  std::ostream& err;  // diagnostics
  const Clock& clock;
  StopSignal* stop = nullptr;  // given by tests; otherwise long commands stop on signals
};

// Runs a chosen command; returns the process exit code.
using CommandRun = std::function<int(CommandContext&)>;

struct Command {
  const char* name;
  const char* summary;
  // Adds the command's options and arguments to `app`; returns the function that runs it
  // with the values CLI11 parsed into the options.
  std::function<CommandRun(CLI::App& app)> define;
};

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command could not do its job
inline constexpr int kExitUsage = 2;    // the command line itself is wrong

// Reports `error` as "sgwatch: error: ..." on ctx.err and returns kExitFailure.
int report(CommandContext& ctx, const Error& error);

// The store path to use: --store if given, else the default location.
std::string resolve_store_path(const GlobalOptions& global);

Command ingest_command();
Command once_command();
Command watch_command();
Command history_command();
Command show_command();
Command demo_command();

}  // namespace sgwatch
