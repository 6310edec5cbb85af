#include "aws/endpoints.h"

#include <algorithm>
#include <cctype>

namespace sgwatch {
namespace {

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// The host prefix of each service's standard endpoint, where it differs from the id.
std::string_view host_prefix(std::string_view service) {
  if (service == "ses") return "email";
  return service;
}

}  // namespace

std::string service_endpoint(std::string_view service, std::string_view region,
                             const EnvLookup& env) {
  auto ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  if (!ignore || !equals_ignoring_case(*ignore, "true")) {
    // The SDKs' rule: the service id upper-cased, spaces and dashes as underscores.
    std::string name = "AWS_ENDPOINT_URL_";
    // AWS Config's service id is "Config Service", though its endpoint id is "config".
    for (char c : service == "config" ? std::string_view("config service") : service) {
      name += (c == ' ' || c == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (auto specific = env(name)) return without_trailing_slash(*specific);
    if (auto general = env("AWS_ENDPOINT_URL")) return without_trailing_slash(*general);
  }
  std::string suffix = region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  return "https://" + std::string(host_prefix(service)) + "." + std::string(region) + suffix;
}

std::string imds_endpoint(const EnvLookup& env) {
  if (auto configured = env("AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
    return without_trailing_slash(*configured);
  }
  auto mode = env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
  if (mode && equals_ignoring_case(*mode, "IPv6")) return "http://[fd00:ec2::254]";
  return "http://169.254.169.254";
}

}  // namespace sgwatch
