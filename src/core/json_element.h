// Naming simdjson values in error messages, for every reader of JSON documents.
#pragma once

#include <string>

#include <simdjson.h>

#include "core/error.h"

namespace sgwatch {

// "array", "object", "integer", "number", "string", "boolean", "null".
const char* json_type_name(simdjson::dom::element value);

// "`path`: expected `expected`, got <type>".
tl::unexpected<Error> wrong_json_type(const std::string& path, const char* expected,
                                      simdjson::dom::element value);

}  // namespace sgwatch
