// Which config file a command reads, and reading it against sgwatch's schema.
//
// The file is --config if given, else $SGWATCH_CONFIG, else /etc/sgwatch/sgwatch.toml.
// A file named by --config or $SGWATCH_CONFIG must exist; the default one may be absent,
// and then every key takes its default.
#pragma once

#include <memory>
#include <string>

#include "config/config_loader.h"
#include "core/env.h"
#include "core/error.h"

namespace sgwatch {

inline constexpr const char* kDefaultConfigPath = "/etc/sgwatch/sgwatch.toml";

struct LoadedConfig {
  std::string path;  // the file read; empty when there was none and defaults apply
  ConfigLoad load;
};

LoadedConfig load_sgwatch_config(const std::string& flag_path, const EnvLookup& env);

// The config read again for a reload, with the checks made at start (the schema's and
// the cross-checks); warnings are logged. Every error is in the one Error's message, a
// line each, so the operator sees them all at once.
Result<std::shared_ptr<const ConfigTable>> reload_sgwatch_config(const std::string& flag_path,
                                                                 const EnvLookup& env);

}  // namespace sgwatch
