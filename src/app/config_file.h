// Which config file a command reads, and reading it against sgwatch's schema.
//
// The file is --config if given, else $SGWATCH_CONFIG, else /etc/sgwatch/sgwatch.toml.
// A file named by --config or $SGWATCH_CONFIG must exist; the default one may be absent,
// and then every key takes its default.
#pragma once

#include <string>

#include "config/config_loader.h"
#include "core/env.h"

namespace sgwatch {

inline constexpr const char* kDefaultConfigPath = "/etc/sgwatch/sgwatch.toml";

struct LoadedConfig {
  std::string path;  // the file read; empty when there was none and defaults apply
  ConfigLoad load;
};

LoadedConfig load_sgwatch_config(const std::string& flag_path, const EnvLookup& env);

}  // namespace sgwatch
