// The AWS shared configuration files as the AWS CLI reads them: ~/.aws/config
// ([default], [profile NAME]) and ~/.aws/credentials ([NAME]), their locations
// (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE), the selected profile (AWS_PROFILE) and
// the region (AWS_REGION, AWS_DEFAULT_REGION, the profile's region).
//
// The files are INI-like but not INI: values keep '#' and ';' (no inline comments) and
// may be very long (session tokens), and a key with an empty value may open indented
// sub-settings. Debian's inih truncates lines at 200 bytes and strips inline comments, so
// the reader here follows botocore's rules instead.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "aws/endpoints.h"
#include "core/error.h"

namespace sgwatch {

using ProfileSettings = std::map<std::string, std::string>;

struct SharedConfig {
  std::map<std::string, ProfileSettings> config;       // by profile name, from the config file
  std::map<std::string, ProfileSettings> credentials;  // by profile name, from the credentials file

  // The setting from the credentials file, else from the config file.
  std::optional<std::string> get(const std::string& profile, const std::string& key) const;
  bool has_profile(const std::string& profile) const;
};

// Parses one file's text. `is_config` selects the config file's section names
// ("profile NAME", "default"); other sections of the config file (sso-session, services)
// are skipped. Errors name the file and line.
Result<std::map<std::string, ProfileSettings>> parse_shared_file(const std::string& text,
                                                                 const std::string& path,
                                                                 bool is_config);

// Reads both files from their locations; a missing file is empty, an unreadable one an
// error.
Result<SharedConfig> load_shared_config(const EnvLookup& env);

std::string config_file_path(const EnvLookup& env);
std::string credentials_file_path(const EnvLookup& env);
// AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
std::string selected_profile(const EnvLookup& env);
// AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region.
std::optional<std::string> configured_region(const EnvLookup& env, const SharedConfig& config,
                                             const std::string& profile);

}  // namespace sgwatch
