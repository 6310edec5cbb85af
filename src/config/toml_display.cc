#include "config/toml_display.h"

#include <fmt/format.h>

namespace sgwatch {
namespace {

// Longer values make a message hard to read; the position already says where they are.
constexpr std::size_t kLongestShown = 40;

std::string date_text(const toml::date& date) {
  return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

std::string time_text(const toml::time& time) {
  return fmt::format("{:02}:{:02}:{:02}", time.hour, time.minute, time.second);
}

}  // namespace

std::string toml_quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04X}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string toml_literal(const ConfigValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return toml_quoted(*text);
  if (const auto* number = std::get_if<std::int64_t>(&value)) return std::to_string(*number);
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  std::string out = "[";
  for (const std::string& item : std::get<std::vector<std::string>>(value)) {
    if (out.size() > 1) out += ", ";
    out += toml_quoted(item);
  }
  return out + "]";
}

std::string toml_type_phrase(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return node.as_array()->is_array_of_tables() ? "an array of tables" : "an array";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::optional<std::string> toml_short_value(const toml::node& node) {
  std::string shown;
  if (const auto* text = node.as_string()) {
    shown = toml_quoted(text->get());
  } else if (const auto* number = node.as_integer()) {
    shown = std::to_string(number->get());
  } else if (const auto* real = node.as_floating_point()) {
    shown = fmt::format("{}", real->get());
  } else if (const auto* flag = node.as_boolean()) {
    shown = flag->get() ? "true" : "false";
  } else if (const auto* date = node.as_date()) {
    shown = date_text(date->get());
  } else if (const auto* time = node.as_time()) {
    shown = time_text(time->get());
  } else if (const auto* moment = node.as_date_time()) {
    shown = date_text(moment->get().date) + "T" + time_text(moment->get().time);
  } else {
    return std::nullopt;
  }
  if (shown.size() > kLongestShown) return std::nullopt;
  return shown;
}

}  // namespace sgwatch
