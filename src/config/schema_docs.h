// The schema as people read it: `sgwatch config schema` (text or JSON) and the config
// reference docs/CONFIG.md (Markdown), all from the same declarations.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "config/config_schema.h"

namespace sgwatch {

// One key per paragraph: `section.key` (type, default) and its description.
std::string schema_text(const KeySchema& root);

// docs/CONFIG.md, whole. A test keeps the file in the repository equal to this.
std::string schema_markdown(const KeySchema& root);

// [{"key": "watch.interval", "type": "string", "default": "60s", "required": false,
//   "secret": false, "allowed": [...], "description": "..."}, ...]
nlohmann::json schema_json(const KeySchema& root);

}  // namespace sgwatch
