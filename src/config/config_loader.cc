#include "config/config_loader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <tuple>
#include <utility>

#include "config/env_expansion.h"
#include "config/near_miss.h"
#include "config/toml_display.h"

namespace sgwatch {
namespace {

using Severity = ConfigDiagnostic::Severity;

constexpr std::string_view kFileSuffix = "_file";
// A name for text that did not come from a file: relative *_file paths are then taken from
// the current directory, and there is no file whose permissions matter.
constexpr std::string_view kTextName = "<text>";
constexpr std::string_view kTopLevel = "the top level";

Result<std::string> read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::kIo, std::strerror(errno));
  std::string content;
  char buffer[8192];
  while (true) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int saved = errno;
      ::close(fd);
      return fail(ErrorCode::kIo, std::strerror(saved));
    }
    if (got == 0) break;
    content.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return content;
}

bool readable_by_others(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && (info.st_mode & S_IROTH) != 0;
}

std::string trim_trailing_space(std::string text) {
  const auto last = text.find_last_not_of(" \t\r\n\v\f");
  text.erase(last == std::string::npos ? 0 : last + 1);
  return text;
}

const toml::source_region& later_of(const toml::source_region& a, const toml::source_region& b) {
  return std::tie(a.begin.line, a.begin.column) < std::tie(b.begin.line, b.begin.column) ? b : a;
}

std::string join_path(const std::string& table_path, std::string_view key) {
  return table_path.empty() ? std::string(key) : fmt::format("{}.{}", table_path, key);
}

// How a table is named in a sentence: "the top level", "watch", "accounts[2]".
std::string table_label(const std::string& path) {
  return path.empty() ? std::string(kTopLevel) : path;
}

// Where in the file a key is: "at the top level", "in [watch]", "in accounts[2]".
std::string location_phrase(const std::string& path) {
  if (path.empty()) return "at the top level";
  if (path.find('[') == std::string::npos) return fmt::format("in [{}]", path);
  return fmt::format("in {}", path);
}

bool ends_with_file_suffix(std::string_view name) {
  return name.size() > kFileSuffix.size() && name.ends_with(kFileSuffix);
}

std::string_view without_file_suffix(std::string_view name) {
  return name.substr(0, name.size() - kFileSuffix.size());
}

const KeySchema* find_key(const KeySchema& table, std::string_view name) {
  for (const KeySchema& key : table.keys) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

// The secret key that `<name>_file` stands for, if `name` is such a key.
const KeySchema* secret_of_file_key(const KeySchema& table, std::string_view name) {
  if (!ends_with_file_suffix(name)) return nullptr;
  const KeySchema* key = find_key(table, without_file_suffix(name));
  return key != nullptr && key->secret && key->kind == ValueKind::kString ? key : nullptr;
}

std::vector<std::string> names_accepted_in(const KeySchema& table) {
  std::vector<std::string> names;
  for (const KeySchema& key : table.keys) {
    names.push_back(key.name);
    if (key.secret) names.push_back(key.name + std::string(kFileSuffix));
  }
  return names;
}

bool accepts(const KeySchema& table, std::string_view name) {
  return find_key(table, name) != nullptr || secret_of_file_key(table, name) != nullptr;
}

// Tables of the schema, other than `skip`, that declare `name`: "the top level", "[watch]",
// "[[accounts]]".
void collect_homes(const KeySchema& table, const std::string& header_path, bool is_root,
                   const KeySchema* skip, std::string_view name, std::vector<std::string>& out) {
  if (&table != skip && accepts(table, name)) {
    if (is_root) {
      out.push_back(std::string(kTopLevel));
    } else if (table.kind == ValueKind::kTableArray) {
      out.push_back(fmt::format("[[{}]]", header_path));
    } else {
      out.push_back(fmt::format("[{}]", header_path));
    }
  }
  for (const KeySchema& key : table.keys) {
    if (key.kind == ValueKind::kTable || key.kind == ValueKind::kTableArray) {
      collect_homes(key, join_path(header_path, key.name), false, skip, name, out);
    }
  }
}

// "it belongs in [watch] or [[accounts]]"; "at" and "in" are repeated only when they differ.
std::string belongs_phrase(const std::vector<std::string>& homes) {
  const bool has_top = std::find(homes.begin(), homes.end(), kTopLevel) != homes.end();
  std::string out = has_top ? "it belongs " : "it belongs in ";
  for (std::size_t i = 0; i < homes.size(); ++i) {
    if (i > 0) out += i + 1 == homes.size() ? " or " : ", ";
    if (has_top) out += homes[i] == kTopLevel ? "at " : "in ";
    out += homes[i];
  }
  return out;
}

// Secrets are shown as nothing at all: a check's explanation quoting the value has the
// value replaced, or (for values so short that the gaps would show them) is withheld.
std::string without_secret(const std::string& message, const std::string& secret,
                           const std::string& path) {
  if (secret.empty() || message.find(secret) == std::string::npos) return message;
  constexpr std::size_t kShortest = 4;
  if (secret.size() < kShortest) {
    return fmt::format("{} is not valid (the reason would show the secret value)", path);
  }
  std::string out = message;
  for (std::size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at + 8)) {
    out.replace(at, secret.size(), "<secret>");
  }
  return out;
}

class Loader {
 public:
  Loader(std::string file_name, const KeySchema& root, const EnvLookup& env,
         bool file_readable_by_others)
      : file_name_(std::move(file_name)),
        root_(root),
        env_(env),
        file_readable_by_others_(file_readable_by_others) {
    if (file_name_ != kTextName) {
      base_dir_ = std::filesystem::path(file_name_).parent_path();
    }
  }

  ConfigLoad load(std::string_view text) {
    assert(root_.kind == ValueKind::kTable);
    ConfigLoad result;
    toml::table document;
    try {
      document = toml::parse(text, std::string_view(file_name_));
    } catch (const toml::parse_error& e) {
      error(e.source(), fmt::format("not valid TOML: {}", e.description()));
      result.diagnostics = std::move(diagnostics_);
      return result;
    }
    ConfigTable config = read_table(document, root_, "", SourcePosition{file_name_, 0, 0});
    result.diagnostics = sorted(std::move(diagnostics_));
    const bool failed = std::any_of(result.diagnostics.begin(), result.diagnostics.end(),
                                    [](const auto& d) { return d.severity == Severity::kError; });
    if (!failed) result.config = std::move(config);
    return result;
  }

  // Adds every declared key that `given` does not hold: defaults, empty tables, and an
  // error for each required one.
  void fill_missing(ConfigTable& out, const KeySchema& schema, const std::set<std::string>& given,
                    const std::string& path) {
    for (const KeySchema& key : schema.keys) {
      if (given.count(key.name) != 0) continue;
      if (key.required) missing_required(out.position(), key, path);
      switch (key.kind) {
        case ValueKind::kTable: {
          ConfigTable table;
          table.set_position(SourcePosition{file_name_, 0, 0});
          fill_missing(table, key, {}, join_path(path, key.name));
          out.set_table(key.name, std::move(table));
          break;
        }
        case ValueKind::kTableArray:
          out.set_tables(key.name, {});
          break;
        default:
          if (key.default_value) {
            out.set_value(key.name, {*key.default_value, SourcePosition{file_name_, 0, 0}, false});
          }
      }
    }
  }

 private:
  SourcePosition at(const toml::source_region& region) const {
    return SourcePosition{file_name_, static_cast<int>(region.begin.line),
                          static_cast<int>(region.begin.column)};
  }

  void report(Severity severity, SourcePosition where, std::string message) {
    diagnostics_.push_back(ConfigDiagnostic{severity, std::move(where), std::move(message)});
  }
  void error(const toml::source_region& region, std::string message) {
    report(Severity::kError, at(region), std::move(message));
  }
  void warning(const toml::source_region& region, std::string message) {
    report(Severity::kWarning, at(region), std::move(message));
  }

  static std::vector<ConfigDiagnostic> sorted(std::vector<ConfigDiagnostic> diagnostics) {
    std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const auto& a, const auto& b) {
      return std::tie(a.severity, a.where.line, a.where.column) <
             std::tie(b.severity, b.where.line, b.where.column);
    });
    return diagnostics;
  }

  ConfigTable read_table(const toml::table& node, const KeySchema& schema, const std::string& path,
                         SourcePosition position) {
    ConfigTable out;
    out.set_position(std::move(position));
    std::set<std::string> given;
    for (auto&& [toml_key, value] : node) {
      const std::string name(toml_key.str());
      if (const KeySchema* key = find_key(schema, name)) {
        given.insert(name);
        // Given both ways: reported once, at the `_file` key.
        if (key->secret && node.contains(name + std::string(kFileSuffix))) continue;
        read_key(out, *key, value, join_path(path, name));
      } else if (const KeySchema* secret = secret_of_file_key(schema, name)) {
        given.insert(secret->name);
        if (const toml::node* inline_value = node.get(secret->name)) {
          error(later_of(toml_key.source(), inline_value->source()),
                fmt::format("{} gives both {} and {}; keep only one", table_label(path),
                            secret->name, name));
          continue;
        }
        read_secret_file(out, *secret, value, path);
      } else {
        unknown_key(schema, name, toml_key.source(), path);
      }
    }
    fill_missing(out, schema, given, path);
    return out;
  }

  void missing_required(const SourcePosition& table_position, const KeySchema& key,
                        const std::string& path) {
    std::string what = key.name;
    if (key.kind == ValueKind::kTable) what = fmt::format("[{}] table", join_path(path, key.name));
    if (key.kind == ValueKind::kTableArray) {
      what = fmt::format("[[{}]] table", join_path(path, key.name));
    }
    report(Severity::kError, table_position,
           fmt::format("{} has no {}, which is required", table_label(path), what));
  }

  void unknown_key(const KeySchema& schema, const std::string& name,
                   const toml::source_region& where, const std::string& path) {
    std::string message = fmt::format("unknown key '{}' {}", name, location_phrase(path));
    std::vector<std::string> homes;
    collect_homes(root_, "", true, &schema, name, homes);
    const KeySchema* plain =
        ends_with_file_suffix(name) ? find_key(schema, without_file_suffix(name)) : nullptr;
    if (auto near = closest_name(name, names_accepted_in(schema))) {
      message += fmt::format("; did you mean '{}'?", *near);
    } else if (plain != nullptr) {
      message +=
          fmt::format("; only secret keys can be read from a file, and {} is not one", plain->name);
    } else if (!homes.empty()) {
      message += "; " + belongs_phrase(homes);
    }
    error(where, std::move(message));
  }

  void type_error(const std::string& path, ValueKind expected, const toml::node& value,
                  bool secret) {
    std::string message = fmt::format("{} must be {}, not {}", path, describe_kind(expected),
                                      toml_type_phrase(value));
    if (!secret) {
      if (auto shown = toml_short_value(value)) message += fmt::format(" ({})", *shown);
    }
    if (expected == ValueKind::kTableArray && value.is_table()) {
      message += fmt::format("; write [[{}]] for each one", path);
    }
    error(value.source(), std::move(message));
  }

  void read_key(ConfigTable& out, const KeySchema& key, const toml::node& value,
                const std::string& path) {
    switch (key.kind) {
      case ValueKind::kTable:
        return read_sub_table(out, key, value, path);
      case ValueKind::kTableArray:
        return read_table_array(out, key, value, path);
      case ValueKind::kString:
        return read_string(out, key, value, path);
      case ValueKind::kInteger:
        if (const auto* number = value.as_integer()) {
          return keep_if_valid(out, key, ConfigValue(number->get()), value.source(), path);
        }
        return type_error(path, key.kind, value, key.secret);
      case ValueKind::kBoolean:
        if (const auto* flag = value.as_boolean()) {
          return keep_if_valid(out, key, ConfigValue(flag->get()), value.source(), path);
        }
        return type_error(path, key.kind, value, key.secret);
      case ValueKind::kStringList:
        return read_string_list(out, key, value, path);
    }
  }

  void read_sub_table(ConfigTable& out, const KeySchema& key, const toml::node& value,
                      const std::string& path) {
    if (const toml::table* table = value.as_table()) {
      out.set_table(key.name, read_table(*table, key, path, at(value.source())));
      return;
    }
    type_error(path, key.kind, value, false);
  }

  void read_table_array(ConfigTable& out, const KeySchema& key, const toml::node& value,
                        const std::string& path) {
    const toml::array* array = value.as_array();
    if (array == nullptr) return type_error(path, key.kind, value, false);
    std::vector<ConfigTable> tables;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      const std::string element_path = fmt::format("{}[{}]", path, i + 1);
      if (const toml::table* table = element.as_table()) {
        tables.push_back(read_table(*table, key, element_path, at(element.source())));
      } else {
        type_error(element_path, ValueKind::kTable, element, false);
      }
    }
    out.set_tables(key.name, std::move(tables));
  }

  void read_string(ConfigTable& out, const KeySchema& key, const toml::node& value,
                   const std::string& path) {
    const auto* text = value.as_string();
    if (text == nullptr) return type_error(path, key.kind, value, key.secret);
    auto expanded = expand(key, text->get(), value.source(), path);
    if (!expanded) return;
    if (key.secret && file_readable_by_others_ && !has_env_reference(text->get())) {
      warning(value.source(),
              fmt::format("{} is written in {}, which other users can read; give it as {}_file "
                          "or ${{NAME}}, or chmod o-r the file",
                          path, file_name_, key.name));
    }
    keep_if_valid(out, key, ConfigValue(std::move(*expanded)), value.source(), path);
  }

  void read_string_list(ConfigTable& out, const KeySchema& key, const toml::node& value,
                        const std::string& path) {
    if (value.is_string()) {
      auto expanded = expand(key, value.as_string()->get(), value.source(), path);
      if (!expanded || !valid(key, ConfigValue(*expanded), value.source(), path)) return;
      out.set_value(key.name,
                    {std::vector<std::string>{std::move(*expanded)}, at(value.source()), true});
      return;
    }
    const toml::array* array = value.as_array();
    if (array == nullptr) return type_error(path, key.kind, value, key.secret);
    std::vector<std::string> items;
    bool ok = true;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      const std::string element_path = fmt::format("{}[{}]", path, i + 1);
      if (!element.is_string()) {
        type_error(element_path, ValueKind::kString, element, key.secret);
        ok = false;
        continue;
      }
      auto expanded = expand(key, element.as_string()->get(), element.source(), element_path);
      if (!expanded || !valid(key, ConfigValue(*expanded), element.source(), element_path)) {
        ok = false;
        continue;
      }
      items.push_back(std::move(*expanded));
    }
    if (ok) out.set_value(key.name, {std::move(items), at(value.source()), true});
  }

  void read_secret_file(ConfigTable& out, const KeySchema& key, const toml::node& value,
                        const std::string& table_path) {
    const std::string file_key_path = join_path(table_path, key.name + std::string(kFileSuffix));
    const std::string value_path = join_path(table_path, key.name);
    const auto* text = value.as_string();
    if (text == nullptr) return type_error(file_key_path, ValueKind::kString, value, false);
    KeySchema path_key;  // the path itself is no secret
    auto expanded = expand(path_key, text->get(), value.source(), file_key_path);
    if (!expanded) return;
    const std::string path = resolve(*expanded);
    auto content = read_whole_file(path);
    if (!content) {
      return error(value.source(), fmt::format("{}: cannot read '{}': {}", file_key_path, path,
                                               content.error().message));
    }
    std::string secret = trim_trailing_space(std::move(*content));
    if (secret.empty()) {
      return error(value.source(), fmt::format("{}: '{}' is empty; it should hold {}",
                                               file_key_path, path, value_path));
    }
    if (readable_by_others(path)) {
      warning(value.source(),
              fmt::format("'{}' holding {} is readable by other users; chmod o-r it", path,
                          value_path));
    }
    keep_if_valid(out, key, ConfigValue(std::move(secret)), value.source(), value_path);
  }

  std::string resolve(const std::string& path) const {
    if (base_dir_.empty() || std::filesystem::path(path).is_absolute()) return path;
    return (base_dir_ / path).string();
  }

  std::optional<std::string> expand(const KeySchema& key, const std::string& text,
                                    const toml::source_region& where, const std::string& path) {
    auto expanded = expand_env(text, env_);
    if (expanded) return std::move(*expanded);
    // A malformed reference is quoted in the message; in a secret it may be part of the value.
    if (key.secret && expanded.error().code != ErrorCode::kNotFound) {
      error(where, fmt::format("{}: the value has a malformed ${{...}} reference (not shown, as "
                               "the value is secret); write $${{ for a literal '${{'",
                               path));
    } else {
      error(where, fmt::format("{}: {}", path, expanded.error().message));
    }
    return std::nullopt;
  }

  bool valid(const KeySchema& key, const ConfigValue& value, const toml::source_region& where,
             const std::string& path) {
    const auto* text = std::get_if<std::string>(&value);
    if (text != nullptr && !key.allowed.empty() &&
        std::find(key.allowed.begin(), key.allowed.end(), *text) == key.allowed.end()) {
      const std::string choices = fmt::format("{}", fmt::join(key.allowed, ", "));
      if (key.secret) {
        error(where, fmt::format("{} is not one of the allowed values: {}", path, choices));
      } else {
        error(where,
              fmt::format("{} is {}; it must be one of: {}", path, toml_quoted(*text), choices));
      }
      return false;
    }
    if (!key.check) return true;
    std::string problem = key.check(value);
    if (problem.empty()) return true;
    if (key.secret && text != nullptr) problem = without_secret(problem, *text, path);
    error(where, fmt::format("{}: {}", path, problem));
    return false;
  }

  void keep_if_valid(ConfigTable& out, const KeySchema& key, ConfigValue value,
                     const toml::source_region& where, const std::string& path) {
    if (!valid(key, value, where, path)) return;
    out.set_value(key.name, {std::move(value), at(where), true});
  }

  std::string file_name_;
  const KeySchema& root_;
  const EnvLookup& env_;
  bool file_readable_by_others_;
  std::filesystem::path base_dir_;
  std::vector<ConfigDiagnostic> diagnostics_;
};

}  // namespace

std::string ConfigDiagnostic::str() const { return fmt::format("{}: {}", where.str(), message); }

ConfigLoad load_config_text(std::string_view text, const std::string& file_name,
                            const KeySchema& root, const EnvLookup& env) {
  return Loader(file_name, root, env, false).load(text);
}

ConfigLoad load_config_file(const std::string& path, const KeySchema& root, const EnvLookup& env) {
  auto text = read_whole_file(path);
  if (!text) {
    ConfigLoad load;
    load.diagnostics.push_back(
        {Severity::kError, SourcePosition{path, 0, 0},
         fmt::format("cannot read config file '{}': {}", path, text.error().message)});
    return load;
  }
  return Loader(path, root, env, readable_by_others(path)).load(*text);
}

ConfigTable defaults_of(const KeySchema& root) {
  const EnvLookup no_env = [](const std::string&) { return std::optional<std::string>(); };
  Loader loader("", root, no_env, false);
  ConfigTable table;
  loader.fill_missing(table, root, {}, "");  // required keys have nothing to complain to
  return table;
}

}  // namespace sgwatch
