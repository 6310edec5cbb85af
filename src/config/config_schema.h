// The declared shape of the config file. Each component declares its own keys (name,
// type, default, description, checks) in one place; validation, `sgwatch config schema`
// and docs/CONFIG.md are all produced from these declarations.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sgwatch {

enum class ValueKind {
  kString,
  kInteger,
  kBoolean,
  kStringList,  // an array of strings; a single string is taken as a list of one
  kTable,       // [name]: a table with its own declared keys
  kTableArray,  // [[name]]: any number of tables with the same declared keys
};

// A scalar or list value after ${ENV} expansion and *_file reading.
using ConfigValue = std::variant<std::string, std::int64_t, bool, std::vector<std::string>>;

struct KeySchema {
  std::string name;
  ValueKind kind = ValueKind::kString;
  std::string description;  // one or two sentences, for the docs and `config schema`
  // The default as the file would spell it (`"60s"`, `4`, `["all"]`); nullopt: no default.
  std::optional<ConfigValue> default_value;
  bool required = false;
  // The value is sensitive: it may instead be given as `<name>_file` (a path whose content,
  // less trailing whitespace, is the value), and it is never shown.
  bool secret = false;
  // For strings: the only values allowed (compared exactly). Empty: any.
  std::vector<std::string> allowed;
  // Checks a value beyond its type (a duration, an ARN, a timezone); returns the problem as
  // a sentence, or an empty string when the value is fine. For lists, called per element.
  std::function<std::string(const ConfigValue& value)> check;
  // The keys of a kTable or kTableArray.
  std::vector<KeySchema> keys;
};

// Builders, so declarations read as a table.
KeySchema string_key(std::string name, std::string description,
                     std::optional<std::string> default_value = std::nullopt);
KeySchema integer_key(std::string name, std::string description,
                      std::optional<std::int64_t> default_value = std::nullopt);
KeySchema boolean_key(std::string name, std::string description,
                      std::optional<bool> default_value = std::nullopt);
KeySchema string_list_key(std::string name, std::string description,
                          std::optional<std::vector<std::string>> default_value = std::nullopt);
KeySchema table_key(std::string name, std::string description, std::vector<KeySchema> keys);
KeySchema table_array_key(std::string name, std::string description, std::vector<KeySchema> keys);

// The text of a string value; "" for any other kind.
std::string as_text(const ConfigValue& value);

// A check from a parser of text (`Result<T> parse(std::string_view)`): the parser's message,
// or "" when it accepts the value.
template <typename Parse>
std::function<std::string(const ConfigValue&)> check_with(Parse parse) {
  return [parse](const ConfigValue& value) -> std::string {
    auto parsed = parse(as_text(value));
    return parsed ? "" : parsed.error().message;
  };
}

// How a kind is named in messages and docs: "a string", "an integer", "a boolean",
// "a string or an array of strings", "a table", "an array of tables".
std::string describe_kind(ValueKind kind);

}  // namespace sgwatch
