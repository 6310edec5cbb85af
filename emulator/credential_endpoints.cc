#include "emulator/credential_endpoints.h"

#include <charconv>

#include <date/date.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sgwatch::emulator {
namespace {

constexpr std::string_view kImdsPrefix = "/latest/";
constexpr std::string_view kContainerPrefix = "/container/";
constexpr std::string_view kCredentialsPath = "/latest/meta-data/iam/security-credentials/";

Response text(int status, std::string body) {
  return Response{status, "text/plain", std::move(body), {}};
}

std::string iso8601(Timestamp t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(t));
}

}  // namespace

CredentialEndpoints::CredentialEndpoints(Identities& identities, const Clock& clock,
                                         std::string region)
    : identities_(identities), clock_(clock), region_(std::move(region)) {}

void CredentialEndpoints::set_credentials_lifetime(std::chrono::seconds lifetime) {
  std::lock_guard lock(mutex_);
  lifetime_ = lifetime;
}

void CredentialEndpoints::set_container_token(const std::string& token) {
  std::lock_guard lock(mutex_);
  container_token_ = token;
}

std::optional<Response> CredentialEndpoints::handle(const Request& request) {
  if (request.path.starts_with(kImdsPrefix)) return imds(request);
  if (request.path.starts_with(kContainerPrefix)) return container(request);
  return std::nullopt;
}

Response CredentialEndpoints::imds(const Request& request) {
  std::lock_guard lock(mutex_);
  if (request.path == "/latest/api/token") {
    if (request.method != "PUT") return text(405, "");
    std::string ttl_text = request.header("X-aws-ec2-metadata-token-ttl-seconds");
    int ttl = 0;
    auto [end, ec] = std::from_chars(ttl_text.data(), ttl_text.data() + ttl_text.size(), ttl);
    if (ttl_text.empty() || ec != std::errc() || end != ttl_text.data() + ttl_text.size() ||
        ttl < 1 || ttl > 21600) {
      return text(400, "");
    }
    std::string token = fmt::format("imds-token-{:016x}", ++token_counter_);
    imds_tokens_[token] = clock_.now() + std::chrono::seconds(ttl);
    return text(200, token);
  }
  // IMDSv2 only: every other request needs a live session token, as on an instance that
  // requires tokens (HttpTokens=required).
  auto token = imds_tokens_.find(request.header("X-aws-ec2-metadata-token"));
  if (token == imds_tokens_.end() || clock_.now() >= token->second) return text(401, "");
  if (request.method != "GET") return text(405, "");

  if (request.path == "/latest/meta-data/placement/region") return text(200, region_);
  if (request.path.starts_with(kCredentialsPath)) {
    std::string role = request.path.substr(kCredentialsPath.size());
    auto issued = identities_.instance_credentials(lifetime_);
    if (!issued) return text(404, "");
    if (role.empty()) return text(200, issued->second.name);
    if (role != issued->second.name) return text(404, "");
    nlohmann::json body = {{"Code", "Success"},
                           {"LastUpdated", iso8601(clock_.now())},
                           {"Type", "AWS-HMAC"},
                           {"AccessKeyId", issued->first.access_key_id},
                           {"SecretAccessKey", issued->first.secret_access_key},
                           {"Token", issued->first.session_token},
                           {"Expiration", iso8601(*issued->first.expiration)}};
    return Response{200, "text/plain", body.dump(2), {}};
  }
  return text(404, "");
}

Response CredentialEndpoints::container(const Request& request) {
  std::lock_guard lock(mutex_);
  if (request.method != "GET") return text(405, "");
  if (!container_token_.empty() && request.header("Authorization") != container_token_) {
    return Response{403, "application/json",
                    R"({"code":"AccessDenied","message":"Authorization token is not valid"})",
                    {}};
  }
  auto issued = identities_.instance_credentials(lifetime_);
  if (!issued) return text(404, "");
  nlohmann::json body = {{"AccessKeyId", issued->first.access_key_id},
                         {"SecretAccessKey", issued->first.secret_access_key},
                         {"Token", issued->first.session_token},
                         {"Expiration", iso8601(*issued->first.expiration)},
                         {"RoleArn", issued->second.arn()}};
  return Response{200, "application/json", body.dump(), {}};
}

}  // namespace sgwatch::emulator
