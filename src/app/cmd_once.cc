// `sgwatch once`: one observation cycle of every chosen account and region: read, diff,
// record, print. Exit 1 when any scope failed.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/command.h"
#include "app/cycle_setup.h"
#include "app/observe_flags.h"
#include "state/sqlite_store.h"

namespace sgwatch {
namespace {

int run_once(CommandContext& ctx, const ObserveFlags& flags) {
  auto settings = settings_with_flags(*ctx.global.config, flags);
  if (!settings) return report(ctx, settings.error());
  std::optional<JsonlFile> jsonl;
  if (!settings->jsonl_path.empty()) {
    auto opened = JsonlFile::open(settings->jsonl_path);
    if (!opened) return report(ctx, opened.error().within(settings->jsonl_path));
    jsonl = std::move(*opened);
  }
  auto store = SqliteStore::open_writer(resolve_store_path(ctx.global));
  if (!store) return report(ctx, store.error());
  StopSignal stop;

  auto setup = set_up_cycles(ctx, *settings, **store, stop, jsonl ? &*jsonl : nullptr, true);
  if (!setup) return report(ctx, setup.error());
  nlohmann::json json = nlohmann::json::array();
  const std::vector<ScopeOutcome> outcomes = setup->observer->run_cycle();
  CycleTally tally = report_cycle(outcomes, setup->report, ctx.out, json);
  setup->health->after_cycle(outcomes);
  if (ctx.global.output == OutputFormat::kJson) ctx.out << json.dump(2) << "\n";
  // Alerts a destination did not take stay in the outbox for the next run; while any is
  // owed the run is not a success, so a timer's failed runs show a destination is down.
  const OutboxTally delivered = setup->outbox->deliver_now();
  if (delivered.waiting > 0) {
    spdlog::warn("{} alert{} still owed, waiting for a retry; `sgwatch outbox` lists them.",
                 delivered.waiting, delivered.waiting == 1 ? " is" : "s are");
  }
  const bool undelivered = delivered.retried + delivered.failed + delivered.waiting +
                               delivered.errors > 0;
  return tally.failed == 0 && !tally.jsonl_failed && !undelivered ? kExitOk : kExitFailure;
}

}  // namespace

Command once_command() {
  return {"once",
          "Observe every chosen account and region once: read all groups through the EC2 "
          "API, record what changed, print it",
          [](CLI::App& app) -> CommandRun {
            auto flags = std::make_shared<ObserveFlags>();
            add_observe_flags(app, *flags);
            return [flags](CommandContext& ctx) { return run_once(ctx, *flags); };
          }};
}

}  // namespace sgwatch
