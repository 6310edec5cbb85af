// AWS Signature Version 4 for requests sgwatch sends (EC2 Query, STS, SQS, SES, JSON APIs).
//
// sign_sigv4 does the whole job; the steps below it are public so tests can check each
// against the AWS test suite. All functions are pure and thread-safe. Errors never carry
// a secret, a session token, or the URL's query (which may hold either).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/http.h"
#include "core/clock.h"
#include "core/error.h"

namespace sgwatch {

// Which request headers a signature covers.
enum class SignedHeaderSet {
  // host, content-type, and every x-amz-* header (x-amz-date, x-amz-security-token, ...),
  // as AWS SDKs sign. Headers the transport may add or rewrite (User-Agent,
  // Content-Length, Accept-Encoding) stay unsigned, so a proxy or libcurl touching them
  // cannot break the signature.
  kAwsDefault,
  // Every header but Authorization: what the AWS test suite expects.
  kAll,
};

struct SigV4Options {
  SignedHeaderSet headers = SignedHeaderSet::kAwsDefault;
};

// Signs `request` in place for `service` in `region` at `now`. Sets X-Amz-Date, Host (when
// absent, from the URL, with the port unless it is the scheme's default), X-Amz-Security-Token
// (when the credentials have a session token; always signed), and Authorization, replacing
// earlier values, so signing again (a retry) simply re-signs. For service "s3" it also sets
// X-Amz-Content-Sha256. Fails, leaving `request` untouched, on a URL that is not absolute
// http(s), a malformed query, a header value holding a line break, or missing credentials.
[[nodiscard]] Status sign_sigv4(HttpRequest& request, const AwsCredentials& credentials,
                                std::string_view region, std::string_view service,
                                Timestamp now, const SigV4Options& options = {});

// --- The steps, in order. ---

// "20150830T123600Z": the X-Amz-Date value (whole seconds, UTC).
std::string sigv4_timestamp(Timestamp now);

// "20150830/us-east-1/service/aws4_request".
std::string sigv4_credential_scope(Timestamp now, std::string_view region,
                                   std::string_view service);

// The Host header value the URL implies: "ec2.eu-west-1.amazonaws.com", "127.0.0.1:4566".
Result<std::string> sigv4_host(std::string_view url);

struct CanonicalRequest {
  std::string text;            // the six lines AWS hashes
  std::string signed_headers;  // "content-type;host;x-amz-date"
};

// The canonical request for `request` as it stands (it should already carry X-Amz-Date;
// Host is derived from the URL when absent).
//  - URI: the path as sent, dot segments and empty segments removed, each segment
//    URI-encoded again (AWS encodes non-S3 paths twice: "%20" on the wire becomes "%2520").
//    For "s3" the path is neither normalised nor double-encoded.
//  - Query: each name and value percent-decoded, then encoded with only RFC 3986
//    unreserved characters left bare ("+" is a literal plus, space is "%20"), sorted by
//    encoded name, then value.
//  - Headers: lower-case names; values trimmed, runs of spaces and tabs collapsed to one;
//    repeated headers joined with "," in the order they appear; sorted by name.
//  - Payload: hex SHA-256 of the body (for "s3", the X-Amz-Content-Sha256 value if set).
Result<CanonicalRequest> sigv4_canonical_request(const HttpRequest& request,
                                                 std::string_view service,
                                                 SignedHeaderSet headers);

// "AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256 of the canonical request>".
std::string sigv4_string_to_sign(std::string_view canonical_request, std::string_view amz_date,
                                 std::string_view credential_scope);

// HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request". The key is as
// secret as the secret access key itself.
using SigV4Key = std::array<unsigned char, 32>;
SigV4Key sigv4_signing_key(std::string_view secret_access_key, std::string_view date,
                           std::string_view region, std::string_view service);

// Lower-case hex HMAC-SHA256 of the string to sign.
std::string sigv4_signature(const SigV4Key& key, std::string_view string_to_sign);

}  // namespace sgwatch
