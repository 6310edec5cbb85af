// The config's [retention] table: how long the store keeps revisions, events, delivered
// alerts and snapshot records (see RetentionPolicy and docs/OPERATIONS.md).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "config/config_schema.h"
#include "config/config_table.h"
#include "core/error.h"
#include "state/retention.h"

namespace sgwatch {

KeySchema retention_config_schema();

// "400d", "12h", or "forever" (keep them all: nullopt). At least a day.
Result<std::optional<std::chrono::milliseconds>> parse_retention_age(std::string_view text);

// The policy the [retention] table sets, defaults for keys it leaves out. Errors name the
// key's position.
Result<RetentionPolicy> retention_policy_from(const ConfigTable& root);

}  // namespace sgwatch
