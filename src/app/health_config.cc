#include "app/health_config.h"

#include "core/duration.h"

namespace sgwatch {
namespace {

std::string check_count(const ConfigValue& value, std::int64_t most) {
  const auto* count = std::get_if<std::int64_t>(&value);
  return count && *count >= 1 && *count <= most ? "" : "must be 1 to " + std::to_string(most);
}

}  // namespace

KeySchema health_config_schema() {
  KeySchema alerts = boolean_key(
      "alerts",
      "Whether sgwatch's own problems are alerts of kind `health`, sent where the routes "
      "send them; off, they are only logged.",
      true);
  KeySchema scope_failures = integer_key(
      "scope_failures",
      "An account and region is failing after this many failed cycles in a row (runs of "
      "`once` count too: the count is kept in the store).",
      3);
  scope_failures.check = [](const ConfigValue& value) { return check_count(value, 1000); };
  KeySchema outbox_age = string_key(
      "outbox_age",
      "A destination is failing once its oldest pending alert is this old. A duration.", "30m");
  outbox_age.check = check_with(parse_duration);
  KeySchema outbox_pending = integer_key(
      "outbox_pending", "A destination is failing once it owes this many alerts.", 1000);
  outbox_pending.check = [](const ConfigValue& value) { return check_count(value, 1'000'000); };
  return table_key("health",
                   "Self-alerts: when sgwatch tells the routes of its own problems (a scope it "
                   "cannot read, credentials about to expire, a destination failing) and of "
                   "CloudTrail logging stopped or changed.",
                   {alerts, scope_failures, outbox_age, outbox_pending});
}

Result<HealthSettings> health_settings_from(const ConfigTable& root) {
  const ConfigTable& table = root.table("health");
  HealthSettings settings;
  settings.alerts = table.boolean("alerts").value_or(true);
  settings.scope_failures = static_cast<int>(table.integer("scope_failures").value_or(3));
  settings.outbox_pending =
      static_cast<size_t>(table.integer("outbox_pending").value_or(1000));
  auto age = parse_duration(table.string("outbox_age").value_or("30m"));
  if (!age) {
    return tl::unexpected(age.error().within(table.where("outbox_age").str() +
                                             ": [health] outbox_age"));
  }
  settings.outbox_age = *age;
  return settings;
}

}  // namespace sgwatch
