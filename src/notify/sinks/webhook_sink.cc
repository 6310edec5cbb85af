#include "notify/sinks/webhook_sink.h"

#include <utility>

#include <fmt/format.h>

#include "core/digest.h"

namespace sgwatch {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// No version constant exists yet; the bare product name is what receivers log.
constexpr const char* kUserAgent = "sgwatch";

HttpTarget webhook_target(const WebhookOptions& options) {
  return {"webhook " + redacted_url(options.url), sensitive_parts(options.url, options.secret)};
}

}  // namespace

Status check_webhook_url(const std::string& url) { return check_http_url(url, "the webhook URL"); }

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
      target_(webhook_target(options_)) {}

WebhookSink::WebhookSink(std::unique_ptr<HttpTransport> transport, WebhookOptions options,
                         const Clock& clock)
    : owned_transport_(std::move(transport)),
      transport_(*owned_transport_),
      options_(std::move(options)),
      clock_(clock),
      url_status_(check_webhook_url(options_.url)),
      target_(webhook_target(options_)) {}

std::string WebhookSink::describe() const { return target_.label; }

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
  return judge_http_answer(transport_.send(request), target_, clock_.now());
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
  auto transport = make_delivery_transport(options.timeout, loopback_only);
  return std::make_unique<WebhookSink>(std::move(transport), std::move(options), clock);
}

}  // namespace sgwatch
