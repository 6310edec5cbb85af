// What webhook-like destinations (the webhook, Slack) share: one POST whose answer becomes
// a DeliveryOutcome, judged the same way for all of them.
//
// - 2xx: ok.
// - 408, 425, 429 and 5xx: retry, with the Retry-After the receiver gave (delta-seconds or
//   an HTTP-date), if it gave a readable one.
// - 3xx: fatal. Redirects are never followed: a POST sent to where a redirect points could
//   carry the alert to a host nobody configured.
// - any other status: fatal, naming the status. The alert will not be accepted as it is.
// - no answer: retry when the cause may pass (connect, timeout, broken connection, response
//   too large, cancelled); fatal when it will not (TLS verification, a policy refusal).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/http.h"
#include "core/clock.h"
#include "notify/sinks/sink.h"

namespace sgwatch {

// The destination as reasons may show it.
struct HttpTarget {
  std::string label;                   // "webhook https://hooks.example.com/…"
  std::vector<std::string> sensitive;  // sensitive_parts(): never in a reason
};

// Whether a delivery that got no answer for `failure` may succeed next time without anyone
// changing anything (connect, timeout, broken, too large, cancelled), or never will (TLS
// verification, a policy refusal).
bool may_pass(TransportFailure failure);

// The outcome of one POST's `answer`, seen at `now`. Reasons start with the target's
// label. `answer_detail`: the receiver's own word for a refusal (Slack's "invalid_payload"),
// added to a fatal reason when it holds nothing sensitive.
DeliveryOutcome judge_http_answer(const TransportResult<HttpResponse>& answer,
                                  const HttpTarget& target, Timestamp now,
                                  std::string_view answer_detail = {});

// The wait a Retry-After value asks for, seen at `now`: delta-seconds ("120"), or an
// HTTP-date (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", or the obsolete RFC 850 and
// asctime forms, which RFC 9110 still asks recipients to accept), relative to `now`; a date
// in the past is zero. Anything else, including an empty value, is nullopt.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           Timestamp now);

// The transport a webhook-like sink owns: the whole exchange within `timeout`, answers of
// at most 1 MiB (only the status and a few headers are read), one connection kept.
// `loopback_only` refuses every non-loopback address (tests, the demo).
std::unique_ptr<HttpTransport> make_delivery_transport(std::chrono::milliseconds timeout,
                                                       bool loopback_only);

}  // namespace sgwatch
