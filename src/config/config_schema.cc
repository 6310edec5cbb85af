#include "config/config_schema.h"

#include <utility>

namespace sgwatch {
namespace {

KeySchema plain_key(std::string name, ValueKind kind, std::string description,
                    std::optional<ConfigValue> default_value) {
  KeySchema key;
  key.name = std::move(name);
  key.kind = kind;
  key.description = std::move(description);
  key.default_value = std::move(default_value);
  return key;
}

KeySchema container_key(std::string name, ValueKind kind, std::string description,
                        std::vector<KeySchema> keys) {
  KeySchema key = plain_key(std::move(name), kind, std::move(description), std::nullopt);
  key.keys = std::move(keys);
  return key;
}

}  // namespace

KeySchema string_key(std::string name, std::string description,
                     std::optional<std::string> default_value) {
  std::optional<ConfigValue> value;
  if (default_value) value = std::move(*default_value);
  return plain_key(std::move(name), ValueKind::kString, std::move(description), std::move(value));
}

KeySchema integer_key(std::string name, std::string description,
                      std::optional<std::int64_t> default_value) {
  std::optional<ConfigValue> value;
  if (default_value) value = *default_value;
  return plain_key(std::move(name), ValueKind::kInteger, std::move(description), std::move(value));
}

KeySchema boolean_key(std::string name, std::string description,
                      std::optional<bool> default_value) {
  std::optional<ConfigValue> value;
  if (default_value) value = *default_value;
  return plain_key(std::move(name), ValueKind::kBoolean, std::move(description), std::move(value));
}

KeySchema string_list_key(std::string name, std::string description,
                          std::optional<std::vector<std::string>> default_value) {
  std::optional<ConfigValue> value;
  if (default_value) value = std::move(*default_value);
  return plain_key(std::move(name), ValueKind::kStringList, std::move(description),
                   std::move(value));
}

KeySchema table_key(std::string name, std::string description, std::vector<KeySchema> keys) {
  return container_key(std::move(name), ValueKind::kTable, std::move(description), std::move(keys));
}

std::string as_text(const ConfigValue& value) {
  const auto* text = std::get_if<std::string>(&value);
  return text ? *text : std::string();
}

KeySchema table_array_key(std::string name, std::string description, std::vector<KeySchema> keys) {
  return container_key(std::move(name), ValueKind::kTableArray, std::move(description),
                       std::move(keys));
}

std::string describe_kind(ValueKind kind) {
  switch (kind) {
    case ValueKind::kString:
      return "a string";
    case ValueKind::kInteger:
      return "an integer";
    case ValueKind::kBoolean:
      return "a boolean";
    case ValueKind::kStringList:
      return "a string or an array of strings";
    case ValueKind::kTable:
      return "a table";
    case ValueKind::kTableArray:
      return "an array of tables";
  }
  return "a value";
}

}  // namespace sgwatch
