// The command-line flags `once` and `watch` share: which accounts and regions to observe,
// and where else to write the changes. Each flag given replaces the config's value.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/observe_config.h"
#include "config/config_table.h"

namespace sgwatch {

struct ObserveFlags {
  std::vector<std::string> regions;
  std::vector<std::string> role_arns;
  std::string external_id;
  int concurrency = 0;     // 0: not given
  std::string jsonl_path;  // empty: not given
};

void add_observe_flags(CLI::App& app, ObserveFlags& flags);

// The config's settings with the flags given on the command line put over them.
// --role-arn replaces the config's accounts; --region replaces every region list.
Result<WatchSettings> settings_with_flags(const ConfigTable& config, const ObserveFlags& flags);

}  // namespace sgwatch
