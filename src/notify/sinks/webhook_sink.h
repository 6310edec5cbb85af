// The webhook destination: one HTTP POST per alert, the alert document as the body.
//
// What the receiver gets:
//   POST <url>
//   Content-Type: application/json
//   User-Agent: sgwatch
//   Idempotency-Key: <alert id>        (the same on every resend: the receiver drops repeats)
//   X-Sgwatch-Alert-Id: <alert id>
//   X-Sgwatch-Timestamp: <unix seconds of this attempt>
//   X-Sgwatch-Signature: v1=<hex>      (only with a secret)
//   <alert.body, byte for byte>
//
// The signature is the lower-case hex HMAC-SHA256, keyed with the secret, of
// "<X-Sgwatch-Timestamp>.<body>". Covering the timestamp lets a receiver refuse an old
// request replayed by someone who saw it; the receiver should compare in constant time and
// accept only timestamps close to its own clock.
//
// How an answer is judged: see http_delivery.h.
//
// Webhook URLs often carry their credential in the path or query (Slack's do), so nothing
// this file returns (reasons, describe(), errors) ever holds the URL's path, query,
// user name or password, nor the secret: only scheme, host and port.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/http.h"
#include "core/clock.h"
#include "core/error.h"
#include "notify/sinks/http_delivery.h"
#include "notify/sinks/secret_url.h"
#include "notify/sinks/sink.h"

namespace sgwatch {

struct WebhookOptions {
  // http or https. Production receivers should use https: over http the alert and its
  // signature cross the network in the clear. http is accepted for loopback receivers.
  std::string url;
  std::string secret;  // the HMAC key; "" sends no X-Sgwatch-Signature
  // The whole exchange. Used by make_webhook_sink(); a transport the caller gives to the
  // constructor carries its own timeouts.
  std::chrono::milliseconds timeout{10000};
};

// Checks that `url` is an absolute http or https URL with a host. The message never quotes
// the URL (only its scheme when that is what is wrong), since the URL may carry a token.
[[nodiscard]] Status check_webhook_url(const std::string& url);

// "v1=" and the lower-case hex HMAC-SHA256 of "<timestamp>.<body>" keyed with `secret`.
std::string webhook_signature(std::string_view secret, std::string_view timestamp,
                              std::string_view body);

class WebhookSink final : public Sink {
 public:
  // Sends through `transport`, which must outlive the sink. An invalid URL is not thrown
  // on: every deliver() then answers Fatal with check_webhook_url()'s message, so a bad
  // destination stops its own alerts and nothing else.
  WebhookSink(HttpTransport& transport, WebhookOptions options, const Clock& clock);
  // The same, owning its transport.
  WebhookSink(std::unique_ptr<HttpTransport> transport, WebhookOptions options,
              const Clock& clock);
  WebhookSink(const WebhookSink&) = delete;
  WebhookSink& operator=(const WebhookSink&) = delete;

  DeliveryOutcome deliver(const Alert& alert) override;
  void cancel() override { transport_.cancel_all(); }
  std::string describe() const override;  // "webhook https://hooks.example.com/…"

 private:
  std::unique_ptr<HttpTransport> owned_transport_;  // set by the owning constructor only
  HttpTransport& transport_;
  const WebhookOptions options_;
  const Clock& clock_;
  const Status url_status_;
  const HttpTarget target_;  // "webhook " + redacted_url(), and what must never show
};

// A WebhookSink owning a CurlTransport whose total timeout is `options.timeout`.
// `loopback_only` refuses every non-loopback address (tests). Fails (kInvalidInput) on a
// URL check_webhook_url() refuses.
Result<std::unique_ptr<WebhookSink>> make_webhook_sink(WebhookOptions options,
                                                       const Clock& clock,
                                                       bool loopback_only = false);

}  // namespace sgwatch
