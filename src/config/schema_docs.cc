#include "config/schema_docs.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "config/toml_display.h"

namespace sgwatch {
namespace {

constexpr std::size_t kTextWidth = 78;
constexpr std::string_view kTextIndent = "    ";

bool is_table(const KeySchema& key) {
  return key.kind == ValueKind::kTable || key.kind == ValueKind::kTableArray;
}

// The type as a docs column reads it.
std::string type_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::kString:
      return "string";
    case ValueKind::kInteger:
      return "integer";
    case ValueKind::kBoolean:
      return "boolean";
    case ValueKind::kStringList:
      return "list of strings";
    case ValueKind::kTable:
      return "table";
    case ValueKind::kTableArray:
      return "array of tables";
  }
  return "value";
}

// The type as a program reads it.
std::string type_id(ValueKind kind) {
  switch (kind) {
    case ValueKind::kString:
      return "string";
    case ValueKind::kInteger:
      return "integer";
    case ValueKind::kBoolean:
      return "boolean";
    case ValueKind::kStringList:
      return "string_list";
    case ValueKind::kTable:
      return "table";
    case ValueKind::kTableArray:
      return "table_array";
  }
  return "value";
}

// A key's dotted name as `config schema` shows it: `watch.interval`, `accounts[].name`.
std::string child_path(const std::string& parent, const KeySchema& key) {
  std::string name = parent.empty() ? key.name : parent + "." + key.name;
  if (key.kind == ValueKind::kTableArray) name += "[]";
  return name;
}

// Visits keys in reading order: a table's own values first, then its tables, depth first,
// so each table's keys stay together.
template <typename Visit>
void walk(const KeySchema& table, const std::string& path, Visit& visit) {
  for (const KeySchema& key : table.keys) {
    if (!is_table(key)) visit(key, child_path(path, key));
  }
  for (const KeySchema& key : table.keys) {
    if (!is_table(key)) continue;
    visit(key, child_path(path, key));
    walk(key, child_path(path, key), visit);
  }
}

std::string allowed_sentence(const KeySchema& key, bool code) {
  if (key.allowed.empty()) return "";
  std::vector<std::string> shown;
  for (const std::string& value : key.allowed) shown.push_back(code ? "`" + value + "`" : value);
  return fmt::format("One of: {}.", fmt::join(shown, ", "));
}

std::string secret_sentence(const KeySchema& key) {
  if (!key.secret) return "";
  return fmt::format("Secret: may be given as `{}_file`.", key.name);
}

// Word-wraps `text` into lines of kTextWidth, each starting with the indent.
std::string wrapped(const std::string& text) {
  std::string out;
  std::string line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (!line.empty() && kTextIndent.size() + line.size() + 1 + word.size() > kTextWidth) {
      out += std::string(kTextIndent) + line + "\n";
      line.clear();
    }
    line += line.empty() ? word : " " + word;
  }
  if (!line.empty()) out += std::string(kTextIndent) + line + "\n";
  return out;
}

std::string text_details(const KeySchema& key) {
  std::vector<std::string> parts = {type_name(key.kind)};
  if (key.required) parts.push_back("required");
  if (key.default_value) parts.push_back("default: " + toml_literal(*key.default_value));
  if (key.secret) parts.push_back("secret, or " + key.name + "_file");
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string sentences(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += ' ';
    out += part;
  }
  return out;
}

std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string markdown_row(const KeySchema& key) {
  const std::string default_text =
      key.default_value ? "`" + toml_literal(*key.default_value) + "`" : "";
  const std::string description =
      sentences({key.description, allowed_sentence(key, true), key.required ? "Required." : "",
                 secret_sentence(key)});
  return fmt::format("| `{}` | {} | {} | {} |\n", key.name, type_name(key.kind), cell(default_text),
                     cell(description));
}

std::string markdown_keys(const KeySchema& table) {
  std::string out;
  for (const KeySchema& key : table.keys) {
    if (!is_table(key)) out += markdown_row(key);
  }
  if (out.empty()) return "";
  return "| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n" + out;
}

std::string header_of(const KeySchema& table, const std::string& dotted) {
  return table.kind == ValueKind::kTableArray ? "[[" + dotted + "]]" : "[" + dotted + "]";
}

void markdown_sections(const KeySchema& table, const std::string& dotted, std::string& out) {
  for (const KeySchema& key : table.keys) {
    if (!is_table(key)) continue;
    const std::string name = dotted.empty() ? key.name : dotted + "." + key.name;
    out += fmt::format("\n## {}\n\n", header_of(key, name));
    std::string about = key.description;
    if (key.required) about = sentences({about, "Required."});
    if (!about.empty()) out += cell(about) + "\n";
    const std::string keys = markdown_keys(key);
    if (!keys.empty()) out += (about.empty() ? "" : "\n") + keys;
    markdown_sections(key, name, out);
  }
}

constexpr std::string_view kMarkdownIntro =
    "sgwatch reads its settings from a [TOML](https://toml.io) file: "
    "the one given with `--config`, else `$SGWATCH_CONFIG`, else `/etc/sgwatch/sgwatch.toml` "
    "when it exists. Command-line flags override what the file says, and keys the file "
    "leaves out take the defaults below. `sgwatch validate` checks the file and what it "
    "points at; a command started with a wrong file stops at once with exit code 78.\n"
    "\n"
    "In any string value, `${NAME}` is replaced with the environment variable `NAME` (an "
    "error when it is unset or empty), `${NAME:-fallback}` gives `fallback` when it is, and "
    "`$${` writes a literal `${`. A secret key may instead be given as `<key>_file`: the "
    "path of a file holding the value, trailing whitespace removed (a relative path is taken "
    "from the config file's directory). sgwatch warns when such a file, or a config file "
    "with a secret written in it, can be read by other users.\n"
    "\n"
    "This page is generated by `sgwatch config schema --format markdown`; do not edit it by "
    "hand.\n";

}  // namespace

std::string schema_text(const KeySchema& root) {
  std::string out;
  auto visit = [&](const KeySchema& key, const std::string& path) {
    if (!out.empty()) out += "\n";
    out += fmt::format("{}  ({})\n", path, text_details(key));
    out += wrapped(sentences({key.description, allowed_sentence(key, false)}));
  };
  walk(root, "", visit);
  return out;
}

std::string schema_markdown(const KeySchema& root) {
  std::string out = "# Configuration reference\n\n";
  out += kMarkdownIntro;
  const std::string top = markdown_keys(root);
  if (!top.empty()) out += "\n## Top level\n\n" + top;
  markdown_sections(root, "", out);
  return out;
}

nlohmann::json schema_json(const KeySchema& root) {
  nlohmann::json keys = nlohmann::json::array();
  auto visit = [&](const KeySchema& key, const std::string& path) {
    nlohmann::json entry;
    entry["key"] = path;
    entry["type"] = type_id(key.kind);
    entry["default"] = nullptr;
    if (key.default_value) {
      std::visit([&](const auto& value) { entry["default"] = value; }, *key.default_value);
    }
    entry["required"] = key.required;
    entry["secret"] = key.secret;
    entry["allowed"] = key.allowed;
    entry["description"] = key.description;
    keys.push_back(std::move(entry));
  };
  walk(root, "", visit);
  return keys;
}

}  // namespace sgwatch
