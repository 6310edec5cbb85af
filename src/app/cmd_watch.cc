// `sgwatch watch`: an observation cycle every --interval until SIGTERM or SIGINT. A stop
// cancels the calls in flight, so shutdown takes milliseconds, and since a scope's cycle
// is committed in one transaction, a cut-short cycle leaves the store as the last
// complete one left it.
//
// SIGHUP reads the config again. A config with errors is refused and the running one goes
// on. A good one replaces it whole: what the old config started (intakes, the outbox's
// threads, the store) is stopped and everything is built again from the new one, which
// then runs a cycle at once. Alerts queued and not yet sent are in the store, so the new
// outbox sends them. If the new config cannot start (a port taken, say), the old one is
// started again.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/cli.h"
#include "app/command.h"
#include "app/config_file.h"
#include "app/cycle_setup.h"
#include "app/metrics_server.h"
#include "app/observe_flags.h"
#include "app/reload_request.h"
#include "app/retention_config.h"
#include "app/service_notifier.h"
#include "app/sns_intake.h"
#include "app/sqs_intake.h"
#include "core/display_zone.h"
#include "core/duration.h"
#include "state/sqlite_store.h"
#include "state/store_config.h"

namespace sgwatch {
namespace {

struct WatchFlags {
  ObserveFlags observe;
  std::string interval;  // empty: the config's
  std::string sns_listen;  // empty: the config's [sns] listen
  std::vector<std::string> sqs_queues;  // empty: the config's [sqs] queues
};

// Everything one config runs. Members are destroyed in reverse order, so the intakes stop
// taking events in before the outbox and the store they feed go.
struct Running {
  std::chrono::milliseconds interval{0};
  std::optional<JsonlFile> jsonl;
  std::unique_ptr<SqliteStore> store;
  CycleSetup setup;
  RetentionPolicy retention;
  PruneSchedule prune_schedule;  // a reload prunes again at its first cycle: harmless
  std::unique_ptr<SnsIntake> sns_intake;
  std::unique_ptr<SqsIntake> sqs_intake;
  std::unique_ptr<MetricsServer> metrics_server;

  ~Running() {
    if (metrics_server) metrics_server->stop();
    if (sns_intake) sns_intake->stop();  // no notification is taken in after this
    if (sqs_intake) sqs_intake->stop();
    if (setup.outbox) setup.outbox->stop();
  }
};

// Starts what ctx.global.config asks for; on failure nothing is left running.
Result<std::unique_ptr<Running>> start_running(CommandContext& ctx, const WatchFlags& flags,
                                               StopSignal& stop, WatchMetrics& metrics) {
  const ConfigTable& config = *ctx.global.config;
  auto running = std::make_unique<Running>();
  auto settings = settings_with_flags(config, flags.observe);
  if (!settings) return tl::unexpected(settings.error());
  auto interval = flags.interval.empty() ? Result<std::chrono::milliseconds>(settings->interval)
                                         : parse_duration(flags.interval);
  if (!interval) return tl::unexpected(interval.error().within("--interval"));
  if (interval->count() == 0) {
    return tl::unexpected(Error{ErrorCode::kInvalidInput, "--interval must be longer than 0s"});
  }
  running->interval = *interval;
  if (!settings->jsonl_path.empty()) {
    auto opened = JsonlFile::open(settings->jsonl_path);
    if (!opened) return tl::unexpected(opened.error().within(settings->jsonl_path));
    running->jsonl = std::move(*opened);
  }
  const std::string store_path = resolve_store_path(ctx.global);
  auto sns = sns_settings_from(config, store_path, flags.sns_listen);
  if (!sns) return tl::unexpected(sns.error());
  auto metrics_settings = metrics_settings_from(config);
  if (!metrics_settings) return tl::unexpected(metrics_settings.error());
  auto store = SqliteStore::open_writer(store_path);
  if (!store) return tl::unexpected(store.error());
  running->store = std::move(*store);
  auto retention = retention_policy_from(config);
  if (!retention) return tl::unexpected(retention.error());
  running->retention = *retention;

  auto setup = set_up_cycles(ctx, *settings, *running->store, stop,
                             running->jsonl ? &*running->jsonl : nullptr, false, &metrics);
  if (!setup) return tl::unexpected(setup.error());
  running->setup = std::move(*setup);
  running->setup.outbox->start();
  Outbox* outbox = running->setup.outbox.get();
  if (sns->enabled) {
    auto started = SnsIntake::start(*sns, *running->setup.observer, *running->setup.store,
                                    ctx.clock, process_env(), [outbox] { outbox->wake(); },
                                    &metrics.registry());
    if (!started) return tl::unexpected(started.error());
    running->sns_intake = std::move(*started);
  }
  auto sqs = sqs_settings_from(config, *sns, flags.sqs_queues,
                               running->setup.observer->home_region());
  if (!sqs) return tl::unexpected(sqs.error());
  if (sqs->enabled) {
    auto started = SqsIntake::start(*sqs, *running->setup.observer, ctx.clock, process_env(),
                                    stop, [outbox] { outbox->wake(); }, &metrics.registry());
    if (!started) return tl::unexpected(started.error());
    running->sqs_intake = std::move(*started);
  }
  if (metrics_settings->enabled) {
    auto server = MetricsServer::start(*metrics_settings, running->interval, metrics);
    if (!server) return tl::unexpected(server.error());
    running->metrics_server = std::move(*server);
  }
  return running;
}

// At most once a day, after a cycle: the store keeps what [retention] says, no more.
void prune_when_due(Running& running, const Clock& clock) {
  auto pruned = running.prune_schedule.maybe_prune(*running.setup.store, running.retention, clock);
  if (!pruned) {
    spdlog::warn("Pruning the store failed: {}; sgwatch tries again in a day.",
                 pruned.error().message);
  } else if (*pruned && (*pruned)->rows() > 0) {
    spdlog::info("Pruned {} revisions, {} changes, {} CloudTrail records and {} alerts; the "
                 "store went from {} to {} bytes.",
                 (*pruned)->revisions, (*pruned)->changes, (*pruned)->events,
                 (*pruned)->alerts, (*pruned)->bytes_before, (*pruned)->bytes_after);
  }
}

// The config a reload asks for, or null when it has errors (said in the log): the running
// one goes on.
std::shared_ptr<const ConfigTable> config_for_reload(const CommandContext& ctx) {
  auto reloaded = reload_sgwatch_config(ctx.global.config_flag, process_env());
  if (!reloaded) {
    spdlog::error("The config was not reloaded, it has errors; sgwatch goes on with the "
                  "config it had:\n{}",
                  reloaded.error().message);
    return nullptr;
  }
  return *reloaded;
}

// Cycles every interval until a stop (returns null) or a reload with a good config
// (returns it). Pings the systemd watchdog between cycles.
std::shared_ptr<const ConfigTable> run_cycles(CommandContext& ctx, Running& running,
                                              StopSignal& stop, ReloadRequest& reload,
                                              ServiceNotifier& notifier, WatchMetrics& metrics) {
  while (!stop.requested()) {
    const auto started = std::chrono::steady_clock::now();
    nlohmann::json json = nlohmann::json::array();
    // Failed scopes were each warned about; watch goes on with the next cycle.
    const std::vector<ScopeOutcome> outcomes = running.setup.observer->run_cycle();
    report_cycle(outcomes, running.setup.report, ctx.out, json);
    running.setup.health->after_cycle(outcomes);
    running.setup.outbox->wake();
    prune_when_due(running, ctx.clock);
    if (ctx.global.output == OutputFormat::kJson && !json.empty()) {
      ctx.out << json.dump() << std::endl;  // one document per cycle, one line each
    }
    notifier.alive();
    // The config a pending reload asks for; null when none is pending or it had errors.
    auto take_reload = [&]() -> std::shared_ptr<const ConfigTable> {
      if (!reload.take()) return nullptr;
      notifier.reloading();
      if (auto config = config_for_reload(ctx)) return config;
      metrics.record_reload(ReloadOutcome::kRefused);
      notifier.ready("Watching (the reloaded config had errors; the previous one runs)");
      return nullptr;
    };
    // Checked after every cycle too: cycles that overrun the interval never wait.
    if (auto config = take_reload()) return config;
    const auto next_cycle = started + running.interval;
    if (std::chrono::steady_clock::now() >= next_cycle && !stop.requested()) {
      spdlog::warn("The cycle took {}, longer than the interval of {}; the next starts now.",
                   format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - started)),
                   format_duration(running.interval));
    }
    for (auto now = std::chrono::steady_clock::now(); now < next_cycle && !stop.requested();
         now = std::chrono::steady_clock::now()) {
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_cycle - now);
      if (notifier.alive_every().count() > 0) wait = std::min(wait, notifier.alive_every());
      if (reload.wait_for(wait, stop)) {
        if (auto config = take_reload()) return config;
      }
      notifier.alive();
    }
  }
  return nullptr;
}

// The running config's time zone and log level (unless --log-level was given).
void use_display_settings(GlobalOptions& global) {
  global.zone = DisplayZone::locate(global.config->string("timezone").value_or("UTC"))
                    .value_or(DisplayZone());
  if (!global.log_level_flag) {
    spdlog::set_level(spdlog::level::from_str(global.config->string("log_level").value_or("info")));
  }
}

int watch_until_stopped(CommandContext& ctx, const WatchFlags& flags, StopSignal& stop,
                        ReloadRequest& reload) {
  ServiceNotifier notifier;
  WatchMetrics metrics(ctx.clock, kSgwatchVersion);
  std::shared_ptr<const ConfigTable> previous;  // the config to go back to if a new one fails
  while (!stop.requested()) {
    use_display_settings(ctx.global);  // what the cycles' reports use
    auto running = start_running(ctx, flags, stop, metrics);
    if (!running) {
      if (!previous) return report(ctx, running.error());
      metrics.record_reload(ReloadOutcome::kRolledBack);
      spdlog::error("The reloaded config could not be started: {}; starting the previous "
                    "one again.",
                    running.error().message);
      ctx.global.config = std::exchange(previous, nullptr);
      continue;
    }
    if (previous) {
      metrics.record_reload(ReloadOutcome::kApplied);
      spdlog::info("Reloaded the config{}.",
                   ctx.global.config_file.empty() ? "" : " from " + ctx.global.config_file);
    }
    spdlog::info("Watching every {}.", format_duration((*running)->interval));
    notifier.ready("Watching every " + format_duration((*running)->interval));
    auto next = run_cycles(ctx, **running, stop, reload, notifier, metrics);
    if (!next) break;
    running->reset();  // everything the old config started stops before the new one starts
    previous = std::exchange(ctx.global.config, next);
    if (store_path_from(*next) != store_path_from(*previous)) {
      spdlog::warn("store.path changed; sgwatch goes on with {} until it is restarted.",
                   resolve_store_path(ctx.global));
    }
  }
  notifier.stopping();
  spdlog::info("Stopped.");
  return kExitOk;
}

int run_watch(CommandContext& ctx, const WatchFlags& flags) {
  ReloadRequest own_reload;
  ReloadRequest& reload = ctx.reload ? *ctx.reload : own_reload;
  if (ctx.stop) return watch_until_stopped(ctx, flags, *ctx.stop, reload);
  StopSignal stop;
  SignalStop signals(stop, &reload);
  return watch_until_stopped(ctx, flags, stop, reload);
}

}  // namespace

Command watch_command() {
  return {"watch",
          "Observe every chosen account and region every --interval until stopped "
          "(SIGTERM or SIGINT; SIGHUP reloads the config); print each change as it is found",
          [](CLI::App& app) -> CommandRun {
            auto flags = std::make_shared<WatchFlags>();
            add_observe_flags(app, flags->observe);
            app.add_option("--interval", flags->interval,
                           "Time from the start of one cycle to the start of the next "
                           "(like 60s, 5m, 1h; default: the config's watch.interval, else 60s)");
            app.add_option("--sns-listen", flags->sns_listen,
                           "Serve the SNS endpoint for AWS Config notifications on HOST:PORT "
                           "(default: the config's sns.listen; see docs/SNS.md)");
            app.add_option("--sqs-queue", flags->sqs_queues,
                           "Read events from this SQS queue URL; repeat for several "
                           "(default: the config's sqs.queues; see docs/SQS.md)");
            return [flags](CommandContext& ctx) { return run_watch(ctx, *flags); };
          }};
}

}  // namespace sgwatch
