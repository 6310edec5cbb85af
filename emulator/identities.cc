#include "emulator/identities.h"

#include <date/date.h>
#include <fmt/format.h>

namespace sgwatch::emulator {
namespace {

constexpr const char* kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr const char* kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// IAM allows session names of 2-64 characters from [\w+=,.@-].
bool valid_session_name(const std::string& name) {
  if (name.size() < 2 || name.size() > 64) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_+=,.@-").find(c) !=
                                                             std::string_view::npos)) {
      return false;
    }
  }
  return true;
}

}  // namespace

Identities::Identities(const Clock& clock, uint64_t seed)
    : clock_(clock), random_(seed != 0 ? seed : std::random_device()()) {}

void Identities::add_user(const std::string& account_id, const std::string& name,
                          const std::string& access_key_id,
                          const std::string& secret_access_key, std::set<std::string> denied) {
  std::lock_guard lock(mutex_);
  Caller caller{account_id,
                "arn:aws:iam::" + account_id + ":user/" + name,
                "AIDA" + random_text(17, kUpperAlnum),
                access_key_id,
                "IAMUser",
                std::move(denied),
                ""};
  keys_[access_key_id] = Key{secret_access_key, "", std::nullopt, std::move(caller)};
}

void Identities::add_role(Role role) {
  std::lock_guard lock(mutex_);
  if (role.id.empty()) role.id = "AROA" + random_text(17, kUpperAlnum);
  std::string arn = role.arn();
  roles_[arn] = std::move(role);
}

void Identities::add_web_identity_token(const std::string& token) {
  std::lock_guard lock(mutex_);
  web_identity_tokens_.insert(token);
}

void Identities::set_instance_role(const std::string& role_arn) {
  std::lock_guard lock(mutex_);
  instance_role_arn_ = role_arn;
}

std::optional<Caller> Identities::caller_for(const std::string& access_key_id,
                                             const std::string& session_token) const {
  std::lock_guard lock(mutex_);
  auto key = keys_.find(access_key_id);
  if (key == keys_.end() || key->second.session_token != session_token) return std::nullopt;
  if (key->second.expiration && clock_.now() >= *key->second.expiration) return std::nullopt;
  return key->second.caller;
}

std::optional<std::string> Identities::secret_for(const std::string& access_key_id) const {
  std::lock_guard lock(mutex_);
  auto key = keys_.find(access_key_id);
  if (key == keys_.end()) return std::nullopt;
  return key->second.secret;
}

bool Identities::expired(const std::string& access_key_id) const {
  std::lock_guard lock(mutex_);
  auto key = keys_.find(access_key_id);
  return key != keys_.end() && key->second.expiration && clock_.now() >= *key->second.expiration;
}

void Identities::expire_sessions() {
  std::lock_guard lock(mutex_);
  const Timestamp now = clock_.now();
  for (auto& [id, key] : keys_) {
    if (key.expiration && *key.expiration > now) key.expiration = now;
  }
}

const Role* Identities::find_role(const std::string& arn) const {
  auto role = roles_.find(arn);
  return role == roles_.end() ? nullptr : &role->second;
}

tl::expected<std::pair<Credentials, Caller>, StsRefusal> Identities::assume_role(
    const Caller& caller, const std::string& role_arn, const std::string& session_name,
    const std::string& external_id, std::chrono::seconds duration) {
  std::lock_guard lock(mutex_);
  const Role* role = find_role(role_arn);
  // AWS gives one answer for a missing role, a wrong external id and a missing trust, so
  // that callers cannot probe which roles exist.
  auto denied = tl::unexpected(StsRefusal{
      403, "AccessDenied",
      fmt::format("User: {} is not authorized to perform: sts:AssumeRole on resource: {}",
                  caller.arn, role_arn)});
  if (!caller.may("sts", "AssumeRole") || role == nullptr) return denied;
  if (!role->external_id.empty() && role->external_id != external_id) return denied;
  return issue_session(*role, session_name, duration);
}

tl::expected<std::pair<Credentials, Caller>, StsRefusal>
Identities::assume_role_with_web_identity(const std::string& role_arn,
                                          const std::string& session_name,
                                          const std::string& token,
                                          std::chrono::seconds duration) {
  std::lock_guard lock(mutex_);
  if (web_identity_tokens_.count(token) == 0) {
    return tl::unexpected(StsRefusal{400, "InvalidIdentityToken",
                                     "The ID Token provided is not a valid JWT. (You may see "
                                     "this error if you sent an Access Token)"});
  }
  const Role* role = find_role(role_arn);
  if (role == nullptr) {
    return tl::unexpected(
        StsRefusal{403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"});
  }
  return issue_session(*role, session_name, duration);
}

std::optional<std::pair<Credentials, Role>> Identities::instance_credentials(
    std::chrono::seconds duration) {
  std::lock_guard lock(mutex_);
  const Role* role = find_role(instance_role_arn_);
  if (role == nullptr) return std::nullopt;
  auto issued = issue_session(*role, "i-0123456789abcdef0", duration);
  if (!issued) return std::nullopt;
  return std::make_pair(issued->first, *role);
}

// Precondition: mutex_ is held.
tl::expected<std::pair<Credentials, Caller>, StsRefusal> Identities::issue_session(
    const Role& role, const std::string& session_name, std::chrono::seconds duration) {
  if (!valid_session_name(session_name)) {
    return tl::unexpected(StsRefusal{
        400, "ValidationError",
        fmt::format("1 validation error detected: Value '{}' at 'roleSessionName' failed to "
                    "satisfy constraint: Member must satisfy regular expression pattern: "
                    "[\\w+=,.@-]*",
                    session_name)});
  }
  if (duration < std::chrono::seconds(900) || duration > std::chrono::hours(12)) {
    return tl::unexpected(StsRefusal{
        400, "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."});
  }
  Credentials credentials{"ASIA" + random_text(16, kUpperAlnum), random_text(40, kSecretAlphabet),
                          "FwoGZXIvYXdzE" + random_text(120, kSecretAlphabet),
                          clock_.now() + duration};
  Caller caller{role.account_id,
                fmt::format("arn:aws:sts::{}:assumed-role/{}/{}", role.account_id, role.name,
                            session_name),
                role.id + ":" + session_name,
                credentials.access_key_id,
                "AssumedRole",
                role.denied,
                date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(clock_.now()))};
  keys_[credentials.access_key_id] = Key{credentials.secret_access_key,
                                         credentials.session_token, credentials.expiration,
                                         caller};
  return std::make_pair(credentials, caller);
}

// Precondition: mutex_ is held.
std::string Identities::random_text(size_t length, const char* alphabet) {
  std::string_view letters(alphabet);
  std::string out(length, ' ');
  for (char& c : out) c = letters[random_() % letters.size()];
  return out;
}

}  // namespace sgwatch::emulator
