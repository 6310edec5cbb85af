// The two credential sources an instance or a container has besides the environment:
// IMDSv2 (a token from PUT /latest/api/token, then the role's credentials) and the
// container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI, with an
// Authorization token). Credentials come from Identities' instance role and expire after
// the configured lifetime, so refresh can be tested.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.h"
#include "emulator/http_types.h"
#include "emulator/identities.h"

namespace sgwatch::emulator {

class CredentialEndpoints {
 public:
  CredentialEndpoints(Identities& identities, const Clock& clock, std::string region);

  // How long handed-out credentials last (default six hours, as on EC2).
  void set_credentials_lifetime(std::chrono::seconds lifetime);
  // The token the container endpoint demands in Authorization; empty accepts none.
  void set_container_token(const std::string& token);

  // Answers requests under /latest/ (IMDS) and /container/ (container endpoint); nullopt
  // for any other path.
  std::optional<Response> handle(const Request& request);

 private:
  Response imds(const Request& request);
  Response container(const Request& request);

  Identities& identities_;
  const Clock& clock_;
  const std::string region_;
  std::mutex mutex_;
  std::chrono::seconds lifetime_{6 * 3600};
  std::string container_token_;
  std::map<std::string, Timestamp> imds_tokens_;  // token -> expiry
  uint64_t token_counter_ = 0;
};

}  // namespace sgwatch::emulator
