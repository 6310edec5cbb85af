#include "core/json_element.h"

namespace sgwatch {

const char* json_type_name(simdjson::dom::element value) {
  using simdjson::dom::element_type;
  switch (value.type()) {
    case element_type::ARRAY: return "array";
    case element_type::OBJECT: return "object";
    case element_type::INT64:
    case element_type::UINT64: return "integer";
    case element_type::DOUBLE: return "number";
    case element_type::STRING: return "string";
    case element_type::BOOL: return "boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "unknown value";
}

tl::unexpected<Error> wrong_json_type(const std::string& path, const char* expected,
                                      simdjson::dom::element value) {
  return invalid(path + ": expected " + expected + ", got " + json_type_name(value));
}

}  // namespace sgwatch
