// The AWS credentials a request is signed with, wherever they came from (environment,
// shared files, instance or container metadata, STS).
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"

namespace sgwatch {

// Holds secrets: never log, print or put any field but access_key_id into a message.
struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;             // empty for long-term keys
  std::optional<Timestamp> expiration;  // set for temporary credentials
};

}  // namespace sgwatch
