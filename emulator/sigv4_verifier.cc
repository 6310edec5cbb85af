#include "emulator/sigv4_verifier.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

namespace sgwatch::emulator {
namespace {

using std::chrono::sys_seconds;

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";
constexpr std::string_view kEc2AuthFailure =
    "AWS was not able to validate the provided access credentials";
constexpr std::string_view kInvalidToken = "The security token included in the request is invalid.";

tl::unexpected<SignatureFailure> fail(SignatureFailureKind kind, std::string message) {
  return tl::unexpected(SignatureFailure{kind, std::move(message), {}, {}});
}

tl::unexpected<SignatureFailure> incomplete(std::string message) {
  return fail(SignatureFailureKind::kIncompleteSignature, std::move(message));
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// ASCII only: header names and hex digits; the locale must not change what they mean.
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && lower(a) == lower(b);
}

std::vector<std::string_view> split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = s.find(separator, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.' || c == '~';
}

// RFC 3986 encoding with upper-case hex, as SigV4 requires; bytes, not characters, so
// UTF-8 comes out as one escape per byte.
std::string uri_encode(std::string_view bytes, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 0xf];
    }
  }
  return out;
}

// A '%' not followed by two hex digits stays as it is (and is later encoded as %25): a
// client that meant something else by it signed something else, and fails the check.
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// RFC 3986 section 5.2.4, plus the removal of empty segments that AWS services other than
// S3 apply. A trailing slash survives unless nothing else does; a trailing ".." or "."
// leaves none, which is how the suite's normalize-path cases read.
std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> kept;
  for (std::string_view segment : split(path, '/')) {
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
  }
  std::string out = "/";
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += '/';
    out += kept[i];
  }
  if (!kept.empty() && path.ends_with('/')) out += '/';
  return out;
}

// Header values: trimmed, and each run of white space inside one value (including what
// an obsolete line fold leaves) taken as a single space.
std::string collapse_spaces(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : trim(value)) {
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  // HMAC fails only when OpenSSL cannot allocate; an empty result then fails the
  // comparison instead of passing it.
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &length) == nullptr) {
    return "";
  }
  return std::string(reinterpret_cast<const char*>(out.data()), length);
}

void wipe(std::string& secret) { OPENSSL_cleanse(secret.data(), secret.size()); }

bool parse_digits(std::string_view s, int& out) {
  if (s.empty()) return false;
  out = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

std::optional<sys_seconds> make_time(int year, int month, int day, int hour, int minute,
                                     int second) {
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) +
         std::chrono::minutes(minute) + std::chrono::seconds(second);
}

// "20150830T123600Z"
std::optional<sys_seconds> parse_basic_time(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z' || !parse_digits(s.substr(0, 4), year) ||
      !parse_digits(s.substr(4, 2), month) || !parse_digits(s.substr(6, 2), day) ||
      !parse_digits(s.substr(9, 2), hour) || !parse_digits(s.substr(11, 2), minute) ||
      !parse_digits(s.substr(13, 2), second)) {
    return std::nullopt;
  }
  return make_time(year, month, day, hour, minute, second);
}

// RFC 7231's IMF-fixdate, "Sun, 30 Aug 2015 12:36:00 GMT", the only form of the Date
// header a current client sends.
std::optional<sys_seconds> parse_http_date(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  size_t comma = s.find(", ");
  if (comma == std::string_view::npos) return std::nullopt;
  s = s.substr(comma + 2);  // "30 Aug 2015 12:36:00 GMT"
  if (s.size() != 24 || s[2] != ' ' || s[6] != ' ' || s[11] != ' ' || s[14] != ':' ||
      s[17] != ':' || s.substr(20) != " GMT") {
    return std::nullopt;
  }
  auto month = std::find(kMonths.begin(), kMonths.end(), s.substr(3, 3));
  int year, day, hour, minute, second;
  if (month == kMonths.end() || !parse_digits(s.substr(0, 2), day) ||
      !parse_digits(s.substr(7, 4), year) || !parse_digits(s.substr(12, 2), hour) ||
      !parse_digits(s.substr(15, 2), minute) || !parse_digits(s.substr(18, 2), second)) {
    return std::nullopt;
  }
  return make_time(year, static_cast<int>(month - kMonths.begin()) + 1, day, hour, minute,
                   second);
}

std::string format_basic_time(sys_seconds t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day date{days};
  const std::chrono::hh_mm_ss time{t - days};
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return text;
}

std::string skew_text(std::chrono::seconds skew) {
  if (skew.count() % 60 == 0) return std::to_string(skew.count() / 60) + " min.";
  return std::to_string(skew.count()) + " sec.";
}

// The time the signature claims, from X-Amz-Date or else Date.
tl::expected<sys_seconds, SignatureFailure> request_time_of(const Request& request) {
  const std::string amz_date{trim(request.header("X-Amz-Date"))};
  if (!amz_date.empty()) {
    if (auto t = parse_basic_time(amz_date)) return *t;
    return incomplete("X-Amz-Date must be in ISO 8601 basic format (20150830T123600Z); got '" +
                      amz_date + "'.");
  }
  const std::string date{trim(request.header("Date"))};
  if (date.empty()) {
    return incomplete(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
        "header.");
  }
  if (auto t = parse_basic_time(date)) return *t;
  if (auto t = parse_http_date(date)) return *t;
  return incomplete("Date header '" + date +
                    "' is neither an HTTP date nor ISO 8601 basic format.");
}

tl::expected<CredentialScope, SignatureFailure> parse_credential(std::string_view credential,
                                                                 std::string& access_key_id) {
  std::vector<std::string_view> parts = split(credential, '/');
  if (parts.size() != 5 ||
      std::any_of(parts.begin(), parts.end(), [](std::string_view p) { return p.empty(); })) {
    return incomplete("Credential '" + std::string(credential) +
                      "' is not of the form <access key>/<date>/<region>/<service>/aws4_request.");
  }
  if (parts[4] != kTerminator) {
    return incomplete("Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                      std::string(parts[4]) + "'.");
  }
  int ignored;
  if (parts[1].size() != 8 || !parse_digits(parts[1], ignored)) {
    return incomplete("Credential scope date '" + std::string(parts[1]) +
                      "' is not of the form YYYYMMDD.");
  }
  access_key_id = parts[0];
  return CredentialScope{std::string(parts[1]), std::string(parts[2]), std::string(parts[3])};
}

// The lengths are public (a SHA-256 in hex); only the contents must not leak through timing.
bool same_signature(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string CredentialScope::to_string() const {
  return date + "/" + region + "/" + service + "/" + std::string(kTerminator);
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr) != 1) {
    return "";
  }
  return hex(std::string_view(reinterpret_cast<const char*>(out.data()), length));
}

tl::expected<Authorization, SignatureFailure> parse_authorization(std::string_view header) {
  header = trim(header);
  const size_t space = header.find(' ');
  const std::string_view algorithm = header.substr(0, space);
  if (algorithm != kAlgorithm) {
    return incomplete("Unsupported AWS 'algorithm': '" + std::string(algorithm) + "'.");
  }
  std::optional<std::string_view> credential, signed_headers, signature_hex;
  const std::string_view rest = space == std::string_view::npos ? "" : header.substr(space + 1);
  for (std::string_view component : split(rest, ',')) {
    component = trim(component);
    if (component.empty()) continue;
    const size_t equals = component.find('=');
    if (equals == std::string_view::npos) {
      return incomplete("'" + std::string(component) +
                        "' not a valid key=value pair (missing equal-sign) in Authorization "
                        "header.");
    }
    const std::string_view name = component.substr(0, equals);
    const std::string_view value = trim(component.substr(equals + 1));
    std::optional<std::string_view>* slot = name == "Credential"      ? &credential
                                            : name == "SignedHeaders" ? &signed_headers
                                            : name == "Signature"     ? &signature_hex
                                                                      : nullptr;
    if (slot == nullptr) {
      return incomplete("Unknown Authorization component '" + std::string(name) + "'.");
    }
    if (slot->has_value()) {
      return incomplete("Authorization header has '" + std::string(name) + "' twice.");
    }
    *slot = value;
  }

  std::string missing;
  for (auto [name, slot] : {std::pair{"Credential", &credential},
                            std::pair{"SignedHeaders", &signed_headers},
                            std::pair{"Signature", &signature_hex}}) {
    if (!slot->has_value() || (*slot)->empty()) {
      if (!missing.empty()) missing += ' ';
      missing += std::string("Authorization header requires '") + name + "' parameter.";
    }
  }
  if (!missing.empty()) return incomplete(missing);

  Authorization auth;
  auto scope = parse_credential(*credential, auth.access_key_id);
  if (!scope) return tl::unexpected(scope.error());
  auth.scope = std::move(*scope);
  for (std::string_view name : split(*signed_headers, ';')) {
    if (name.empty()) {
      return incomplete("SignedHeaders '" + std::string(*signed_headers) +
                        "' has an empty header name.");
    }
    auth.signed_headers.push_back(lower(name));
  }
  auth.signature = *signature_hex;
  return auth;
}

std::string canonical_uri(std::string_view raw_path) {
  raw_path = raw_path.substr(0, raw_path.find('?'));
  return uri_encode(normalize_path(raw_path), /*keep_slash=*/true);
}

std::string canonical_query(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> params;
  for (std::string_view pair : split(raw_query, '&')) {
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    const std::string_view key = pair.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    params.emplace_back(uri_encode(percent_decode(key), false),
                        uri_encode(percent_decode(value), false));
  }
  // By key, then value: sorting the joined "key=value" strings would put "a-b" before "a".
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += key + "=" + value;
  }
  return out;
}

std::string canonical_request(const Request& request,
                              const std::vector<std::string>& signed_headers) {
  std::string out = request.method + "\n" + canonical_uri(request.raw_path) + "\n" +
                    canonical_query(request.query) + "\n";
  for (const std::string& name : signed_headers) {
    std::string joined;
    bool first = true;
    for (const auto& [header_name, value] : request.headers) {
      if (!iequals(header_name, name)) continue;
      if (!first) joined += ',';
      joined += collapse_spaces(value);
      first = false;
    }
    out += name + ":" + joined + "\n";
  }
  out += "\n";
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    if (i > 0) out += ';';
    out += signed_headers[i];
  }
  const std::string claimed_hash{trim(request.header("X-Amz-Content-Sha256"))};
  out += "\n";
  out += claimed_hash.empty() ? sha256_hex(request.body) : claimed_hash;
  return out;
}

std::string string_to_sign(std::string_view request_time, const CredentialScope& scope,
                           std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + std::string(request_time) + "\n" + scope.to_string() +
         "\n" + sha256_hex(canonical_request);
}

std::string signature(std::string_view secret, const CredentialScope& scope,
                      std::string_view string_to_sign) {
  std::string key = "AWS4" + std::string(secret);
  for (std::string_view part : {std::string_view(scope.date), std::string_view(scope.region),
                                std::string_view(scope.service), kTerminator}) {
    std::string next = hmac_sha256(key, part);
    wipe(key);
    key = std::move(next);
  }
  std::string result = hex(hmac_sha256(key, string_to_sign));
  wipe(key);
  return result;
}

tl::expected<VerifiedSignature, SignatureFailure> verify_sigv4(
    const Request& request, const SecretLookup& secret_for,
    std::chrono::system_clock::time_point now, const VerifyOptions& options) {
  const std::string header = request.header("Authorization");
  if (trim(header).empty()) {
    return fail(SignatureFailureKind::kMissingAuthentication,
                "Request is missing Authentication Token");
  }
  auto auth = parse_authorization(header);
  if (!auth) return tl::unexpected(auth.error());
  const auto& signed_headers = auth->signed_headers;
  auto is_signed = [&](std::string_view name) {
    return std::find(signed_headers.begin(), signed_headers.end(), name) != signed_headers.end();
  };
  // Without Host in the signature, a captured request could be replayed to another endpoint.
  if (!is_signed("host")) {
    return incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }

  auto time = request_time_of(request);
  if (!time) return tl::unexpected(time.error());
  const std::string request_time = format_basic_time(*time);
  if (auth->scope.date != request_time.substr(0, 8)) {
    return fail(SignatureFailureKind::kBadCredentialScope,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                "from HTTP: '" + auth->scope.date + "' != '" + request_time.substr(0, 8) +
                    "', from '" + request_time + "'.");
  }

  const std::chrono::seconds skew = options.max_clock_skew;
  const sys_seconds now_seconds = std::chrono::floor<std::chrono::seconds>(now);
  if (*time + skew < now) {
    return fail(SignatureFailureKind::kRequestExpired,
                "Signature expired: " + request_time + " is now earlier than " +
                    format_basic_time(now_seconds - skew) + " (" +
                    format_basic_time(now_seconds) + " - " + skew_text(skew) + ")");
  }
  if (*time - skew > now) {
    return fail(SignatureFailureKind::kRequestNotYetValid,
                "Signature not yet current: " + request_time + " is still later than " +
                    format_basic_time(now_seconds + skew) + " (" +
                    format_basic_time(now_seconds) + " + " + skew_text(skew) + ")");
  }

  std::optional<std::string> secret = secret_for ? secret_for(auth->access_key_id) : std::nullopt;
  if (!secret) return fail(SignatureFailureKind::kUnknownAccessKey, std::string(kInvalidToken));

  // The signature covers the claimed hash, not the body: a claim that does not match the
  // body (or UNSIGNED-PAYLOAD, which S3 alone accepts) would leave the body unchecked.
  const std::string claimed_hash{trim(request.header("X-Amz-Content-Sha256"))};
  if (!claimed_hash.empty() && lower(claimed_hash) != sha256_hex(request.body)) {
    return fail(SignatureFailureKind::kSignatureMismatch,
                "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }

  const std::string creq = canonical_request(request, signed_headers);
  const std::string sts = string_to_sign(request_time, auth->scope, creq);
  const std::string expected = signature(*secret, auth->scope, sts);
  wipe(*secret);
  if (!same_signature(expected, auth->signature)) {
    SignatureFailure failure{
        SignatureFailureKind::kSignatureMismatch,
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method. Consult the service documentation for "
        "details.\n\nThe Canonical String for this request should have been\n'" +
            creq + "'\n\nThe String-to-Sign should have been\n'" + sts + "'\n",
        creq, sts};
    return tl::unexpected(std::move(failure));
  }

  VerifiedSignature verified;
  verified.access_key_id = auth->access_key_id;
  verified.date = auth->scope.date;
  verified.region = auth->scope.region;
  verified.service = auth->scope.service;
  verified.request_time = *time;
  verified.session_token = std::string(trim(request.header("X-Amz-Security-Token")));
  verified.session_token_signed = is_signed("x-amz-security-token");
  return verified;
}

AuthError auth_error(const SignatureFailure& failure, AuthErrorDialect dialect) {
  using Kind = SignatureFailureKind;
  const bool query = dialect == AuthErrorDialect::kQuery;
  const bool json = dialect == AuthErrorDialect::kJson;
  switch (failure.kind) {
    case Kind::kMissingAuthentication:
      if (json) return {400, "MissingAuthenticationTokenException", "Missing Authentication Token"};
      return {query ? 403 : 401, "MissingAuthenticationToken", failure.message};
    case Kind::kIncompleteSignature:
      return {400, json ? "IncompleteSignatureException" : "IncompleteSignature", failure.message};
    case Kind::kUnknownAccessKey:
      if (query) return {403, "InvalidClientTokenId", std::string(kInvalidToken)};
      if (json) return {400, "UnrecognizedClientException", std::string(kInvalidToken)};
      return {401, "AuthFailure", std::string(kEc2AuthFailure)};
    case Kind::kBadCredentialScope:
    case Kind::kSignatureMismatch:
      if (query) return {403, "SignatureDoesNotMatch", failure.message};
      if (json) return {400, "InvalidSignatureException", failure.message};
      // EC2 names what is wrong with the scope, but never how the signature should have been
      // computed.
      return {401, "AuthFailure",
              failure.kind == Kind::kBadCredentialScope ? failure.message
                                                        : std::string(kEc2AuthFailure)};
    case Kind::kRequestExpired:
    case Kind::kRequestNotYetValid:
      if (query) return {403, "SignatureDoesNotMatch", failure.message};
      if (json) return {400, "InvalidSignatureException", failure.message};
      return {400, "RequestExpired", "Request has expired."};
  }
  return {500, "InternalFailure", failure.message};
}

}  // namespace sgwatch::emulator
