#include "app/cli.h"

#include <iostream>

#include <spdlog/spdlog.h>

#include "app/command_line.h"
#include "app/config_file.h"
#include "app/config_schema.h"
#include "app/log_output.h"
#include "state/sqlite_store.h"
#include "state/store_config.h"

namespace sgwatch {

int report(CommandContext& ctx, const Error& error) {
  write_diagnostic(ctx.err, LogPriority::kError, error.message, ctx.global.journal);
  return kExitFailure;
}

std::string resolve_store_path(const GlobalOptions& global) {
  return global.store_path.empty() ? default_store_path() : global.store_path;
}

std::vector<Command> command_table() {
  return {ingest_command(), once_command(),     watch_command(),  history_command(),
          show_command(),   findings_command(), changes_command(), outbox_command(),
          trail_command(),  sns_command(),      demo_command(),     validate_command(),
          config_command(), prune_command(),  completion_command(), man_command()};
}

CommandLine::CommandLine()
    : app("sgwatch watches AWS EC2 security groups and reports every change: what, who, "
          "from where, and how risky.",
          "sgwatch") {
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("sgwatch ") + kSgwatchVersion);
  // Global options are taken after the command name too (`sgwatch validate --config F`),
  // as the AWS CLI takes them. Set before any subcommand is added: CLI11 copies the
  // setting into each subcommand when it is created.
  app.fallthrough();

  app.add_option("--config", global.config_flag,
                 "The config file (default: $SGWATCH_CONFIG, else /etc/sgwatch/sgwatch.toml "
                 "when it exists)");
  app.add_option("--store", global.store_path,
                 "The store file (default: the config's store.path, else "
                 "$STATE_DIRECTORY/sgwatch.db, else ~/.local/state/sgwatch/sgwatch.db)");
  app.add_option("--output", output, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  log_level_option =
      app.add_option("--log-level", log_level,
                     "Least severe log level shown (default: the config's log_level, else info)")
          ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  // Given twice, the last one wins, as with the AWS CLI: an alias that sets `--output text`
  // can still be told `--output json` after the command.
  for (const char* name : kGlobalOptionNames) {
    app.get_option(name)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }

  for (const Command& command : command_table()) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    commands.push_back({sub, command.define(*sub), command.config});
  }
}

namespace {

// Reads the config into `global`; the flags given (--store, --log-level) stay over it.
// Returns false, having said why, when the config has errors.
bool read_config(GlobalOptions& global, bool log_level_given, std::ostream& err) {
  LoadedConfig loaded = load_sgwatch_config(global.config_flag, process_env());
  for (const ConfigDiagnostic& diagnostic : loaded.load.diagnostics) {
    if (diagnostic.severity == ConfigDiagnostic::Severity::kWarning) {
      spdlog::warn("{}", diagnostic.str());
    } else {
      write_diagnostic(err, LogPriority::kError, diagnostic.str(), global.journal);
    }
  }
  std::vector<Error> problems;
  if (loaded.load.ok()) problems = config_cross_check(*loaded.load.config);
  for (const Error& problem : problems) {
    write_diagnostic(err, LogPriority::kError, problem.message, global.journal);
  }
  if (!loaded.load.ok() || !problems.empty()) {
    write_diagnostic(err, LogPriority::kError,
                     "the config file has errors; nothing was done (`sgwatch validate` checks it)",
                     global.journal);
    return false;
  }
  global.config_file = loaded.path;
  global.config = std::make_shared<const ConfigTable>(std::move(*loaded.load.config));
  if (global.store_path.empty()) global.store_path = store_path_from(*global.config);
  global.log_level_flag = log_level_given;
  if (!log_level_given) {
    spdlog::set_level(spdlog::level::from_str(global.config->string("log_level").value_or("info")));
  }
  // The name passed the schema's check, so it is known.
  global.zone = DisplayZone::locate(global.config->string("timezone").value_or("UTC"))
                    .value_or(DisplayZone());
  return true;
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  SystemClock clock;
  return run_cli(argc, argv, out, err, clock);
}

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            const Clock& clock, StopSignal* stop) {
  CommandLine line;
  CLI::App& app = line.app;
  GlobalOptions& global = line.global;

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitUsage;
  }
  global.output = line.output == "json" ? OutputFormat::kJson : OutputFormat::kText;
  // Only the process's own stderr can be the journal's stream; tests pass other streams.
  global.journal = &err == &std::cerr && stderr_is_journal();
  ScopedLogging logging(err, line.log_level, global.journal);

  for (CommandLine::DefinedCommand& command : line.commands) {
    if (!command.sub->parsed()) continue;
    if (command.config == ConfigUse::kRead &&
        !read_config(global, line.log_level_option->count() > 0, err)) {
      return kExitConfig;
    }
    CommandContext ctx{global, out, err, clock, stop};
    return command.run(ctx);
  }
  return kExitUsage;
}

}  // namespace sgwatch
