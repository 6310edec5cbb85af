#include "config/env_expansion.h"

#include <fmt/format.h>

namespace sgwatch {
namespace {

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_valid_name(std::string_view name) {
  if (name.empty() || !is_name_start(name.front())) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

struct Reference {
  std::string_view name;
  std::optional<std::string_view> fallback;
};

// Reads the reference whose "${" is at `start`; `end` is set past its "}".
Result<Reference> read_reference(std::string_view text, std::size_t start, std::size_t& end) {
  const std::size_t close = text.find('}', start + 2);
  if (close == std::string_view::npos) {
    return invalid(
        fmt::format("'${{' at character {} has no closing '}}' (write $${{ for a "
                    "literal '${{')",
                    start + 1));
  }
  end = close + 1;
  std::string_view inside = text.substr(start + 2, close - start - 2);
  Reference reference{inside, std::nullopt};
  if (std::size_t dash = inside.find(":-"); dash != std::string_view::npos) {
    reference.name = inside.substr(0, dash);
    reference.fallback = inside.substr(dash + 2);
  }
  if (reference.name.empty()) {
    return invalid("'${}' names no environment variable; write ${NAME} or ${NAME:-fallback}");
  }
  if (!is_valid_name(reference.name)) {
    return invalid(fmt::format(
        "'{}' in ${{...}} is not an environment variable name (letters, digits and _, not "
        "starting with a digit)",
        reference.name));
  }
  return reference;
}

bool starts_escape(std::string_view text, std::size_t i) { return text.compare(i, 3, "$${") == 0; }

bool starts_reference(std::string_view text, std::size_t i) {
  return text.compare(i, 2, "${") == 0;
}

}  // namespace

Result<std::string> expand_env(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (starts_escape(text, i)) {
      out += "${";
      i += 3;
    } else if (starts_reference(text, i)) {
      std::size_t end = 0;
      auto reference = read_reference(text, i, end);
      if (!reference) return tl::unexpected(reference.error());
      const std::string name(reference->name);
      if (auto value = env(name)) {
        out += *value;
      } else if (reference->fallback) {
        out += *reference->fallback;
      } else {
        return fail(ErrorCode::kNotFound, fmt::format("environment variable {} is not set", name));
      }
      i = end;
    } else {
      out += text[i];
      ++i;
    }
  }
  return out;
}

bool has_env_reference(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (starts_escape(text, i)) {
      i += 2;
    } else if (starts_reference(text, i)) {
      return true;
    }
  }
  return false;
}

}  // namespace sgwatch
