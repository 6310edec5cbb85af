#include "aws/sigv4_signer.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/digest.h"

namespace sgwatch {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

SigV4Key hmac(std::string_view key, std::string_view data) {
  SigV4Key out{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &size);
  return out;
}

std::string_view as_view(const SigV4Key& key) {
  return {reinterpret_cast<const char*>(key.data()), key.size()};
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// RFC 3986 encoding as SigV4 wants it: unreserved characters bare, everything else %XX
// with upper-case hex, space included (never "+").
std::string uri_encode(std::string_view s) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (is_unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 0xf];
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Strict percent-decoding: a "%" not followed by two hex digits is an error rather than
// a literal, because the server would read such a URL differently from us.
std::optional<std::string> uri_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hex_value(s[i + 1]);
    int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// The parts of an absolute http(s) URL the signature needs, read with libcurl's parser so
// that we see the URL exactly as the transport will send it (libcurl removes dot segments
// from the path, for instance).
struct UrlParts {
  std::string host;  // with the port when it is not the scheme's default
  std::string path;  // as sent: "/" at least, percent-encoding untouched
  std::string query;  // as sent, without "?"; empty when there is none
};

struct CurlUrlFree {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringFree {
  void operator()(char* s) const { curl_free(s); }
};
using CurlString = std::unique_ptr<char, CurlStringFree>;

std::optional<std::string> url_part(CURLU* url, CURLUPart part, unsigned int flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, flags) != CURLUE_OK) return std::nullopt;
  CurlString owned(raw);
  return std::string(raw ? raw : "");
}

// Messages name the host at most: the URL's query may hold a presigned credential.
Result<UrlParts> parse_url(std::string_view text) {
  std::unique_ptr<CURLU, CurlUrlFree> url(curl_url());
  if (!url) return fail(ErrorCode::kIo, "SigV4: out of memory parsing the request URL");
  std::string copy(text);
  // libcurl reads a C string: a NUL would silently cut the URL we sign short of the one given.
  if (copy.find('\0') != std::string::npos ||
      curl_url_set(url.get(), CURLUPART_URL, copy.c_str(), 0) != CURLUE_OK) {
    return invalid("SigV4: the request URL is not a valid absolute URL");
  }
  auto scheme = url_part(url.get(), CURLUPART_SCHEME);
  auto host = url_part(url.get(), CURLUPART_HOST);
  if (!scheme || (*scheme != "http" && *scheme != "https")) {
    return invalid("SigV4: the request URL's scheme is not http or https");
  }
  if (!host || host->empty()) return invalid("SigV4: the request URL has no host");
  UrlParts parts;
  parts.host = *host;
  // CURLU_NO_DEFAULT_PORT reports no port for https://h:443 too, as botocore leaves the
  // default port out of Host while keeping any other ("127.0.0.1:4566").
  if (auto port = url_part(url.get(), CURLUPART_PORT, CURLU_NO_DEFAULT_PORT)) {
    parts.host += ':';
    parts.host += *port;
  }
  parts.path = url_part(url.get(), CURLUPART_PATH).value_or("/");
  if (parts.path.empty()) parts.path.push_back('/');
  parts.query = url_part(url.get(), CURLUPART_QUERY).value_or("");
  return parts;
}

// Removes empty, "." and ".." segments, keeping a trailing slash, as AWS does for every
// service but S3.
std::vector<std::string_view> normalised_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  return segments;
}

Result<std::string> canonical_uri(std::string_view path, bool s3) {
  std::string out;
  if (s3) {
    // S3 signs the object key encoded once: decode what is on the wire and re-encode
    // strictly, keeping every segment as it is.
    size_t start = 0;
    while (start <= path.size()) {
      size_t end = path.find('/', start);
      if (end == std::string_view::npos) end = path.size();
      auto decoded = uri_decode(path.substr(start, end - start));
      if (!decoded) return invalid("SigV4: the request path has a malformed %-escape");
      if (start > 0) out += '/';
      out += uri_encode(*decoded);
      start = end + 1;
    }
    return out.empty() ? "/" : out;
  }
  for (std::string_view segment : normalised_segments(path)) {
    out += '/';
    out += uri_encode(segment);
  }
  if (out.empty()) return std::string("/");
  if (path.back() == '/') out += '/';
  return out;
}

Result<std::string> canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;  // "a=1&&b=2": no parameter between the two "&"
    size_t eq = pair.find('=');
    auto name = uri_decode(pair.substr(0, eq));
    auto value = uri_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!name || !value) return invalid("SigV4: the request query has a malformed %-escape");
    params.emplace_back(uri_encode(*name), uri_encode(*value));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string canonical_header_value(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

bool signs(SignedHeaderSet set, const std::string& lower_name) {
  if (lower_name == "authorization") return false;
  if (set == SignedHeaderSet::kAll) return true;
  return lower_name == "host" || lower_name == "content-type" ||
         lower_name.rfind("x-amz-", 0) == 0;
}

bool valid_scope_part(std::string_view part) {
  return !part.empty() && std::none_of(part.begin(), part.end(), [](unsigned char c) {
    return c == '/' || c <= ' ' || c >= 0x7f;
  });
}

}  // namespace

std::string sigv4_timestamp(Timestamp now) {
  using namespace std::chrono;
  auto day = floor<days>(now);
  year_month_day date{day};
  hh_mm_ss time{floor<seconds>(now - day)};
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return text;
}

std::string sigv4_credential_scope(Timestamp now, std::string_view region,
                                   std::string_view service) {
  std::string scope = sigv4_timestamp(now).substr(0, 8);
  scope += '/';
  scope += region;
  scope += '/';
  scope += service;
  scope += "/aws4_request";
  return scope;
}

Result<std::string> sigv4_host(std::string_view url) {
  auto parts = parse_url(url);
  if (!parts) return tl::unexpected(parts.error());
  return parts->host;
}

Result<CanonicalRequest> sigv4_canonical_request(const HttpRequest& request,
                                                 std::string_view service,
                                                 SignedHeaderSet headers) {
  auto url = parse_url(request.url);
  if (!url) return tl::unexpected(url.error());
  const bool s3 = service == "s3";
  auto uri = canonical_uri(url->path, s3);
  if (!uri) return tl::unexpected(uri.error());
  auto query = canonical_query(url->query);
  if (!query) return tl::unexpected(query.error());

  // (lower-case name, canonical value), in request order; a stable sort then keeps
  // repeated headers in the order they were given, which is the order AWS joins them in.
  std::vector<std::pair<std::string, std::string>> signed_headers;
  bool has_host = false;
  for (const auto& [name, value] : request.headers) {
    std::string key = lower(name);
    if (!signs(headers, key)) continue;
    has_host = has_host || key == "host";
    signed_headers.emplace_back(std::move(key), canonical_header_value(value));
  }
  if (!has_host) signed_headers.emplace_back("host", url->host);
  std::stable_sort(signed_headers.begin(), signed_headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  std::string header_lines;
  std::string names;
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    const auto& [name, value] = signed_headers[i];
    if (i > 0 && signed_headers[i - 1].first == name) {
      header_lines.back() = ',';  // replaces the previous line's "\n"
    } else {
      if (!names.empty()) names += ';';
      names += name;
      header_lines += name;
      header_lines += ':';
    }
    header_lines += value;
    header_lines += '\n';
  }

  std::string payload_hash;
  if (s3) payload_hash = request.header("X-Amz-Content-Sha256");
  if (payload_hash.empty()) payload_hash = sha256_hex(request.body);

  CanonicalRequest out;
  out.text = request.method + "\n" + *uri + "\n" + *query + "\n" + header_lines + "\n" + names +
             "\n" + payload_hash;
  out.signed_headers = std::move(names);
  return out;
}

std::string sigv4_string_to_sign(std::string_view canonical_request, std::string_view amz_date,
                                 std::string_view credential_scope) {
  std::string out(kAlgorithm);
  out += '\n';
  out += amz_date;
  out += '\n';
  out += credential_scope;
  out += '\n';
  out += sha256_hex(canonical_request);
  return out;
}

SigV4Key sigv4_signing_key(std::string_view secret_access_key, std::string_view date,
                           std::string_view region, std::string_view service) {
  std::string seed = "AWS4";
  seed += secret_access_key;
  SigV4Key key = hmac(seed, date);
  // Overwrite the copy of the secret rather than leave it in freed memory.
  OPENSSL_cleanse(seed.data(), seed.size());
  key = hmac(as_view(key), region);
  key = hmac(as_view(key), service);
  return hmac(as_view(key), "aws4_request");
}

std::string sigv4_signature(const SigV4Key& key, std::string_view string_to_sign) {
  SigV4Key mac = hmac(as_view(key), string_to_sign);
  return to_hex(mac.data(), mac.size());
}

Status sign_sigv4(HttpRequest& request, const AwsCredentials& credentials,
                  std::string_view region, std::string_view service, Timestamp now,
                  const SigV4Options& options) {
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return invalid("SigV4: the credentials have no access key id or no secret access key");
  }
  if (!valid_scope_part(credentials.access_key_id) ||
      credentials.access_key_id.find(',') != std::string::npos) {
    return invalid("SigV4: the access key id holds characters an Authorization header cannot carry");
  }
  if (!valid_scope_part(region)) return invalid("SigV4: the region is empty or malformed");
  if (!valid_scope_part(service)) return invalid("SigV4: the service name is empty or malformed");

  // Work on a copy so a failure leaves the caller's request as it was.
  HttpRequest signed_request = request;
  auto host = sigv4_host(signed_request.url);
  if (!host) return tl::unexpected(host.error());
  if (signed_request.header("Host").empty()) signed_request.set_header("Host", *host);
  const std::string amz_date = sigv4_timestamp(now);
  signed_request.set_header("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty()) {
    signed_request.set_header("X-Amz-Security-Token", credentials.session_token);
  }
  if (service == "s3" && signed_request.header("X-Amz-Content-Sha256").empty()) {
    signed_request.set_header("X-Amz-Content-Sha256", sha256_hex(signed_request.body));
  }
  // A line break in a value would let one header smuggle in others; name the header only,
  // since the value may be the session token.
  for (const auto& [name, value] : signed_request.headers) {
    if (name.empty() || value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return invalid("SigV4: header '" + name + "' has an empty name or a line break in its value");
    }
  }

  auto canonical = sigv4_canonical_request(signed_request, service, options.headers);
  if (!canonical) return tl::unexpected(canonical.error());
  const std::string scope = sigv4_credential_scope(now, region, service);
  const std::string to_sign = sigv4_string_to_sign(canonical->text, amz_date, scope);
  SigV4Key key =
      sigv4_signing_key(credentials.secret_access_key, amz_date.substr(0, 8), region, service);
  const std::string signature = sigv4_signature(key, to_sign);
  OPENSSL_cleanse(key.data(), key.size());

  signed_request.set_header("Authorization", std::string(kAlgorithm) +
                                                 " Credential=" + credentials.access_key_id +
                                                 "/" + scope +
                                                 ", SignedHeaders=" + canonical->signed_headers +
                                                 ", Signature=" + signature);
  request = std::move(signed_request);
  return {};
}

}  // namespace sgwatch
