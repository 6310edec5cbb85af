#include "notify/sinks/slack_sink.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "notify/alert_view.h"
#include "notify/slack_message.h"
#include "notify/sinks/secret_url.h"

namespace sgwatch {

Status check_slack_url(const std::string& url) { return check_http_url(url, "the Slack webhook URL"); }

SlackSink::SlackSink(std::unique_ptr<HttpTransport> transport, SlackOptions options,
                     const Clock& clock)
    : transport_(std::move(transport)),
      options_(std::move(options)),
      clock_(clock),
      url_status_(check_slack_url(options_.url)),
      target_{"slack " + redacted_url(options_.url), sensitive_parts(options_.url, "")} {}

std::string SlackSink::describe() const { return target_.label; }

void SlackSink::cancel() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  wake_.notify_all();
  transport_->cancel_all();
}

bool SlackSink::wait_for_turn() {
  std::unique_lock lock(mutex_);
  if (last_sent_) {
    const auto turn = *last_sent_ + options_.min_interval;
    wake_.wait_until(lock, turn, [this] { return cancelled_; });
  }
  return !cancelled_;
}

DeliveryOutcome SlackSink::deliver(const Alert& alert) {
  if (!url_status_) {
    return DeliveryOutcome::fatal(fmt::format("{}: {}", describe(), url_status_.error().message));
  }
  auto view = read_alert_view(alert.body, options_.zone);
  if (!view) return DeliveryOutcome::fatal(fmt::format("{}: {}", describe(), view.error().message));
  HttpRequest request;
  request.method = "POST";
  request.url = options_.url;
  request.body = slack_message(*view).dump();
  request.headers = {{"Content-Type", "application/json; charset=utf-8"},
                     {"User-Agent", "sgwatch"}};
  if (!wait_for_turn()) return DeliveryOutcome::retry(describe() + ": cancelled");
  auto answer = transport_->send(request);
  {
    // Counted from the answer: Slack has surely seen the message by then, so the next one
    // cannot reach it within the interval, however long this one took to arrive.
    std::lock_guard lock(mutex_);
    last_sent_ = std::chrono::steady_clock::now();
  }
  // Slack names a refusal in the body ("invalid_payload", "no_service").
  return judge_http_answer(answer, target_, clock_.now(), answer ? answer->body : "");
}

Result<std::unique_ptr<SlackSink>> make_slack_sink(SlackOptions options, const Clock& clock,
                                                   bool loopback_only) {
  if (auto checked = check_slack_url(options.url); !checked) return tl::unexpected(checked.error());
  if (options.timeout <= std::chrono::milliseconds(0)) {
    return invalid(fmt::format("the Slack timeout must be positive, not {} ms",
                               options.timeout.count()));
  }
  auto transport = make_delivery_transport(options.timeout, loopback_only);
  return std::make_unique<SlackSink>(std::move(transport), std::move(options), clock);
}

}  // namespace sgwatch
