// Small helpers shared by tests: a fixed environment, and reading sample files.
#pragma once

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "aws/endpoints.h"

namespace sgwatch::testing {

// An environment that holds exactly `vars`.
inline EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto found = vars.find(name);
    if (found == vars.end()) return std::nullopt;
    return found->second;
  };
}

// How many times `part` (not empty) starts in `text`, overlapping ones included.
inline size_t occurrences(const std::string& text, const std::string& part) {
  size_t found = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++found;
  }
  return found;
}

// The contents of tests/data/<relative_path>.
inline std::string test_data(const std::string& relative_path) {
  std::ifstream in(std::string(SGWATCH_TEST_DATA_DIR) + "/" + relative_path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace sgwatch::testing
