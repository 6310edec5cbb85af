// Points the process environment at an emulator, as the AWS SDKs and sgwatch read it, with
// nothing of the machine's own AWS or sgwatch configuration leaking in: shared config
// files in the test's directory, no profile, no instance metadata, no retries, and an
// empty sgwatch config file.
#pragma once

#include <fstream>
#include <optional>
#include <string>

#include "scoped_env.h"
#include "temp_dir.h"

namespace sgwatch::testing {

struct EmulatorIdentity {
  std::string access_key_id;
  std::string secret_access_key;
};

inline void use_emulator(ScopedEnv& env, const std::string& endpoint, const TempDir& dir,
                         const EmulatorIdentity& identity, std::optional<std::string> region) {
  env.set("AWS_ENDPOINT_URL", endpoint);
  env.set("AWS_ACCESS_KEY_ID", identity.access_key_id);
  env.set("AWS_SECRET_ACCESS_KEY", identity.secret_access_key);
  env.set("AWS_SESSION_TOKEN", std::nullopt);
  env.set("AWS_PROFILE", std::nullopt);
  env.set("AWS_REGION", region);
  env.set("AWS_DEFAULT_REGION", std::nullopt);
  env.set("AWS_CONFIG_FILE", dir.file("config"));
  env.set("AWS_SHARED_CREDENTIALS_FILE", dir.file("credentials"));
  env.set("AWS_EC2_METADATA_DISABLED", "true");
  env.set("AWS_MAX_ATTEMPTS", "1");  // a failed call fails at once: no backoff sleeps
  const std::string config = dir.file("sgwatch-empty.toml");
  std::ofstream{config};
  env.set("SGWATCH_CONFIG", config);
}

}  // namespace sgwatch::testing
