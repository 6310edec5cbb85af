#include "aws/sts_client.h"

#include <pugixml.hpp>

#include "core/time_format.h"

namespace sgwatch {
namespace {

constexpr const char* kVersion = "2011-06-15";

std::vector<std::pair<std::string, std::string>> role_params(const AssumeRoleRequest& request) {
  std::vector<std::pair<std::string, std::string>> params = {
      {"RoleArn", request.role_arn},
      {"RoleSessionName", request.session_name},
      {"DurationSeconds", std::to_string(request.duration.count())}};
  if (!request.external_id.empty()) params.emplace_back("ExternalId", request.external_id);
  return params;
}

}  // namespace

Result<AwsCredentials> parse_sts_credentials(const std::string& xml, const std::string& action) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return invalid("the " + action + " response is not XML");
  pugi::xml_node node =
      doc.child((action + "Response").c_str()).child((action + "Result").c_str()).child("Credentials");
  AwsCredentials credentials{node.child("AccessKeyId").text().as_string(),
                             node.child("SecretAccessKey").text().as_string(),
                             node.child("SessionToken").text().as_string(), std::nullopt};
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty() ||
      credentials.session_token.empty()) {
    return invalid("the " + action + " response holds no complete credentials");
  }
  auto expiration = parse_time(node.child("Expiration").text().as_string());
  if (!expiration) return invalid("the " + action + " response has no readable Expiration");
  credentials.expiration = *expiration;
  return credentials;
}

Result<AwsCredentials> StsClient::assume_role(const AwsCredentials& caller,
                                              const AssumeRoleRequest& request) {
  auto body = client_.call({"sts", region_, "AssumeRole", kVersion, role_params(request)}, &caller);
  if (!body) return tl::unexpected(body.error());
  return parse_sts_credentials(*body, "AssumeRole");
}

Result<AwsCredentials> StsClient::assume_role_with_web_identity(const AssumeRoleRequest& request,
                                                                const std::string& token) {
  auto params = role_params(request);
  params.emplace_back("WebIdentityToken", token);
  auto body = client_.call({"sts", region_, "AssumeRoleWithWebIdentity", kVersion, params}, nullptr);
  if (!body) return tl::unexpected(body.error());
  return parse_sts_credentials(*body, "AssumeRoleWithWebIdentity");
}

Result<CallerIdentity> StsClient::get_caller_identity(const AwsCredentials& caller) {
  auto body = client_.call({"sts", region_, "GetCallerIdentity", kVersion, {}}, &caller);
  if (!body) return tl::unexpected(body.error());
  pugi::xml_document doc;
  if (!doc.load_buffer(body->data(), body->size())) return invalid("the GetCallerIdentity response is not XML");
  pugi::xml_node result = doc.child("GetCallerIdentityResponse").child("GetCallerIdentityResult");
  CallerIdentity identity{result.child("Account").text().as_string(),
                          result.child("Arn").text().as_string(),
                          result.child("UserId").text().as_string()};
  if (identity.account.empty() || identity.arn.empty()) {
    return invalid("the GetCallerIdentity response names no account");
  }
  return identity;
}

}  // namespace sgwatch
