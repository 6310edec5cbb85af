// TOML values as people read them in messages and docs: spelled as the file would spell them.
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>

#include "config/config_schema.h"

namespace sgwatch {

// A TOML basic string: "a \"quoted\" word".
std::string toml_quoted(std::string_view text);

// A declared value as TOML: "60s" quoted, 4, true, ["a", "b"].
std::string toml_literal(const ConfigValue& value);

// The type of a node for "must be X, not Y": "a string", "a float", "an array", "a date".
std::string toml_type_phrase(const toml::node& node);

// A scalar short enough to quote in a message; nullopt for tables, arrays and long values.
std::optional<std::string> toml_short_value(const toml::node& node);

}  // namespace sgwatch
