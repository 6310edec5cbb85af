#include "sources/sns_verifier.h"

#include <fnmatch.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "aws/loopback.h"
#include "core/duration.h"
#include "core/time_format.h"
#include "sources/sns_signature.h"

namespace sgwatch {
namespace {

bool topic_allowed(const std::vector<std::string>& globs, const std::string& topic) {
  for (const std::string& glob : globs) {
    if (fnmatch(glob.c_str(), topic.c_str(), 0) == 0) return true;
  }
  return false;
}

}  // namespace

SnsVerifier::SnsVerifier(SnsVerifyOptions options, SnsCertificates& certificates)
    : options_(std::move(options)), certificates_(certificates) {}

Result<SnsVerified> SnsVerifier::verify(const SnsMessage& message, Timestamp now) const {
  auto failed = [&](const char* check, const Error& why) {
    return tl::unexpected(Error{why.code, fmt::format("SNS message {} from {} failed the {} "
                                                      "check: {}",
                                                      message.message_id, message.topic_arn,
                                                      check, why.message)});
  };
  auto failed_text = [&](const char* check, std::string why) {
    return failed(check, Error{ErrorCode::kInvalidInput, std::move(why)});
  };

  auto algorithm = sns_signature_algorithm(message.signature_version);
  if (!algorithm) return failed("signature version", algorithm.error());

  if (options_.allowed_topics && !topic_allowed(*options_.allowed_topics, message.topic_arn)) {
    return failed_text("topic", "the topic is not one of the allowed topics");
  }

  const bool test_only_trusted = !options_.test_only_trusted_cert_url.empty() &&
                                 message.signing_cert_url == options_.test_only_trusted_cert_url;
  if (!test_only_trusted) {
    if (Status url = check_signing_cert_url(message.signing_cert_url); !url) {
      return failed("certificate URL", url.error());
    }
  }

  if (now - message.timestamp > options_.max_age) {
    return failed_text("age", fmt::format("it was sent at {}, {} before {}, more than the {} "
                                          "allowed",
                                          message.timestamp_text,
                                          format_duration(now - message.timestamp),
                                          format_utc(now), format_duration(options_.max_age)));
  }
  if (message.timestamp - now > options_.max_future) {
    return failed_text("age", fmt::format("it claims to be sent at {}, {} after {}, more than "
                                          "the {} of clock skew allowed",
                                          message.timestamp_text,
                                          format_duration(message.timestamp - now),
                                          format_utc(now), format_duration(options_.max_future)));
  }

  auto pem = certificates_.certificate(message.signing_cert_url, !test_only_trusted);
  if (!pem) return failed("certificate", pem.error());
  // Valid when the message was signed, and still valid now: an expired certificate is
  // not trusted any more, whatever a message says about when it was signed.
  auto validity = certificate_validity(*pem);
  if (!validity) return failed("certificate validity", validity.error());
  for (Timestamp at : {message.timestamp, now}) {
    if (at < validity->not_before || at > validity->not_after) {
      return failed_text("certificate validity",
                         "the certificate is valid from " + format_utc(validity->not_before) +
                             " to " + format_utc(validity->not_after) + ", not at " +
                             format_utc(at));
    }
  }
  if (Status signature = check_sns_signature(message, *pem); !signature) {
    return failed("signature", signature.error());
  }
  auto file = SnsCertificates::cache_file_name(message.signing_cert_url);
  return SnsVerified{file.value_or(""), *algorithm};
}

Result<std::string> test_only_trusted_cert_url(const EnvLookup& env) {
  const std::optional<std::string> value = env(kTestOnlyTrustSnsCertUrlVariable);
  if (!value || value->empty()) return std::string();
  const std::string where = kTestOnlyTrustSnsCertUrlVariable;
  auto parsed = parse_sns_cert_url(*value);
  if (!parsed) return tl::unexpected(parsed.error().within(where));
  const std::string quoted = where + ": '" + *value + "'";
  if (parsed->scheme != "http" && parsed->scheme != "https") {
    return invalid(quoted + " is not an http or https URL");
  }
  if (!is_loopback_host(parsed->host)) {
    return invalid(quoted + " is not on a loopback host; only a local test server's "
                            "certificate may be trusted this way");
  }
  if (parsed->has_userinfo || parsed->has_query || parsed->has_fragment) {
    return invalid(quoted + " has user information, a query or a fragment");
  }
  if (!parsed->path.ends_with(".pem")) return invalid(quoted + " does not name a .pem file");
  spdlog::warn("SNS signatures made with the certificate at '{}' are trusted although it is "
               "not an AWS SNS host, because {} is set. This is for testing only; never set it "
               "in production.",
               *value, where);
  return *value;
}

}  // namespace sgwatch
