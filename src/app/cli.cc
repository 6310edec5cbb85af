#include "app/cli.h"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "app/command.h"
#include "state/sqlite_store.h"

namespace sgwatch {

int report(CommandContext& ctx, const Error& error) {
  ctx.err << "sgwatch: error: " << error.message << "\n";
  return kExitFailure;
}

std::string resolve_store_path(const GlobalOptions& global) {
  return global.store_path.empty() ? default_store_path() : global.store_path;
}

namespace {

std::vector<Command> command_table() {
  return {ingest_command(), once_command(), watch_command(),
          history_command(), show_command(), demo_command()};
}

// Log lines go to the diagnostics stream as sentences; results never go through the log.
void set_up_logging(std::ostream& err, const std::string& level) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(err, /*force_flush=*/true);
  auto logger = std::make_shared<spdlog::logger>("sgwatch", sink);
  logger->set_pattern("sgwatch: %l: %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  SystemClock clock;
  return run_cli(argc, argv, out, err, clock);
}

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            const Clock& clock, StopSignal* stop) {
  CLI::App app("sgwatch watches AWS EC2 security groups and reports every change: what, who, "
               "from where, and how risky.",
               "sgwatch");
  app.require_subcommand(1);
  app.set_version_flag("--version", "sgwatch 0.1.0");

  GlobalOptions global;
  std::string log_level = "info";
  std::string output = "text";
  app.add_option("--store", global.store_path,
                 "The store file (default: $STATE_DIRECTORY/sgwatch.db, else "
                 "~/.local/state/sgwatch/sgwatch.db)");
  app.add_option("--output", output, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--log-level", log_level, "Least severe log level shown")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();

  std::vector<std::pair<CLI::App*, CommandRun>> runs;
  for (const Command& command : command_table()) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    runs.emplace_back(sub, command.define(*sub));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitUsage;
  }
  global.output = output == "json" ? OutputFormat::kJson : OutputFormat::kText;
  set_up_logging(err, log_level);

  CommandContext ctx{global, out, err, clock, stop};
  for (auto& [sub, run] : runs) {
    if (sub->parsed()) return run(ctx);
  }
  return kExitUsage;
}

}  // namespace sgwatch
