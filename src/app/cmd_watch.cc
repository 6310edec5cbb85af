// `sgwatch watch`: an observation cycle every --interval until SIGTERM or SIGINT. A stop
// cancels the calls in flight, so shutdown takes milliseconds, and since a scope's cycle
// is committed in one transaction, a cut-short cycle leaves the store as the last
// complete one left it.
#include <spdlog/spdlog.h>

#include "app/command.h"
#include "app/cycle_setup.h"
#include "app/observe_flags.h"
#include "app/sns_intake.h"
#include "app/sqs_intake.h"
#include "core/duration.h"
#include "state/sqlite_store.h"

namespace sgwatch {
namespace {

struct WatchFlags {
  ObserveFlags observe;
  std::string interval;  // empty: the config's
  std::string sns_listen;  // empty: the config's [sns] listen
  std::vector<std::string> sqs_queues;  // empty: the config's [sqs] queues
};

int watch_until_stopped(CommandContext& ctx, const WatchFlags& flags, StopSignal& stop) {
  auto settings = settings_with_flags(*ctx.global.config, flags.observe);
  if (!settings) return report(ctx, settings.error());
  auto interval = flags.interval.empty() ? Result<std::chrono::milliseconds>(settings->interval)
                                         : parse_duration(flags.interval);
  if (!interval) return report(ctx, interval.error().within("--interval"));
  if (interval->count() == 0) {
    return report(ctx, Error{ErrorCode::kInvalidInput, "--interval must be longer than 0s"});
  }
  std::optional<JsonlFile> jsonl;
  if (!settings->jsonl_path.empty()) {
    auto opened = JsonlFile::open(settings->jsonl_path);
    if (!opened) return report(ctx, opened.error().within(settings->jsonl_path));
    jsonl = std::move(*opened);
  }
  const std::string store_path = resolve_store_path(ctx.global);
  auto sns = sns_settings_from(*ctx.global.config, store_path, flags.sns_listen);
  if (!sns) return report(ctx, sns.error());
  auto store = SqliteStore::open_writer(store_path);
  if (!store) return report(ctx, store.error());

  auto setup = set_up_cycles(ctx, *settings, **store, stop, jsonl ? &*jsonl : nullptr, false);
  if (!setup) return report(ctx, setup.error());
  spdlog::info("Watching every {}.", format_duration(*interval));
  setup->outbox->start();
  std::unique_ptr<SnsIntake> sns_intake;
  if (sns->enabled) {
    Outbox* outbox = setup->outbox.get();
    auto started = SnsIntake::start(*sns, *setup->observer, *setup->store, ctx.clock,
                                    process_env(), [outbox] { outbox->wake(); });
    if (!started) {
      setup->outbox->stop();
      return report(ctx, started.error());
    }
    sns_intake = std::move(*started);
  }
  auto sqs = sqs_settings_from(*ctx.global.config, *sns, flags.sqs_queues,
                               setup->observer->home_region());
  if (!sqs) {
    setup->outbox->stop();
    return report(ctx, sqs.error());
  }
  std::unique_ptr<SqsIntake> sqs_intake;
  if (sqs->enabled) {
    Outbox* outbox = setup->outbox.get();
    auto started = SqsIntake::start(*sqs, *setup->observer, ctx.clock, process_env(), stop,
                                    [outbox] { outbox->wake(); });
    if (!started) {
      if (sns_intake) sns_intake->stop();
      setup->outbox->stop();
      return report(ctx, started.error());
    }
    sqs_intake = std::move(*started);
  }
  while (!stop.requested()) {
    const auto started = std::chrono::steady_clock::now();
    nlohmann::json json = nlohmann::json::array();
    // Failed scopes were each warned about; watch goes on with the next cycle.
    report_cycle(setup->observer->run_cycle(), setup->report, ctx.out, json);
    setup->outbox->wake();
    if (ctx.global.output == OutputFormat::kJson && !json.empty()) {
      ctx.out << json.dump() << std::endl;  // one document per cycle, one line each
    }
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (spent >= *interval && !stop.requested()) {
      spdlog::warn("The cycle took {}, longer than the interval of {}; the next starts now.",
                   format_duration(spent), format_duration(*interval));
      continue;
    }
    stop.wait_for(*interval - spent);
  }
  if (sns_intake) sns_intake->stop();  // no notification is taken in after this
  if (sqs_intake) sqs_intake->stop();
  setup->outbox->stop();
  spdlog::info("Stopped.");
  return kExitOk;
}

int run_watch(CommandContext& ctx, const WatchFlags& flags) {
  if (ctx.stop) return watch_until_stopped(ctx, flags, *ctx.stop);
  StopSignal stop;
  SignalStop signals(stop);
  return watch_until_stopped(ctx, flags, stop);
}

}  // namespace

Command watch_command() {
  return {"watch",
          "Observe every chosen account and region every --interval until stopped "
          "(SIGTERM or SIGINT); print each change as it is found",
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
