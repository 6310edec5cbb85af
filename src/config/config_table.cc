#include "config/config_table.h"

#include <fmt/format.h>

#include <cassert>
#include <utility>

namespace sgwatch {
namespace {

// Returns the value when the entry holds a T. Another type means the caller asked for the
// wrong kind of key: a programming error, but release builds answer "no value".
template <typename T, typename Map>
std::optional<T> value_as(const Map& values, const std::string& key) {
  auto found = values.find(key);
  if (found == values.end()) return std::nullopt;
  const T* value = std::get_if<T>(&found->second.value);
  assert(value != nullptr && "config key asked for as the wrong type");
  if (value == nullptr) return std::nullopt;
  return *value;
}

}  // namespace

std::string SourcePosition::str() const {
  if (line == 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

std::optional<std::string> ConfigTable::string(const std::string& key) const {
  return value_as<std::string>(values_, key);
}

std::optional<std::int64_t> ConfigTable::integer(const std::string& key) const {
  return value_as<std::int64_t>(values_, key);
}

std::optional<bool> ConfigTable::boolean(const std::string& key) const {
  return value_as<bool>(values_, key);
}

std::optional<std::vector<std::string>> ConfigTable::strings(const std::string& key) const {
  return value_as<std::vector<std::string>>(values_, key);
}

const ConfigTable& ConfigTable::table(const std::string& key) const {
  static const ConfigTable kEmpty;
  auto found = tables_.find(key);
  assert(found != tables_.end() && "config table asked for is not declared");
  return found == tables_.end() ? kEmpty : found->second;
}

const std::vector<ConfigTable>& ConfigTable::tables(const std::string& key) const {
  static const std::vector<ConfigTable> kNone;
  auto found = table_arrays_.find(key);
  assert(found != table_arrays_.end() && "config table array asked for is not declared");
  return found == table_arrays_.end() ? kNone : found->second;
}

bool ConfigTable::given(const std::string& key) const {
  if (auto found = values_.find(key); found != values_.end()) return found->second.from_file;
  if (auto found = tables_.find(key); found != tables_.end()) {
    return found->second.position().line != 0;
  }
  if (auto found = table_arrays_.find(key); found != table_arrays_.end()) {
    return !found->second.empty();
  }
  return false;
}

SourcePosition ConfigTable::where(const std::string& key) const {
  if (auto found = values_.find(key); found != values_.end() && found->second.from_file) {
    return found->second.where;
  }
  if (auto found = tables_.find(key); found != tables_.end() && found->second.position().line) {
    return found->second.position();
  }
  if (auto found = table_arrays_.find(key);
      found != table_arrays_.end() && !found->second.empty()) {
    return found->second.front().position();
  }
  return position_;
}

void ConfigTable::set_value(const std::string& key, Entry entry) {
  values_.insert_or_assign(key, std::move(entry));
}

void ConfigTable::set_table(const std::string& key, ConfigTable table) {
  tables_.insert_or_assign(key, std::move(table));
}

void ConfigTable::set_tables(const std::string& key, std::vector<ConfigTable> tables) {
  table_arrays_.insert_or_assign(key, std::move(tables));
}

}  // namespace sgwatch
