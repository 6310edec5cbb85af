// The config's [watch] table and [[accounts]] tables: what to observe and how often. The
// keys are declared here, next to the code that turns them into observe options.
#pragma once

#include <chrono>
#include <string>

#include "app/account_access.h"
#include "config/config_schema.h"
#include "config/config_table.h"

namespace sgwatch {

KeySchema watch_config_schema();
KeySchema accounts_config_schema();

struct WatchSettings {
  ObserveOptions observe;
  std::string jsonl_path;  // empty: no JSON Lines file
  std::chrono::milliseconds interval{60'000};
};

// The settings a validated config gives. Errors found only across keys (an account listed
// twice, 'all' beside region names) name the file position.
Result<WatchSettings> watch_settings_from(const ConfigTable& root);

}  // namespace sgwatch
