// AWS Signature Version 4, checked the way AWS checks it, for every request the emulator
// serves. This is the emulator's own reading of the protocol: it shares no code with
// sgwatch's signer, so that a misunderstanding on one side cannot hide one on the other.
//
// Only the Authorization header form (AWS4-HMAC-SHA256) is accepted. Presigned URLs
// (X-Amz-Signature in the query) and SigV4a are not: such a request counts as carrying no
// authentication. S3's variant (no path normalisation, single encoding) is not
// implemented either; the emulator serves no S3.
//
// All functions are pure and thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "emulator/http_types.h"

namespace sgwatch::emulator {

// The secret access key for an access key id, or nullopt when the key is unknown.
using SecretLookup =
    std::function<std::optional<std::string>(const std::string& access_key_id)>;

struct CredentialScope {
  std::string date;     // "20150830"
  std::string region;   // "us-east-1"
  std::string service;  // "ec2"

  // "20150830/us-east-1/ec2/aws4_request"
  std::string to_string() const;
};

// The parts of an "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."
// header.
struct Authorization {
  std::string access_key_id;
  CredentialScope scope;
  std::vector<std::string> signed_headers;  // in the order sent
  std::string signature;                    // hex, as sent
};

struct VerifiedSignature {
  std::string access_key_id;
  std::string date;  // the credential scope's date, "20150830"
  std::string region;
  std::string service;
  std::chrono::sys_seconds request_time;  // from X-Amz-Date, or Date
  // X-Amz-Security-Token as sent, or "". Some clients add it after signing, which AWS
  // accepts; callers must still check it belongs to the access key.
  std::string session_token;
  bool session_token_signed = false;
};

enum class SignatureFailureKind {
  kMissingAuthentication,  // no Authorization header
  kIncompleteSignature,    // Authorization malformed, Host unsigned, no usable date
  kUnknownAccessKey,       // the lookup does not know the access key
  kBadCredentialScope,     // scope date is not the request's date
  kSignatureMismatch,      // the signature (or X-Amz-Content-Sha256) does not match
  kRequestExpired,         // request time more than the allowed skew before now
  kRequestNotYetValid,     // request time more than the allowed skew after now
};

struct SignatureFailure {
  SignatureFailureKind kind;
  // What went wrong, worded as AWS's Query services (STS, SQS, SNS, SES) word it; for a
  // mismatch it includes the canonical request and string to sign, as STS does.
  std::string message;
  // What the verifier computed, when it got that far: for logs, never holds the secret.
  std::string canonical_request;
  std::string string_to_sign;
};

// AWS services report the same failure differently: Query services with
// SignatureDoesNotMatch/InvalidClientTokenId (HTTP 403), JSON services (CloudTrail) with
// InvalidSignatureException/UnrecognizedClientException (HTTP 400), and EC2 with
// AuthFailure (HTTP 401) and RequestExpired (HTTP 400), hiding the details.
enum class AuthErrorDialect { kQuery, kJson, kEc2 };

struct AuthError {
  int status;
  std::string code;
  std::string message;
};

AuthError auth_error(const SignatureFailure& failure, AuthErrorDialect dialect);

struct VerifyOptions {
  // AWS's usual window; EC2 and STS document 15 minutes.
  std::chrono::seconds max_clock_skew = std::chrono::minutes(5);
};

// Verifies the Authorization header of `request` against the secret `secret_for` returns
// for its access key, at time `now`. Request.raw_path and Request.query must be as sent.
// Host must be signed. X-Amz-Content-Sha256, when sent, must be the body's hash: values
// such as UNSIGNED-PAYLOAD, which only S3 accepts, are refused as a mismatch.
tl::expected<VerifiedSignature, SignatureFailure> verify_sigv4(
    const Request& request, const SecretLookup& secret_for,
    std::chrono::system_clock::time_point now, const VerifyOptions& options = {});

// The steps of the computation, exposed so tests can check each against known values.

// Fails with kIncompleteSignature when the header is not a well-formed SigV4 header.
tl::expected<Authorization, SignatureFailure> parse_authorization(std::string_view header);

// The path as sent, with dot segments and repeated slashes removed and every byte but
// unreserved ones and '/' percent-encoded. A path sent percent-encoded is thus encoded
// twice, as AWS does for every service but S3.
std::string canonical_uri(std::string_view raw_path);

// Parameters decoded, re-encoded per RFC 3986 and sorted by key, then value; a parameter
// without '=' becomes "key=". '+' is taken as itself, not as a space.
std::string canonical_query(std::string_view raw_query);

// Uses the value of X-Amz-Content-Sha256 as the payload hash when the header is present.
// A signed header the request lacks contributes an empty value.
std::string canonical_request(const Request& request,
                              const std::vector<std::string>& signed_headers);

// `request_time` in ISO 8601 basic form, "20150830T123600Z".
std::string string_to_sign(std::string_view request_time, const CredentialScope& scope,
                           std::string_view canonical_request);

// Hex HMAC-SHA256 of `string_to_sign` under the key derived from `secret` and `scope`.
std::string signature(std::string_view secret, const CredentialScope& scope,
                      std::string_view string_to_sign);

std::string sha256_hex(std::string_view data);

}  // namespace sgwatch::emulator
