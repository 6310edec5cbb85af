#include "aws/shared_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace sgwatch {
namespace {

std::string_view trim(std::string_view text) {
  const char* blanks = " \t\r";
  size_t start = text.find_first_not_of(blanks);
  if (start == std::string_view::npos) return {};
  return text.substr(start, text.find_last_not_of(blanks) - start + 1);
}

// The profile a section header names, or nullopt for sections that are not profiles.
std::optional<std::string> profile_of(std::string_view header, bool is_config) {
  if (!is_config) return std::string(header);
  if (header == "default") return std::string(header);
  if (header.starts_with("profile ") || header.starts_with("profile\t")) {
    return std::string(trim(header.substr(8)));
  }
  return std::nullopt;
}

std::string home_file(const EnvLookup& env, const char* name) {
  return env("HOME").value_or("") + "/.aws/" + name;
}

}  // namespace

std::optional<std::string> SharedConfig::get(const std::string& profile,
                                             const std::string& key) const {
  for (const auto* source : {&credentials, &config}) {
    auto section = source->find(profile);
    if (section == source->end()) continue;
    if (auto value = section->second.find(key); value != section->second.end()) {
      return value->second;
    }
  }
  return std::nullopt;
}

bool SharedConfig::has_profile(const std::string& profile) const {
  return config.count(profile) > 0 || credentials.count(profile) > 0;
}

Result<std::map<std::string, ProfileSettings>> parse_shared_file(const std::string& text,
                                                                 const std::string& path,
                                                                 bool is_config) {
  std::map<std::string, ProfileSettings> profiles;
  ProfileSettings* current = nullptr;  // null inside a section that is not a profile
  bool in_section = false;
  std::string parent;  // a key with an empty value, whose indented lines are sub-settings
  std::istringstream lines(text);
  std::string raw;
  for (int number = 1; std::getline(lines, raw); ++number) {
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    auto where = [&] { return fmt::format("{}:{}", path, number); };
    if (line.front() == '[') {
      if (line.back() != ']') return invalid(where() + ": a section header must end with ']'");
      auto profile = profile_of(trim(line.substr(1, line.size() - 2)), is_config);
      current = profile ? &profiles[*profile] : nullptr;
      in_section = true;
      parent.clear();
      continue;
    }
    if (!in_section) return invalid(where() + ": a setting before any [section]");
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      return invalid(where() + ": expected 'name = value' or a [section]");
    }
    std::string key(trim(line.substr(0, equals)));
    std::string value(trim(line.substr(equals + 1)));
    bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (indented && !parent.empty()) {
      key = parent + "." + key;  // "s3 =\n  max_concurrent_requests = 10"
    } else {
      parent = value.empty() ? key : "";
    }
    if (current) (*current)[key] = value;
  }
  return profiles;
}

std::string config_file_path(const EnvLookup& env) {
  return env("AWS_CONFIG_FILE").value_or(home_file(env, "config"));
}

std::string credentials_file_path(const EnvLookup& env) {
  return env("AWS_SHARED_CREDENTIALS_FILE").value_or(home_file(env, "credentials"));
}

std::string selected_profile(const EnvLookup& env) {
  if (auto profile = env("AWS_PROFILE")) return *profile;
  return env("AWS_DEFAULT_PROFILE").value_or("default");
}

std::optional<std::string> configured_region(const EnvLookup& env, const SharedConfig& config,
                                             const std::string& profile) {
  if (auto region = env("AWS_REGION")) return region;
  if (auto region = env("AWS_DEFAULT_REGION")) return region;
  return config.get(profile, "region");
}

Result<SharedConfig> load_shared_config(const EnvLookup& env) {
  SharedConfig loaded;
  for (bool is_config : {true, false}) {
    const std::string path = is_config ? config_file_path(env) : credentials_file_path(env);
    std::ifstream in(path);
    if (!in) {
      if (errno == ENOENT) continue;
      return fail(ErrorCode::kIo, fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
    }
    std::stringstream text;
    text << in.rdbuf();
    auto profiles = parse_shared_file(text.str(), path, is_config);
    if (!profiles) return tl::unexpected(profiles.error());
    (is_config ? loaded.config : loaded.credentials) = std::move(*profiles);
  }
  return loaded;
}

}  // namespace sgwatch
