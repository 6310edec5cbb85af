// One entry point for "is this SNS message genuine and for us?", used by the HTTPS
// endpoint, the SQS consumer and `sgwatch sns verify`, so that all of them apply the same
// checks in the same order.
//
// Contract:
// - verify() runs every check, cheapest first, and stops at the first failure: signature
//   version; topic allow-list; certificate URL (check_signing_cert_url); age and future
//   skew of the message's Timestamp against `now`; certificate lookup (SnsCertificates,
//   which may fetch); the certificate's validity; the signature.
// - The certificate must be valid at the message's Timestamp (it was signed with a valid
//   certificate) and at `now` (an expired certificate is not trusted any more, whatever a
//   message says about when it was signed). (`sns verify --at` checks a captured message
//   as of a chosen instant.)
// - The error is one sentence naming the MessageId and TopicArn, which check failed and
//   why: "SNS message <id> from <topic> failed the <check> check: <why>".
// - verify() is thread-safe when the SnsCertificates is (it is); `certificates` must
//   outlive the verifier.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/env.h"
#include "core/error.h"
#include "sources/sns_certificates.h"
#include "sources/sns_message.h"

namespace sgwatch {

struct SnsVerifyOptions {
  std::chrono::milliseconds max_age = std::chrono::hours(1);  // now - Timestamp must not exceed it
  std::chrono::milliseconds max_future = std::chrono::minutes(5);  // clock skew allowed ahead
  std::optional<std::vector<std::string>> allowed_topics;  // fnmatch globs; nullopt: any topic
  // TEST ONLY: one certificate URL that is accepted although it fails the https/host rule
  // (the built-in emulator's, on a loopback host). Empty: none. Set it only from
  // test_only_trusted_cert_url(), which insists on a loopback host.
  std::string test_only_trusted_cert_url;
};

// What a passed message was checked with, for logs and `sns verify`.
struct SnsVerified {
  std::string certificate_file;     // the cache file name
  std::string signature_algorithm;  // "SHA1withRSA" / "SHA256withRSA"
};

class SnsVerifier {
 public:
  SnsVerifier(SnsVerifyOptions options, SnsCertificates& certificates);

  Result<SnsVerified> verify(const SnsMessage& message, Timestamp now) const;

  const SnsVerifyOptions& options() const { return options_; }

 private:
  const SnsVerifyOptions options_;
  SnsCertificates& certificates_;
};

// The environment variable test_only_trusted_cert_url() reads.
inline constexpr const char* kTestOnlyTrustSnsCertUrlVariable =
    "SGWATCH_TEST_ONLY_TRUST_SNS_CERT_URL";

// Reads the test-only trust setting from SGWATCH_TEST_ONLY_TRUST_SNS_CERT_URL. Empty when
// unset. When set, it must be an http(s) URL whose host is loopback (is_loopback_host), with
// no user info, query or fragment, and a path ending in .pem; anything else is an error,
// so that it cannot trust a remote certificate by accident. When accepted, logs a warning
// that SNS signatures from that URL are trusted for testing only.
Result<std::string> test_only_trusted_cert_url(const EnvLookup& env);

}  // namespace sgwatch
