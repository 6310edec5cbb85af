#include "app/sns_checks.h"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "aws/loopback.h"
#include "sources/sns_verifier.h"

namespace sgwatch {

void check_sns_endpoint(const SnsSettings& settings, const EnvLookup& env, Checklist& checklist) {
  if (!settings.enabled) return;
  const std::string subject = "sns endpoint";
  const SnsEndpointOptions& endpoint = settings.endpoint;
  const bool tls = !endpoint.tls_certificate_file.empty();
  const std::string address = fmt::format("{}:{}{}", endpoint.host, endpoint.port, endpoint.path);
  const std::string topics = fmt::format("{}", fmt::join(*settings.verify.allowed_topics, ", "));

  auto trusted = test_only_trusted_cert_url(env);
  if (!trusted) {
    checklist.fail(subject, trusted.error().message);
  } else if (!trusted->empty()) {
    checklist.warn(subject, "SGWATCH_TEST_ONLY_TRUST_SNS_CERT_URL is set: signatures made with "
                            "the certificate at " + *trusted + " are trusted; unset it outside tests");
  }
  if (tls) {
    for (const std::string& file : {endpoint.tls_certificate_file, endpoint.tls_key_file}) {
      if (access(file.c_str(), R_OK) != 0) {
        checklist.fail(subject, "cannot read '" + file + "' (sns.tls_certificate / tls_key)");
        return;
      }
    }
  }
  if (!tls && !is_loopback_host(endpoint.host)) {
    checklist.warn(subject, "serves plain HTTP on " + address +
                                ", beyond this machine: put a TLS reverse proxy in front, or "
                                "set tls_certificate and tls_key");
  } else {
    checklist.ok(subject, fmt::format("{}://{} accepts the topics {}", tls ? "https" : "http",
                                      address, topics));
  }

  std::error_code error;
  const std::filesystem::path dir = settings.certificate_dir;
  if (!std::filesystem::exists(dir, error)) {
    checklist.ok("sns certificates", dir.string() + " will be created at the first message");
    return;
  }
  if (!std::filesystem::is_directory(dir, error) || access(dir.c_str(), W_OK | X_OK) != 0) {
    checklist.fail("sns certificates", dir.string() + " is not a writable directory");
    return;
  }
  int certificates = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".pem") ++certificates;
  }
  checklist.ok("sns certificates",
               fmt::format("{} holds {} signing certificate(s)", dir.string(), certificates));
}

}  // namespace sgwatch
