// The config's [health] table: when sgwatch tells the routes of its own problems
// (health_problem.h, docs/ALERTS.md "Self-alerts").
#pragma once

#include <chrono>
#include <cstddef>

#include "config/config_schema.h"
#include "config/config_table.h"
#include "core/error.h"

namespace sgwatch {

struct HealthSettings {
  bool alerts = true;  // false: problems are only logged
  // A scope is failing after this many failed cycles in a row.
  int scope_failures = 3;
  // A destination is failing when its oldest pending alert is this old, or it owes this
  // many.
  std::chrono::milliseconds outbox_age{std::chrono::minutes(30)};
  size_t outbox_pending = 1000;
};

KeySchema health_config_schema();

// Defaults for keys left out. Errors name the key's position.
Result<HealthSettings> health_settings_from(const ConfigTable& root);

}  // namespace sgwatch
