// `sgwatch validate`: checks the config file, then (unless --no-environment) that the
// store opens and that every account and region can be read. One line per check; the exit
// code says: 0 all passed, 1 a health check failed, 78 the config has errors.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/account_access.h"
#include "app/checklist.h"
#include "app/sns_checks.h"
#include "app/sqs_checks.h"
#include "app/command.h"
#include "app/config_file.h"
#include "app/config_schema.h"
#include "app/destination_checks.h"
#include "app/environment_checks.h"
#include "app/observe_config.h"
#include "attribution/attribution_settings.h"
#include "state/sqlite_store.h"
#include "state/store_config.h"

namespace sgwatch {
namespace {

struct ValidateFlags {
  bool no_environment = false;
};

// Adds the config's checks; returns the settings when the config is usable.
std::optional<WatchSettings> check_config(const LoadedConfig& loaded, Checklist& checklist) {
  const std::string subject = "config";  // each diagnostic names the file
  for (const ConfigDiagnostic& diagnostic : loaded.load.diagnostics) {
    if (diagnostic.severity == ConfigDiagnostic::Severity::kWarning) {
      checklist.warn(subject, diagnostic.str());
    } else {
      checklist.fail(subject, diagnostic.str());
    }
  }
  if (!loaded.load.ok()) return std::nullopt;
  std::vector<Error> problems = config_cross_check(*loaded.load.config);
  for (const Error& problem : problems) checklist.fail(subject, problem.message);
  auto settings = watch_settings_from(*loaded.load.config);
  if (!problems.empty() || !settings) return std::nullopt;
  const size_t accounts = settings->observe.accounts.size();
  std::string what = accounts == 0 ? "the default credentials' own account"
                                   : fmt::format("{} account{}", accounts, accounts == 1 ? "" : "s");
  if (loaded.path.empty()) {
    checklist.ok(subject, fmt::format("no file at {}; every key has its default ({})",
                                      kDefaultConfigPath, what));
  } else {
    checklist.ok(subject, loaded.path + " is valid; it observes " + what);
  }
  return std::move(*settings);
}

// For SES destinations only (without one, no credential is looked for): an AccountAccess,
// which owns the default chain and what its links point into.
Result<std::unique_ptr<AccountAccess>> access_for_ses(const NotifySettings& notify,
                                                      const ObserveOptions& observe,
                                                      const EnvLookup& env, const Clock& clock,
                                                      StopSignal& stop) {
  const bool ses = std::any_of(notify.destinations.begin(), notify.destinations.end(),
                               [](const DestinationConfig& destination) {
                                 return destination.type == DestinationType::kSes;
                               });
  if (!ses) return nullptr;
  return AccountAccess::create(observe, env, clock, stop);
}

// The [sqs] queues, read with sgwatch's own credentials.
void check_queues(const ConfigTable& config, const SnsSettings& sns, const ObserveOptions& observe,
                  const EnvLookup& env, const Clock& clock, Checklist& checklist) {
  const bool any = !config.table("sqs").strings("queues").value_or(std::vector<std::string>{}).empty();
  if (!any) return;
  StopSignal stop;  // nothing stops validate early; each call has its own timeouts
  auto access = AccountAccess::create(observe, env, clock, stop);
  if (!access) {
    checklist.fail("sqs queues", "cannot check them: " + access.error().message);
    return;
  }
  auto sqs = sqs_settings_from(config, sns, {}, (*access)->home_region());
  if (!sqs) {
    checklist.fail("sqs queues", sqs.error().message);
    return;
  }
  SqsClient client((*access)->client());
  check_sqs_queues(*sqs, client, (*access)->default_credentials().get(),
                   "the default credentials are not set up", checklist);
}

int run_validate(CommandContext& ctx, const ValidateFlags& flags) {
  const bool text = ctx.global.output == OutputFormat::kText;
  Checklist checklist(text ? &ctx.out : nullptr);
  const EnvLookup env = process_env();
  LoadedConfig loaded = load_sgwatch_config(ctx.global.config_flag, env);
  std::optional<WatchSettings> settings = check_config(loaded, checklist);
  bool config_failed = !settings.has_value();

  if (settings && !flags.no_environment) {
    const std::string store_path = ctx.global.store_path.empty()
                                       ? store_path_from(*loaded.load.config)
                                       : ctx.global.store_path;
    check_store(store_path, checklist);
    // The config is valid here, so its [attribution] table reads.
    auto attribution = attribution_settings_from(*loaded.load.config);
    if (auto notify = notify_settings_from(*loaded.load.config)) {
      StopSignal stop;  // nothing stops validate early; each call has its own timeouts
      auto access = access_for_ses(*notify, settings->observe, env, ctx.clock, stop);
      CredentialProvider* credentials =
          access && *access ? (*access)->default_credentials().get() : nullptr;
      check_destinations(*notify, env, ctx.clock, credentials,
                         access ? "" : access.error().message, checklist);
    }
    if (auto sns = sns_settings_from(*loaded.load.config, store_path)) {
      check_sns_endpoint(*sns, env, checklist);
      check_queues(*loaded.load.config, *sns, settings->observe, env, ctx.clock, checklist);
    }
    check_accounts(settings->observe, attribution && attribution->lookup, env, ctx.clock,
                   checklist);
  } else if (!settings && !flags.no_environment) {
    checklist.skip("environment", "not checked until the config is valid");
  }

  if (text) {
    ctx.out << checklist.summary() << "\n";
  } else {
    ctx.out << checklist.json().dump(2) << "\n";
  }
  if (config_failed) return kExitConfig;
  return checklist.failed() ? kExitFailure : kExitOk;
}

}  // namespace

Command validate_command() {
  return {"validate",
          "Check the config file, then that the store opens and that every account and "
          "region can be read; one line per check, exit 0 when all pass",
          [](CLI::App& app) -> CommandRun {
            auto flags = std::make_shared<ValidateFlags>();
            app.add_flag("--no-environment", flags->no_environment,
                         "Check only the config file: no store, no AWS call");
            return [flags](CommandContext& ctx) { return run_validate(ctx, *flags); };
          },
          ConfigUse::kSelf};
}

}  // namespace sgwatch
