// A config loaded from text in a test: named sgwatch.toml in messages, with no
// environment variables, against sgwatch's whole schema.
#pragma once

#include <optional>
#include <string>

#include "app/config_schema.h"
#include "config/config_loader.h"

namespace sgwatch::testing {

inline ConfigLoad load_config(const std::string& text) {
  return load_config_text(text, "sgwatch.toml", sgwatch_config_schema(),
                          [](const std::string&) -> std::optional<std::string> {
                            return std::nullopt;
                          });
}

// Every diagnostic, one per line.
inline std::string diagnostics(const ConfigLoad& loaded) {
  std::string all;
  for (const auto& diagnostic : loaded.diagnostics) all += diagnostic.str() + "\n";
  return all;
}

}  // namespace sgwatch::testing
