// The Slack destination: an incoming webhook, one Block Kit message per alert
// (slack_message.h).
//
// Slack allows one message per second per incoming webhook, so the sink keeps that pace
// itself: a delivery that comes sooner than a second after the previous message was
// answered waits out the rest of that second first, and that wait ends at once on cancel(). A 429 (Slack's answer when the pace is broken anyway) is
// retried after its Retry-After; answers are otherwise judged as http_delivery.h says,
// with Slack's error word ("invalid_payload", "channel_is_archived") in the reason.
//
// The URL is the credential: nothing the sink returns or logs holds more of it than the
// scheme, host and port.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "aws/http.h"
#include "core/clock.h"
#include "core/display_zone.h"
#include "core/error.h"
#include "notify/sinks/http_delivery.h"
#include "notify/sinks/sink.h"

namespace sgwatch {

struct SlackOptions {
  std::string url;  // https://hooks.slack.com/services/...; http only for loopback tests
  std::chrono::milliseconds timeout{10000};
  // The least time between two messages; Slack's limit is one per second.
  std::chrono::milliseconds min_interval{1000};
  DisplayZone zone;  // times in the message
};

// https with a host; another host than hooks.slack.com is allowed (Slack-compatible
// receivers, proxies) and said so by validate.
[[nodiscard]] Status check_slack_url(const std::string& url);

class SlackSink final : public Sink {
 public:
  // Sends through `transport`, which the sink owns.
  SlackSink(std::unique_ptr<HttpTransport> transport, SlackOptions options, const Clock& clock);

  DeliveryOutcome deliver(const Alert& alert) override;
  void cancel() override;
  std::string describe() const override;  // "slack https://hooks.slack.com/…"

 private:
  // Waits until the pace allows the next message; false when cancelled meanwhile.
  bool wait_for_turn();

  std::unique_ptr<HttpTransport> transport_;
  const SlackOptions options_;
  const Clock& clock_;
  const Status url_status_;
  const HttpTarget target_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool cancelled_ = false;
  std::optional<std::chrono::steady_clock::time_point> last_sent_;  // when it was answered
};

// A SlackSink owning a CurlTransport with `options.timeout`. `loopback_only` refuses every
// non-loopback address (tests, the demo). Fails on a URL check_slack_url() refuses.
Result<std::unique_ptr<SlackSink>> make_slack_sink(SlackOptions options, const Clock& clock,
                                                   bool loopback_only = false);

}  // namespace sgwatch
