// A validated config: every declared key has its value from the file (after ${ENV}
// expansion and *_file reading) or its default, and remembers where in the file it was
// written, for errors found later by the component that uses it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config_schema.h"

namespace sgwatch {

struct SourcePosition {
  std::string file;  // as given to the loader; "<text>" for text without a file
  int line = 0;      // 1-based; 0: not from the file (a default)
  int column = 0;    // 1-based

  // "file:line:column", or just "file" when line is 0.
  std::string str() const;
};

class ConfigTable {
 public:
  struct Entry {
    ConfigValue value;
    SourcePosition where;  // of the value in the file; line 0 for a default
    bool from_file = false;
  };

  // The value of a declared key, or nullopt when it has neither a value nor a default.
  // Asking for a key of another type, or an undeclared one, is a programming error (assert).
  std::optional<std::string> string(const std::string& key) const;
  std::optional<std::int64_t> integer(const std::string& key) const;
  std::optional<bool> boolean(const std::string& key) const;
  std::optional<std::vector<std::string>> strings(const std::string& key) const;
  // A [name] table: always present (empty of file values when the file has none).
  const ConfigTable& table(const std::string& key) const;
  // The [[name]] tables in file order; empty when the file has none.
  const std::vector<ConfigTable>& tables(const std::string& key) const;

  // True when the file (not a default) gave the key.
  bool given(const std::string& key) const;
  // Where the key's value was written; for a table, where the table starts. For keys the
  // file did not give: the table's own position.
  SourcePosition where(const std::string& key) const;
  // Where this table starts in the file ([name] header, or the [[name]] element).
  const SourcePosition& position() const { return position_; }

  // Used by the loader.
  void set_value(const std::string& key, Entry entry);
  void set_table(const std::string& key, ConfigTable table);
  void set_tables(const std::string& key, std::vector<ConfigTable> tables);
  void set_position(SourcePosition position) { position_ = std::move(position); }

 private:
  std::map<std::string, Entry, std::less<>> values_;
  std::map<std::string, ConfigTable, std::less<>> tables_;
  std::map<std::string, std::vector<ConfigTable>, std::less<>> table_arrays_;
  SourcePosition position_;
};

}  // namespace sgwatch
