#include "app/config_schema.h"

#include "app/metrics_config.h"
#include "app/observe_config.h"
#include "app/health_config.h"
#include "app/retention_config.h"
#include "app/sns_config.h"
#include "app/sqs_config.h"
#include "attribution/attribution_settings.h"
#include "core/display_zone.h"
#include "notify/notify_config.h"
#include "risk/risk_policy.h"
#include "state/store_config.h"

namespace sgwatch {
namespace {

std::string check_timezone(const ConfigValue& value) {
  const auto* name = std::get_if<std::string>(&value);
  if (name == nullptr) return "must be a time zone name";
  auto zone = DisplayZone::locate(*name);
  return zone ? "" : zone.error().message;
}

}  // namespace

KeySchema sgwatch_config_schema() {
  KeySchema log_level = string_key(
      "log_level", "The least severe log message shown. Flag: `--log-level`.", "info");
  log_level.allowed = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  KeySchema timezone = string_key(
      "timezone",
      "The time zone times are shown in on the terminal: any IANA name (`Europe/Berlin`, "
      "`America/New_York`). JSON output, JSON Lines and the store always use UTC.",
      "UTC");
  timezone.check = check_timezone;
  std::vector<KeySchema> keys{log_level,          timezone,
                              store_config_schema(), watch_config_schema(),
                              accounts_config_schema(), risk_config_schema(),
                              attribution_config_schema(), sns_config_schema(),
                              sqs_config_schema(),         metrics_config_schema()};
  for (KeySchema& key : notify_config_schema()) keys.push_back(std::move(key));
  keys.push_back(retention_config_schema());
  keys.push_back(health_config_schema());
  return table_key("", "", std::move(keys));
}

std::vector<Error> config_cross_check(const ConfigTable& config) {
  std::vector<Error> problems;
  if (auto watch = watch_settings_from(config); !watch) problems.push_back(watch.error());
  if (auto risk = risk_policy_from(config); !risk) problems.push_back(risk.error());
  if (auto attribution = attribution_settings_from(config); !attribution) {
    problems.push_back(attribution.error());
  }
  if (auto notify = notify_settings_from(config); !notify) problems.push_back(notify.error());
  auto sns = sns_settings_from(config, "");
  if (!sns) {
    problems.push_back(sns.error());
  } else if (auto sqs = sqs_settings_from(config, *sns, {}, *Region::parse("us-east-1")); !sqs) {
    // The home region only fills in a queue URL's missing region, which is no mistake.
    problems.push_back(sqs.error());
  }
  if (auto metrics = metrics_settings_from(config); !metrics) problems.push_back(metrics.error());
  if (auto retention = retention_policy_from(config); !retention) {
    problems.push_back(retention.error());
  }
  if (auto health = health_settings_from(config); !health) problems.push_back(health.error());
  return problems;
}

}  // namespace sgwatch
