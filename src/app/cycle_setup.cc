#include "app/cycle_setup.h"

#include "app/metrics_server.h"
#include "attribution/attribution_settings.h"

namespace sgwatch {

Result<CycleSetup> set_up_cycles(const CommandContext& ctx, const WatchSettings& settings,
                                 Store& store, StopSignal& stop, JsonlFile* jsonl,
                                 bool show_quiet_scopes, WatchMetrics* metrics) {
  auto risk = risk_policy_from(*ctx.global.config);
  if (!risk) return tl::unexpected(risk.error());
  auto attribution = attribution_settings_from(*ctx.global.config);
  if (!attribution) return tl::unexpected(attribution.error());
  auto notify = notify_settings_from(*ctx.global.config);
  if (!notify) return tl::unexpected(notify.error());
  auto health = health_settings_from(*ctx.global.config);
  if (!health) return tl::unexpected(health.error());

  CycleSetup setup;
  setup.store = std::make_unique<LockedStore>(store);
  setup.risk = std::make_unique<RiskPolicy>(std::move(*risk));
  setup.notify = std::make_unique<NotifySettings>(std::move(*notify));
  setup.planner = std::make_unique<AlertPlanner>(*setup.notify);
  setup.attribution = *attribution;
  const CycleSettings cycle{setup.attribution, setup.risk.get(), setup.planner.get(),
                            health->alerts};
  auto observer =
      Observer::create(settings.observe, cycle, process_env(), ctx.clock, *setup.store, stop);
  if (!observer) return tl::unexpected(observer.error());
  setup.observer = std::move(*observer);
  setup.health = std::make_unique<HealthCheck>(*health, *setup.observer, *setup.store,
                                               ctx.clock,
                                               metrics ? &metrics->registry() : nullptr);
  if (metrics) {
    // Nothing else uses the observer yet. Its calls while resolving the accounts (STS)
    // went uncounted.
    setup.observer->report_to(metrics);
    setup.observer->client().count_into(&metrics->registry());
  }
  // Opened after the observer, whose default credentials SES destinations send with.
  const DestinationContext destinations_context{.clock = ctx.clock,
                                                .zone = ctx.global.zone,
                                                .env = process_env(),
                                                .credentials = setup.observer->default_credentials(),
                                                .loopback_only = false};
  auto destinations = open_destinations(*setup.notify, destinations_context);
  if (!destinations) return tl::unexpected(destinations.error());
  setup.report = CycleReportOptions{ctx.global.output, show_quiet_scopes, jsonl,
                                    setup.risk.get(),  ctx.global.zone,    setup.attribution.wait};
  setup.outbox = std::make_unique<Outbox>(*setup.store, std::move(*destinations),
                                          setup.notify->outbox, ctx.clock,
                                          metrics ? &metrics->registry() : nullptr);
  return setup;
}

}  // namespace sgwatch
