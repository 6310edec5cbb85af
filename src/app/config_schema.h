// The whole config file's schema: the top-level keys declared here and each component's
// table, declared next to the component.
#pragma once

#include <vector>

#include "config/config_schema.h"
#include "config/config_table.h"
#include "core/error.h"

namespace sgwatch {

KeySchema sgwatch_config_schema();

// What each component finds wrong across its keys in a config that passed the schema (an
// account listed twice, 'all' beside region names), each message with its file position.
std::vector<Error> config_cross_check(const ConfigTable& config);

}  // namespace sgwatch
