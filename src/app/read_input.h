// Reading a whole input file, or standard input for "-".
#pragma once

#include <string>

#include "core/error.h"

namespace sgwatch {

Result<std::string> read_input(const std::string& path);

}  // namespace sgwatch
