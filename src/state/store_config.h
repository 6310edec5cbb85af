// The config's [store] table: where the revision history lives.
#pragma once

#include <string>

#include "config/config_schema.h"
#include "config/config_table.h"

namespace sgwatch {

KeySchema store_config_schema();

// The store path: `path` from the [store] table, else default_store_path().
std::string store_path_from(const ConfigTable& root);

}  // namespace sgwatch
