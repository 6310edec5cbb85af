// Reading the process environment through an injectable function, so tests can give a
// process its own environment without touching the real one.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace sgwatch {

// Reads an environment variable; empty or unset gives nullopt.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The real process environment.
EnvLookup process_env();

}  // namespace sgwatch
