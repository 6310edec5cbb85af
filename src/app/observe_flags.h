// The command-line flags `once` and `watch` share: which accounts and regions to observe,
// and where else to write the changes.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "app/observer.h"

namespace sgwatch {

struct ObserveFlags {
  ObserveOptions observe;
  std::string jsonl_path;  // empty: no JSON Lines file
};

void add_observe_flags(CLI::App& app, ObserveFlags& flags);

}  // namespace sgwatch
