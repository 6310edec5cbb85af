// Reading a TOML config file against its schema. Every problem is collected, not just the
// first, each with file:line:column:
//   - TOML syntax errors;
//   - unknown keys, with "did you mean" for a near miss in the same table, or the table
//     where the key belongs when it is declared elsewhere;
//   - wrong types, naming the type expected and the type found;
//   - values outside `allowed` (listing them) or refused by a key's check;
//   - missing required keys;
//   - ${NAME} in a string whose variable is unset or empty ($${ writes a literal ${);
//   - a secret given both as `<key>` and `<key>_file`, or a `<key>_file` that cannot be read.
// Warnings (the load still succeeds): a secret file readable by other users, or a secret
// written inline in a config file that other users can read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_schema.h"
#include "config/config_table.h"
#include "core/env.h"

namespace sgwatch {

struct ConfigDiagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  SourcePosition where;
  std::string message;  // a sentence; never holds a secret's value

  // "file:line:column: message".
  std::string str() const;
};

struct ConfigLoad {
  std::optional<ConfigTable> config;  // set when there were no errors
  std::vector<ConfigDiagnostic> diagnostics;  // errors, then warnings, in file order

  bool ok() const { return config.has_value(); }
};

// `root` is a kTable whose keys are the whole file's. Relative `*_file` paths are taken
// from the directory of `file_name`.
ConfigLoad load_config_text(std::string_view text, const std::string& file_name,
                            const KeySchema& root, const EnvLookup& env);

// Reads the file first; an unreadable file is one error naming it.
ConfigLoad load_config_file(const std::string& path, const KeySchema& root, const EnvLookup& env);

// Loads no file: every key takes its default (for running without a config file).
ConfigTable defaults_of(const KeySchema& root);

}  // namespace sgwatch
