// The command table: each subcommand is one entry (name, summary, how to define its
// options and run it). The table also produces --help.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "app/output_format.h"
#include "config/config_table.h"
#include "core/clock.h"
#include "core/display_zone.h"
#include "core/error.h"

namespace CLI {
class App;
}  // namespace CLI

namespace sgwatch {

class ReloadRequest;
class StopSignal;

struct GlobalOptions {
  std::string config_flag;  // --config as given; empty: $SGWATCH_CONFIG or the default file
  std::string config_file;  // the file read; empty: none, every key has its default
  // The validated config (defaults when there is no file); set for commands that read it.
  std::shared_ptr<const ConfigTable> config;
  std::string store_path;  // --store, else the config's; empty: the default location
  OutputFormat output = OutputFormat::kText;
  DisplayZone zone;  // the config's timezone, for times in text output
  bool log_level_flag = false;  // --log-level was given: the config's log_level is not used
  bool journal = false;  // stderr is the systemd journal: lines carry priority prefixes
};

struct CommandContext {
  GlobalOptions global;
  std::ostream& out;  // results
  std::ostream& err;  // diagnostics
  const Clock& clock;
  StopSignal* stop = nullptr;  // given by tests; otherwise long commands stop on signals
  ReloadRequest* reload = nullptr;  // given by tests; otherwise `watch` reloads on SIGHUP
};

// Runs a chosen command; returns the process exit code.
using CommandRun = std::function<int(CommandContext&)>;

// Whether the CLI reads the config file before running a command.
enum class ConfigUse {
  kRead,  // read it; a config with errors stops the command before it starts
  kSelf,  // the command reads it itself (`validate` reports its errors as a check)
  kNone,  // the command has nothing to configure (`demo`, `config schema`)
};

struct Command {
  const char* name;
  const char* summary;
  // Adds the command's options and arguments to `app`; returns the function that runs it
  // with the values CLI11 parsed into the options.
  std::function<CommandRun(CLI::App& app)> define;
  ConfigUse config = ConfigUse::kRead;
};

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command could not do its job
inline constexpr int kExitUsage = 2;    // the command line itself is wrong
// The config file is wrong (sysexits' EX_CONFIG): a service manager should not restart
// until someone fixes it (systemd: RestartPreventExitStatus=78).
inline constexpr int kExitConfig = 78;

// Reports `error` as "sgwatch: error: ..." on ctx.err (app/log_output.h) and returns
// kExitFailure.
int report(CommandContext& ctx, const Error& error);

// The store path to use: --store if given, else the default location.
std::string resolve_store_path(const GlobalOptions& global);

Command ingest_command();
Command once_command();
Command watch_command();
Command history_command();
Command show_command();
Command demo_command();
Command validate_command();
Command config_command();
Command trail_command();
Command findings_command();
Command changes_command();
Command outbox_command();
Command sns_command();
Command prune_command();
Command completion_command();
Command man_command();  // defined in app/man_page.cc

}  // namespace sgwatch
