#include "app/cycle_setup.h"

#include "attribution/attribution_settings.h"

namespace sgwatch {

Result<CycleSetup> set_up_cycles(const CommandContext& ctx, const WatchSettings& settings,
                                 Store& store, StopSignal& stop, JsonlFile* jsonl,
                                 bool show_quiet_scopes) {
  auto risk = risk_policy_from(*ctx.global.config);
  if (!risk) return tl::unexpected(risk.error());
  auto attribution = attribution_settings_from(*ctx.global.config);
  if (!attribution) return tl::unexpected(attribution.error());
  CycleSetup setup{std::make_unique<RiskPolicy>(std::move(*risk)), *attribution, nullptr, {}};
  const CycleSettings cycle{setup.attribution, setup.risk.get()};
  auto observer = Observer::create(settings.observe, cycle, process_env(), ctx.clock, store, stop);
  if (!observer) return tl::unexpected(observer.error());
  setup.observer = std::move(*observer);
  setup.report = CycleReportOptions{ctx.global.output, show_quiet_scopes, jsonl,
                                    setup.risk.get(),  ctx.global.zone,    setup.attribution.wait};
  return setup;
}

}  // namespace sgwatch
