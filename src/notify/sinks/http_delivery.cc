#include "notify/sinks/http_delivery.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "aws/curl_transport.h"

namespace sgwatch {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A receiver's answer is read only for its status and Retry-After, so a large one is
// refused rather than held in memory.
constexpr std::size_t kMaxResponseBytes = 1u << 20;
constexpr milliseconds kMaxConnectTimeout{5000};

std::string_view trim_blanks(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

bool retryable_status(int status) {
  return status == 408 || status == 425 || status == 429 || (status >= 500 && status <= 599);
}

std::string describe_wait(milliseconds wait) {
  // Rounded up: "retry after 0 s" for a wait of 300 ms would read as "now".
  return fmt::format("retry after {} s", (wait.count() + 999) / 1000);
}

bool leaks(const HttpTarget& target, std::string_view text) {
  return std::any_of(target.sensitive.begin(), target.sensitive.end(),
                     [text](const std::string& piece) {
                       return text.find(piece) != std::string_view::npos;
                     });
}

std::string transport_reason(const HttpTarget& target, const TransportError& error) {
  const std::string name = to_string(error.failure);
  // The transport's text is the most precise, but is quoted only when it holds nothing of
  // the URL's secret parts. Its leading origin ("http://host:port: ") repeats the target.
  std::string detail = leaks(target, error.message) ? "" : error.message;
  if (detail.starts_with("http://") || detail.starts_with("https://")) {
    size_t separator = detail.find(": ");
    detail = separator == std::string::npos ? "" : detail.substr(separator + 2);
  }
  if (detail.empty()) return fmt::format("{}: {}", target.label, name);
  if (detail.starts_with(name)) return fmt::format("{}: {}", target.label, detail);
  return fmt::format("{}: {} ({})", target.label, name, detail);
}

// A receiver's word is quoted only when it is short, printable and holds nothing secret.
std::string quotable(const HttpTarget& target, std::string_view detail) {
  detail = trim_blanks(detail);
  const bool printable = std::all_of(detail.begin(), detail.end(), [](char c) {
    return c >= 0x20 && c < 0x7f;
  });
  if (detail.empty() || detail.size() > 100 || !printable || leaks(target, detail)) return "";
  return fmt::format(" ({})", detail);
}

}  // namespace

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

DeliveryOutcome judge_http_answer(const TransportResult<HttpResponse>& answer,
                                  const HttpTarget& target, Timestamp now,
                                  std::string_view answer_detail) {
  if (!answer) {
    std::string reason = transport_reason(target, answer.error());
    return may_pass(answer.error().failure) ? DeliveryOutcome::retry(std::move(reason))
                                            : DeliveryOutcome::fatal(std::move(reason));
  }
  const int status = answer->status;
  if (status >= 200 && status <= 299) return DeliveryOutcome::ok();
  if (retryable_status(status)) {
    auto wait = parse_retry_after(answer->header("Retry-After"), now);
    std::string reason = fmt::format("{}: HTTP {}", target.label, status);
    if (wait) reason += fmt::format(" ({})", describe_wait(*wait));
    return DeliveryOutcome::retry(std::move(reason), wait);
  }
  // The Location header is never quoted: it may point at another tokenised URL.
  if (status >= 300 && status <= 399) {
    return DeliveryOutcome::fatal(
        fmt::format("{}: HTTP {}: redirects are not followed", target.label, status));
  }
  const std::string detail = quotable(target, answer_detail);
  if (status >= 400 && status <= 499) {
    return DeliveryOutcome::fatal(fmt::format("{}: HTTP {}: the receiver refused the alert{}",
                                              target.label, status, detail));
  }
  return DeliveryOutcome::fatal(
      fmt::format("{}: unexpected HTTP status {}{}", target.label, status, detail));
}

std::optional<milliseconds> parse_retry_after(std::string_view value, Timestamp now) {
  value = trim_blanks(value);
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

std::unique_ptr<HttpTransport> make_delivery_transport(milliseconds timeout,
                                                       bool loopback_only) {
  CurlTransportOptions options;
  options.total_timeout = timeout;
  options.connect_timeout = std::min(timeout, kMaxConnectTimeout);
  options.max_response_bytes = kMaxResponseBytes;
  options.allow_only_loopback = loopback_only;
  options.max_idle_connections = 1;  // one worker sends, one request at a time
  return std::make_unique<CurlTransport>(options);
}

}  // namespace sgwatch
