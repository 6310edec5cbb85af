#include "notify/sinks/webhook_sink.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "aws/curl_transport.h"
#include "core/digest.h"

namespace sgwatch {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// No version constant exists yet; the bare product name is what receivers log.
constexpr const char* kUserAgent = "sgwatch";

// A receiver's answer is read only for its status and Retry-After, so a large one is
// refused rather than held in memory.
constexpr std::size_t kMaxResponseBytes = 1u << 20;
constexpr milliseconds kMaxConnectTimeout{5000};

// --- URLs ---

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
// Any scheme is parsed here; which are allowed is check_webhook_url()'s business.
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

// Everything of the URL beyond scheme, host and port, whole and in pieces (a path
// segment, a query name or value may be the token on its own), plus the secret. Pieces
// shorter than three characters are too common to mean anything and are left out.
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

// --- Retry-After ---

std::string_view trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

// --- Outcomes ---

std::string failure_name(TransportFailure failure) {
  switch (failure) {
    case TransportFailure::kConnect: return "cannot connect";
    case TransportFailure::kTimeout: return "timed out";
    case TransportFailure::kBroken: return "connection broke";
    case TransportFailure::kTooLarge: return "response too large";
    case TransportFailure::kCancelled: return "cancelled";
    case TransportFailure::kTls: return "TLS failed";
    case TransportFailure::kRefused: return "request refused before sending";
  }
  return "transport failed";
}

// Whether another attempt may succeed without anyone changing anything.
bool may_pass(TransportFailure failure) {
  switch (failure) {
    case TransportFailure::kConnect:
    case TransportFailure::kTimeout:
    case TransportFailure::kBroken:
    case TransportFailure::kTooLarge:
    case TransportFailure::kCancelled:
      return true;
    case TransportFailure::kTls:      // a certificate does not fix itself between attempts
    case TransportFailure::kRefused:  // policy or a malformed request: the same next time
      return false;
  }
  return false;
}

bool retryable_status(int status) {
  return status == 408 || status == 425 || status == 429 || (status >= 500 && status <= 599);
}

std::string describe_wait(milliseconds wait) {
  // Rounded up: "retry after 0 s" for a wait of 300 ms would read as "now".
  return fmt::format("retry after {} s", (wait.count() + 999) / 1000);
}


}  // namespace

Status check_webhook_url(const std::string& url) {
  if (url.empty()) return invalid("the webhook URL is empty");
  if (url.find("://") == std::string::npos) {
    return invalid("the webhook URL is not absolute: it must start with https:// (or http://)");
  }
  auto parts = parse_url(url);
  if (!parts) return invalid(fmt::format("the webhook URL is malformed ({})", parts.error()));
  if (parts->scheme != "https" && parts->scheme != "http") {
    return invalid(fmt::format("the webhook URL must use https (or http), not {}",
                               parts->scheme));
  }
  if (parts->host.empty()) return invalid("the webhook URL has no host");
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

std::optional<milliseconds> parse_retry_after(std::string_view value, Timestamp now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    uint64_t delta = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), delta);
    // Too large to hold in milliseconds is not a wait anyone meant.
    constexpr uint64_t kMaxSeconds =
        static_cast<uint64_t>(std::numeric_limits<milliseconds::rep>::max() / 1000);
    if (error != std::errc() || end != value.data() + value.size() || delta > kMaxSeconds) {
      return std::nullopt;
    }
    return milliseconds(static_cast<milliseconds::rep>(delta) * 1000);
  }
  // An HTTP-date, in any of the three forms RFC 9110 allows; libcurl parses them.
  const time_t date = curl_getdate(std::string(value).c_str(), nullptr);
  if (date == -1) return std::nullopt;
  const Timestamp at{std::chrono::duration_cast<milliseconds>(seconds(date))};
  return at <= now ? milliseconds(0) : at - now;
}

std::string webhook_signature(std::string_view secret, std::string_view timestamp,
                              std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  return "v1=" + hmac_sha256_hex(secret, message);
}

WebhookSink::WebhookSink(HttpTransport& transport, WebhookOptions options, const Clock& clock)
    : transport_(transport),
      options_(std::move(options)),
      clock_(clock),
      url_status_(check_webhook_url(options_.url)),
      target_(redacted_url(options_.url)),
      sensitive_(sensitive_parts(options_.url, options_.secret)) {}

WebhookSink::WebhookSink(std::unique_ptr<HttpTransport> transport, WebhookOptions options,
                         const Clock& clock)
    : owned_transport_(std::move(transport)),
      transport_(*owned_transport_),
      options_(std::move(options)),
      clock_(clock),
      url_status_(check_webhook_url(options_.url)),
      target_(redacted_url(options_.url)),
      sensitive_(sensitive_parts(options_.url, options_.secret)) {}

std::string WebhookSink::describe() const { return "webhook " + target_; }

bool WebhookSink::leaks(std::string_view text) const {
  return std::any_of(sensitive_.begin(), sensitive_.end(), [text](const std::string& piece) {
    return text.find(piece) != std::string_view::npos;
  });
}

std::string WebhookSink::transport_reason(const TransportError& error) const {
  const std::string name = failure_name(error.failure);
  // The transport's text is the most precise, but is quoted only when it holds nothing of
  // the URL's secret parts. Its leading origin ("http://host:port: ") repeats the target.
  std::string detail = leaks(error.message) ? "" : error.message;
  if (detail.starts_with("http://") || detail.starts_with("https://")) {
    size_t separator = detail.find(": ");
    detail = separator == std::string::npos ? "" : detail.substr(separator + 2);
  }
  if (detail.empty()) return fmt::format("{}: {}", describe(), name);
  if (detail.starts_with(name)) return fmt::format("{}: {}", describe(), detail);
  return fmt::format("{}: {} ({})", describe(), name, detail);
}

DeliveryOutcome WebhookSink::deliver(const Alert& alert) {
  if (!url_status_) {
    return DeliveryOutcome::fatal(
        fmt::format("{}: {}", describe(), url_status_.error().message));
  }
  const std::string timestamp =
      std::to_string(std::chrono::floor<seconds>(clock_.now().time_since_epoch()).count());
  HttpRequest request;
  request.method = "POST";
  request.url = options_.url;
  request.body = alert.body;
  request.headers = {
      {"Content-Type", "application/json"},
      {"User-Agent", kUserAgent},
      {"Idempotency-Key", alert.id},
      {"X-Sgwatch-Alert-Id", alert.id},
      {"X-Sgwatch-Timestamp", timestamp},
  };
  if (!options_.secret.empty()) {
    request.headers.emplace_back("X-Sgwatch-Signature",
                                 webhook_signature(options_.secret, timestamp, alert.body));
  }

  auto response = transport_.send(request);
  if (!response) {
    std::string reason = transport_reason(response.error());
    return may_pass(response.error().failure) ? DeliveryOutcome::retry(std::move(reason))
                                              : DeliveryOutcome::fatal(std::move(reason));
  }

  const int status = response->status;
  if (status >= 200 && status <= 299) return DeliveryOutcome::ok();
  if (retryable_status(status)) {
    auto wait = parse_retry_after(response->header("Retry-After"), clock_.now());
    std::string reason = fmt::format("{}: HTTP {}", describe(), status);
    if (wait) reason += fmt::format(" ({})", describe_wait(*wait));
    return DeliveryOutcome::retry(std::move(reason), wait);
  }
  // The Location header is never quoted: it may point at another tokenised URL.
  if (status >= 300 && status <= 399) {
    return DeliveryOutcome::fatal(
        fmt::format("{}: HTTP {}: redirects are not followed", describe(), status));
  }
  if (status >= 400 && status <= 499) {
    return DeliveryOutcome::fatal(
        fmt::format("{}: HTTP {}: the receiver refused the alert", describe(), status));
  }
  return DeliveryOutcome::fatal(fmt::format("{}: unexpected HTTP status {}", describe(), status));
}

Result<std::unique_ptr<WebhookSink>> make_webhook_sink(WebhookOptions options,
                                                       const Clock& clock, bool loopback_only) {
  if (auto checked = check_webhook_url(options.url); !checked) {
    return tl::unexpected(checked.error());
  }
  if (options.timeout <= milliseconds(0)) {
    return invalid(fmt::format("the webhook timeout must be positive, not {} ms",
                               options.timeout.count()));
  }
  CurlTransportOptions transport;
  transport.total_timeout = options.timeout;
  transport.connect_timeout = std::min(options.timeout, kMaxConnectTimeout);
  transport.max_response_bytes = kMaxResponseBytes;
  transport.allow_only_loopback = loopback_only;
  transport.max_idle_connections = 1;  // one worker sends, one request at a time
  return std::make_unique<WebhookSink>(std::make_unique<CurlTransport>(transport),
                                       std::move(options), clock);
}

}  // namespace sgwatch
