// The whole config file's schema: the top-level keys declared here and each component's
// table, declared next to the component.
#pragma once

#include "config/config_schema.h"

namespace sgwatch {

KeySchema sgwatch_config_schema();

}  // namespace sgwatch
