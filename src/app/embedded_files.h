// Files from data/ compiled into the binary (see cmake/embed_files.cmake).
#pragma once

#include <string_view>

namespace sgwatch {

// The bytes of the embedded file called `name` (e.g. "snapshot-1.json"), or an empty view.
std::string_view embedded_file(std::string_view name);

}  // namespace sgwatch
