// The emulator's IAM, reduced to what sgwatch's credential chain meets: users with
// long-term access keys, roles that can be assumed (with an external id, or through a web
// identity token), and the temporary credentials those produce, which expire.
//
// Thread-safe: the server calls it from several threads.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>

#include <tl/expected.hpp>

#include "core/clock.h"
#include "emulator/caller.h"

namespace sgwatch::emulator {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::optional<Timestamp> expiration;
};

struct Role {
  std::string account_id;
  std::string name;
  std::string external_id;  // required from callers when not empty
  std::string id;           // AROA..., stable for the role; made by add_role when empty
  std::set<std::string> denied;
  std::string arn() const { return "arn:aws:iam::" + account_id + ":role/" + name; }
};

// Why a request for credentials was refused, as STS would say it.
struct StsRefusal {
  int status;
  std::string code;
  std::string message;
};

class Identities {
 public:
  explicit Identities(const Clock& clock, uint64_t seed = 0);

  void add_user(const std::string& account_id, const std::string& name,
                const std::string& access_key_id, const std::string& secret_access_key,
                std::set<std::string> denied = {});
  void add_role(Role role);
  // Accepted by AssumeRoleWithWebIdentity; any other token is refused.
  void add_web_identity_token(const std::string& token);
  // The role whose credentials IMDS and the container endpoint hand out.
  void set_instance_role(const std::string& role_arn);

  // The caller behind `access_key_id`, if the key exists, has not expired, and
  // `session_token` matches the one issued with it (empty for long-term keys).
  std::optional<Caller> caller_for(const std::string& access_key_id,
                                   const std::string& session_token) const;
  std::optional<std::string> secret_for(const std::string& access_key_id) const;
  // True when the key is known but its session has expired (STS and EC2 say so apart).
  bool expired(const std::string& access_key_id) const;
  // Ends every temporary session now, as revoking a role's sessions does, so that callers
  // holding unexpired-looking credentials are refused and must fetch new ones.
  void expire_sessions();

  tl::expected<std::pair<Credentials, Caller>, StsRefusal> assume_role(
      const Caller& caller, const std::string& role_arn, const std::string& session_name,
      const std::string& external_id, std::chrono::seconds duration);
  tl::expected<std::pair<Credentials, Caller>, StsRefusal> assume_role_with_web_identity(
      const std::string& role_arn, const std::string& session_name, const std::string& token,
      std::chrono::seconds duration);
  // Fresh credentials of the instance role; nullopt when none is set.
  std::optional<std::pair<Credentials, Role>> instance_credentials(
      std::chrono::seconds duration);

 private:
  struct Key {
    std::string secret;
    std::string session_token;
    std::optional<Timestamp> expiration;
    Caller caller;
  };
  tl::expected<std::pair<Credentials, Caller>, StsRefusal> issue_session(
      const Role& role, const std::string& session_name, std::chrono::seconds duration);
  std::string random_text(size_t length, const char* alphabet);
  const Role* find_role(const std::string& arn) const;

  const Clock& clock_;
  mutable std::mutex mutex_;
  std::mt19937_64 random_;
  std::map<std::string, Key> keys_;
  std::map<std::string, Role> roles_;  // by ARN
  std::set<std::string> web_identity_tokens_;
  std::string instance_role_arn_;
};

}  // namespace sgwatch::emulator
