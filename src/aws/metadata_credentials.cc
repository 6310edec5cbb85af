#include "aws/metadata_credentials.h"

#include <fstream>
#include <memory>
#include <sstream>

#include <curl/curl.h>
#include <simdjson.h>

#include "core/time_format.h"

namespace sgwatch {
namespace {

// The container endpoint gets an authorization token: over plain http it may only go to
// this machine or to the link-local hosts ECS and EKS Pod Identity serve credentials on,
// as the AWS SDKs require.
Status check_container_uri(const std::string& uri) {
  std::unique_ptr<CURLU, void (*)(CURLU*)> url(curl_url(), curl_url_cleanup);
  char* scheme = nullptr;
  char* host = nullptr;
  const bool parsed =
      url && curl_url_set(url.get(), CURLUPART_URL, uri.c_str(), 0) == CURLUE_OK &&
      curl_url_get(url.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      curl_url_get(url.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK;
  const std::string scheme_text = scheme ? scheme : "";
  std::string host_text = host ? host : "";
  curl_free(scheme);
  curl_free(host);
  if (!parsed) return invalid("AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL");
  if (scheme_text == "https") return {};
  if (scheme_text != "http") {
    return invalid("AWS_CONTAINER_CREDENTIALS_FULL_URI must be an http or https URL");
  }
  if (host_text.size() > 2 && host_text.front() == '[') host_text = host_text.substr(1, host_text.size() - 2);
  const bool loopback = host_text == "localhost" || host_text.starts_with("127.") ||
                        host_text == "::1";
  const bool container_host = host_text == "169.254.170.2" || host_text == "169.254.170.23" ||
                              host_text == "fd00:ec2::23";
  if (loopback || container_host) return {};
  return invalid("AWS_CONTAINER_CREDENTIALS_FULL_URI uses http to '" + host_text +
                 "'; plain http is allowed only to a loopback address or the container "
                 "credentials hosts 169.254.170.2, 169.254.170.23 and fd00:ec2::23, "
                 "otherwise use https");
}

constexpr const char* kEcsHost = "http://169.254.170.2";
constexpr const char* kImdsTokenTtl = "21600";

// The endpoints answer a request they cannot serve with a status, not with credentials;
// a transport failure means the endpoint is not there at all.
Result<HttpResponse> fetch(HttpTransport& transport, HttpRequest request, const std::string& what) {
  auto response = transport.send(request);
  if (!response) return fail(ErrorCode::kNotFound, what + " did not answer: " + response.error().message);
  if (response->status != 200) {
    return fail(ErrorCode::kIo, what + " answered HTTP " + std::to_string(response->status));
  }
  return std::move(*response);
}

}  // namespace

Result<AwsCredentials> parse_metadata_credentials(const std::string& body, const std::string& source) {
  simdjson::dom::parser parser;
  simdjson::dom::object doc;
  if (parser.parse(body).get_object().get(doc) != simdjson::SUCCESS) {
    return invalid(source + " returned a document that is not JSON");
  }
  std::string_view code;
  if (doc["Code"].get_string().get(code) == simdjson::SUCCESS && code != "Success") {
    return fail(ErrorCode::kIo, source + " refused: " + std::string(code));
  }
  AwsCredentials credentials;
  std::string_view text;
  for (auto [key, target] : {std::pair{"AccessKeyId", &credentials.access_key_id},
                             std::pair{"SecretAccessKey", &credentials.secret_access_key},
                             std::pair{"Token", &credentials.session_token}}) {
    if (doc[key].get_string().get(text) != simdjson::SUCCESS || text.empty()) {
      return invalid(source + " returned no " + key);
    }
    *target = std::string(text);
  }
  if (doc["Expiration"].get_string().get(text) != simdjson::SUCCESS) {
    return invalid(source + " returned no Expiration");
  }
  auto expiration = parse_time(text);
  if (!expiration) return invalid(source + " returned an unreadable Expiration");
  credentials.expiration = *expiration;
  return credentials;
}

Result<AwsCredentials> ContainerCredentials::credentials() {
  HttpRequest request;
  if (auto relative = env_("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    request.url = kEcsHost + *relative;
  } else if (auto full = env_("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    if (auto allowed = check_container_uri(*full); !allowed) return tl::unexpected(allowed.error());
    request.url = *full;
  } else {
    return fail(ErrorCode::kNotFound, "no container credentials endpoint is configured");
  }
  if (auto token_file = env_("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    std::ifstream in(*token_file);
    if (!in) return fail(ErrorCode::kIo, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE '" + *token_file + "'");
    std::stringstream token;
    token << in.rdbuf();
    std::string text = token.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    request.set_header("Authorization", text);
  } else if (auto token = env_("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
    request.set_header("Authorization", *token);
  }
  auto response = fetch(transport_, request, "the container credentials endpoint");
  if (!response) {
    // Configured but unreachable is an error, not "nothing configured".
    return fail(ErrorCode::kIo, response.error().message);
  }
  return parse_metadata_credentials(response->body, "the container credentials endpoint");
}

Result<AwsCredentials> InstanceMetadataCredentials::credentials() {
  if (auto disabled = env_("AWS_EC2_METADATA_DISABLED"); disabled && *disabled == "true") {
    return fail(ErrorCode::kNotFound, "instance metadata is disabled (AWS_EC2_METADATA_DISABLED)");
  }
  const std::string base = imds_endpoint(env_);
  HttpRequest token_request{"PUT", base + "/latest/api/token", {}, ""};
  token_request.set_header("X-aws-ec2-metadata-token-ttl-seconds", kImdsTokenTtl);
  auto token = fetch(transport_, token_request, "instance metadata");
  if (!token) return tl::unexpected(token.error());

  HttpRequest role_request{"GET", base + "/latest/meta-data/iam/security-credentials/", {}, ""};
  role_request.set_header("X-aws-ec2-metadata-token", token->body);
  auto role = fetch(transport_, role_request, "instance metadata");
  if (!role) return tl::unexpected(role.error());
  std::string role_name = role->body.substr(0, role->body.find('\n'));
  if (role_name.empty()) return fail(ErrorCode::kNotFound, "the instance has no IAM role");

  HttpRequest credentials_request = role_request;
  credentials_request.url += role_name;
  auto credentials = fetch(transport_, credentials_request, "instance metadata");
  if (!credentials) return tl::unexpected(credentials.error());
  return parse_metadata_credentials(credentials->body, "instance metadata role " + role_name);
}

}  // namespace sgwatch
