#include "notify/sinks/secret_url.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include <fmt/format.h>

namespace sgwatch {
namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

std::string url_part(CURLU* url, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, 0) != CURLUE_OK || text == nullptr) return "";
  std::string copy(text);
  curl_free(text);
  return copy;
}

struct UrlParts {
  std::string scheme;  // lower case
  std::string host;    // IPv6 in brackets
  std::string port;    // only when the URL gives one
  std::string user;
  std::string password;
  std::string path;  // "/" when the URL has none
  std::string query;
  std::string fragment;
};

// libcurl's parser, the one the transport uses, so both sides agree on what the URL is.
// Any scheme is parsed here; which are allowed is check_http_url()'s business.
tl::expected<UrlParts, std::string> parse_url(const std::string& url) {
  // libcurl reads "https:///x" as the host "x"; here it is a URL missing its host.
  if (size_t slashes = url.find("://");
      slashes != std::string::npos && url.compare(slashes + 3, 1, "/") == 0) {
    return tl::unexpected<std::string>("No host part in the URL");
  }
  UrlHandle handle(curl_url());
  if (handle == nullptr) return tl::unexpected<std::string>("out of memory");
  CURLUcode code = curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME);
  // libcurl's messages describe the fault without quoting the URL.
  if (code != CURLUE_OK) return tl::unexpected<std::string>(curl_url_strerror(code));
  UrlParts parts;
  parts.scheme = url_part(handle.get(), CURLUPART_SCHEME);
  parts.host = url_part(handle.get(), CURLUPART_HOST);
  parts.port = url_part(handle.get(), CURLUPART_PORT);
  parts.user = url_part(handle.get(), CURLUPART_USER);
  parts.password = url_part(handle.get(), CURLUPART_PASSWORD);
  parts.path = url_part(handle.get(), CURLUPART_PATH);
  parts.query = url_part(handle.get(), CURLUPART_QUERY);
  parts.fragment = url_part(handle.get(), CURLUPART_FRAGMENT);
  std::transform(parts.scheme.begin(), parts.scheme.end(), parts.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return parts;
}

void split_into(std::string_view text, std::string_view separators,
                std::vector<std::string>& out) {
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find_first_of(separators, begin);
    if (end == std::string_view::npos) end = text.size();
    out.emplace_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
}

}  // namespace

Status check_http_url(const std::string& url, std::string_view what) {
  if (url.empty()) return invalid(fmt::format("{} is empty", what));
  if (url.find("://") == std::string::npos) {
    return invalid(
        fmt::format("{} is not absolute: it must start with https:// (or http://)", what));
  }
  auto parts = parse_url(url);
  if (!parts) return invalid(fmt::format("{} is malformed ({})", what, parts.error()));
  if (parts->scheme != "https" && parts->scheme != "http") {
    return invalid(fmt::format("{} must use https (or http), not {}", what, parts->scheme));
  }
  if (parts->host.empty()) return invalid(fmt::format("{} has no host", what));
  return {};
}

std::string redacted_url(const std::string& url) {
  auto parts = parse_url(url);
  if (!parts || parts->host.empty()) return "(malformed URL)";
  std::string out = parts->scheme + "://" + parts->host;
  if (!parts->port.empty()) out += ":" + parts->port;
  const bool more = parts->path != "/" || !parts->query.empty() || !parts->fragment.empty();
  out += more ? "/…" : "/";
  return out;
}

std::string url_scheme(const std::string& url) {
  auto parts = parse_url(url);
  return parts ? parts->scheme : "";
}

std::string url_host(const std::string& url) {
  auto parts = parse_url(url);
  return parts ? parts->host : "";
}

std::vector<std::string> sensitive_parts(const std::string& url, const std::string& secret) {
  std::vector<std::string> pieces;
  auto parts = parse_url(url);
  if (parts) {
    if (parts->path != "/") pieces.push_back(parts->path);
    pieces.push_back(parts->query);
    pieces.push_back(parts->fragment);
    pieces.push_back(parts->user);
    pieces.push_back(parts->password);
    split_into(parts->path, "/", pieces);
    split_into(parts->query, "&=", pieces);
  } else {
    pieces.push_back(url);  // unparsed: nothing of it may show
  }
  pieces.push_back(secret);
  std::erase_if(pieces, [](const std::string& piece) { return piece.size() < 3; });
  return pieces;
}

}  // namespace sgwatch
