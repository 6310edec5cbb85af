// The cryptographic checks of an SNS message, each pure (no I/O): the text SNS signs, the
// rule for where a signing certificate may come from, the RSA signature, and the
// certificate's validity window. OpenSSL does the work. All functions are thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "sources/sns_message.h"

namespace sgwatch {

// "Key\nValue\n" for each signed field in SNS's fixed order. Notification: Message,
// MessageId, Subject (only if present), Timestamp, TopicArn, Type. Confirmations: Message,
// MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type.
std::string sns_string_to_sign(const SnsMessage& message);

// "SHA1withRSA" for SignatureVersion "1", "SHA256withRSA" for "2"; any other version is an
// error naming it.
Result<std::string> sns_signature_algorithm(std::string_view signature_version);

// A certificate URL taken apart with libcurl's parser (the parser the fetch uses, so the
// URL checked is the URL fetched).
struct SnsCertUrl {
  std::string scheme;  // lower case
  std::string host;    // IPv6 in brackets
  std::optional<std::string> port;  // only when the URL names one
  std::string path;    // "/" at least
  bool has_userinfo = false;
  bool has_query = false;
  bool has_fragment = false;

  // The last path segment: "SimpleNotificationService-<hash>.pem".
  std::string file_name() const;
};
Result<SnsCertUrl> parse_sns_cert_url(std::string_view url);

// The rule both AWS validators apply, and a little more: https; no user info; no port, or
// 443; no query or fragment; a path ending in ".pem"; and a host matching
// ^sns\.[a-zA-Z0-9\-]{3,}\.amazonaws\.com(\.cn)?$ -- an SNS endpoint, not just anything
// under amazonaws.com (S3 buckets are there too).
Status check_signing_cert_url(std::string_view url);
// True for an SNS host: ^sns\.[a-zA-Z0-9\-]{3,}\.amazonaws\.com(\.cn)?$ .
bool is_sns_host(std::string_view host);

// Verifies message.signature (base64, whitespace ignored) over sns_string_to_sign with the
// RSA public key of the PEM certificate `certificate_pem`, per message.signature_version
// (PKCS#1 v1.5 with SHA-1 for "1", SHA-256 for "2"). The error says whether the signature
// could not be read, the certificate could not be read, or the signature does not match.
Status check_sns_signature(const SnsMessage& message, std::string_view certificate_pem);

struct CertificateValidity {
  Timestamp not_before;
  Timestamp not_after;
};
// Reads the text as exactly one PEM certificate (nothing else but whitespace around it)
// and returns its validity window. The error says what is wrong with the text.
Result<CertificateValidity> certificate_validity(std::string_view certificate_pem);

// The certificate's notBefore <= at <= notAfter, else an error naming both bounds.
Status check_certificate_validity(std::string_view certificate_pem, Timestamp at);

}  // namespace sgwatch
