#include "core/json_fields.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/time_format.h"

namespace sgwatch {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::element;
using simdjson::dom::object;

// Epoch seconds beyond this (the year 5138) are nonsense, and would overflow milliseconds.
constexpr double kMaxEpochSeconds = 1e11;

}  // namespace

std::string indexed_path(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string JsonFields::path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::optional<element> JsonFields::member(std::string_view key) const {
  element value;
  if (object_.at_key(key).get(value) != SUCCESS || value.is_null()) return std::nullopt;
  return value;
}

Result<std::optional<std::string>> JsonFields::optional_string(std::string_view key) const {
  auto value = member(key);
  if (!value) return std::optional<std::string>();
  std::string_view text;
  if (value->get_string().get(text) != SUCCESS) {
    return wrong_json_type(path(key), "a string", *value);
  }
  return std::optional<std::string>(std::string(text));
}

Result<std::string> JsonFields::required_string(std::string_view key) const {
  auto text = optional_string(key);
  if (!text) return tl::unexpected(text.error());
  if (!*text) return invalid(path(key) + ": missing");
  return std::move(**text);
}

Result<std::string> JsonFields::string_or_empty(std::string_view key) const {
  auto text = optional_string(key);
  if (!text) return tl::unexpected(text.error());
  return text->value_or("");
}

Result<std::optional<int>> JsonFields::optional_int(std::string_view key) const {
  auto value = member(key);
  if (!value) return std::optional<int>();
  // simdjson stores integers above INT64_MAX as unsigned; none is a valid port.
  if (uint64_t big = 0; value->get_uint64().get(big) == SUCCESS &&
                        big > uint64_t(std::numeric_limits<int64_t>::max())) {
    return invalid(path(key) + ": " + std::to_string(big) + " is out of range");
  }
  int64_t number = 0;
  if (value->get_int64().get(number) != SUCCESS) {
    return wrong_json_type(path(key), "an integer", *value);
  }
  // Range-check before narrowing; the validators downstream work on int.
  if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max()) {
    return invalid(path(key) + ": " + std::to_string(number) + " is out of range");
  }
  return std::optional<int>(int(number));
}

Result<bool> JsonFields::required_bool(std::string_view key) const {
  auto value = member(key);
  if (!value) return invalid(path(key) + ": missing");
  bool flag = false;
  if (value->get_bool().get(flag) != SUCCESS) {
    return wrong_json_type(path(key), "a boolean", *value);
  }
  return flag;
}

Result<object> JsonFields::required_object(std::string_view key) const {
  auto value = member(key);
  if (!value) return invalid(path(key) + ": missing");
  object result;
  if (value->get_object().get(result) != SUCCESS) {
    return wrong_json_type(path(key), "an object", *value);
  }
  return result;
}

Result<Timestamp> JsonFields::required_time(std::string_view key) const {
  auto value = member(key);
  if (!value) return invalid(path(key) + ": missing");
  if (std::string_view text; value->get_string().get(text) == SUCCESS) {
    auto time = parse_time(text);
    if (!time) return tl::unexpected(time.error().within(path(key)));
    return *time;
  }
  double seconds = 0;
  if (value->get_double().get(seconds) != SUCCESS) {
    return wrong_json_type(path(key), "an ISO 8601 time or a number of epoch seconds", *value);
  }
  if (!std::isfinite(seconds) || std::fabs(seconds) > kMaxEpochSeconds) {
    return invalid(fmt::format("{}: {} is not a time", path(key), seconds));
  }
  return Timestamp(std::chrono::milliseconds(std::llround(seconds * 1000)));
}

Result<std::string> JsonFields::decimal_text(std::string_view key) const {
  auto value = member(key);
  if (!value) return std::string();
  if (uint64_t number = 0; value->get_uint64().get(number) == SUCCESS) {
    return std::to_string(number);
  }
  if (int64_t negative = 0; value->get_int64().get(negative) == SUCCESS) {
    return invalid(fmt::format("{}: {} is not a decimal number", path(key), negative));
  }
  if (std::string_view text; value->get_string().get(text) == SUCCESS) {
    const bool digits =
        !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
    if (!digits) return invalid(fmt::format("{}: '{}' is not a decimal number", path(key), text));
    return std::string(text);
  }
  return wrong_json_type(path(key), "an integer", *value);
}

}  // namespace sgwatch
