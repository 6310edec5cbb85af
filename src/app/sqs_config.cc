#include "app/sqs_config.h"

#include <fmt/format.h>

#include "core/duration.h"

namespace sgwatch {
namespace {

// SQS keeps a message 14 days at most: an envelope older than that cannot come from a queue.
constexpr std::chrono::hours kLongestRetention{24 * 14};

std::string check_wait(const ConfigValue& value) {
  auto wait = parse_duration(as_text(value));
  if (!wait) return wait.error().message;
  return *wait <= std::chrono::seconds(20) && *wait % std::chrono::seconds(1) == std::chrono::milliseconds(0)
             ? ""
             : "must be whole seconds from 0s to 20s (SQS's longest poll)";
}

std::string check_visibility(const ConfigValue& value) {
  auto visibility = parse_duration(as_text(value));
  if (!visibility) return visibility.error().message;
  return *visibility >= std::chrono::seconds(10) && *visibility <= std::chrono::hours(12) &&
                 *visibility % std::chrono::seconds(1) == std::chrono::milliseconds(0)
             ? ""
             : "must be whole seconds from 10s to 12h";
}

}  // namespace

KeySchema sqs_config_schema() {
  KeySchema wait = string_key(
      "wait",
      "How long one receive waits for a message (SQS long polling). Shutdown does not wait "
      "for it.",
      "20s");
  wait.check = check_wait;
  KeySchema visibility = string_key(
      "visibility_timeout",
      "How long a received message stays hidden from other readers; sgwatch extends it "
      "while it handles the message. A message not deleted (a failure, or poison) comes "
      "again after it.",
      "60s");
  visibility.check = check_visibility;
  return table_key(
      "sqs",
      "SQS queues `sgwatch watch` reads for events: CloudTrail calls an EventBridge rule "
      "forwards, and AWS Config notifications an SNS topic forwards (raw or not). Each event "
      "makes sgwatch read the groups it names at once.",
      {string_list_key("queues",
                       "The queue URLs to read (`https://sqs.eu-west-1.amazonaws.com/"
                       "123456789012/sgwatch-events`), with sgwatch's own credentials. Give "
                       "each a dead-letter queue (a redrive policy): a message that can never "
                       "be taken in is left for it. Flag: `--sqs-queue`.",
                       std::vector<std::string>{}),
       string_key("region",
                  "The region of queue URLs that name none (a custom endpoint). Default: "
                  "the home region (`AWS_REGION`, the profile's, or the first in `regions`)."),
       wait, visibility,
       string_list_key("topics",
                       "The SNS topic ARNs (globs) whose envelopes are accepted from the "
                       "queues. Default: `[sns] topics`; when both are empty, any topic whose "
                       "signature verifies (the queue's policy decides who may send).",
                       std::vector<std::string>{})});
}

Result<SqsQueue> parse_queue_url(std::string_view url, const std::optional<Region>& region) {
  const std::string text(url);
  const auto scheme = text.find("://");
  if (scheme == std::string::npos ||
      (text.substr(0, scheme) != "https" && text.substr(0, scheme) != "http")) {
    return invalid(fmt::format("'{}' is not an http(s) queue URL", text));
  }
  const auto path = text.find('/', scheme + 3);
  if (path == std::string::npos || path == scheme + 3) {
    return invalid(fmt::format("'{}' has no /<account>/<queue> path", text));
  }
  const std::string_view rest = std::string_view(text).substr(path + 1);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= rest.size() ||
      rest.find('/', slash + 1) != std::string_view::npos) {
    return invalid(fmt::format("'{}' has no /<account>/<queue> path", text));
  }
  std::optional<Region> named = region_of_queue_url(text);
  if (!named) named = region;
  if (!named) return invalid(fmt::format("cannot tell the region of queue '{}'", text));
  return SqsQueue{text, *named};
}

Result<SqsSettings> sqs_settings_from(const ConfigTable& root, const SnsSettings& sns,
                                      const std::vector<std::string>& queue_flags,
                                      const Region& home_region) {
  const ConfigTable& table = root.table("sqs");
  SqsSettings settings;
  std::optional<Region> region = home_region;
  if (auto text = table.string("region")) {
    auto parsed = Region::parse(*text);
    if (!parsed) return tl::unexpected(parsed.error().within(table.where("region").str() + ": [sqs] region"));
    region = *parsed;
  }
  const std::vector<std::string> urls =
      queue_flags.empty() ? table.strings("queues").value_or(std::vector<std::string>{})
                          : queue_flags;
  const std::string where =
      queue_flags.empty() ? table.where("queues").str() + ": [sqs] queues" : "--sqs-queue";
  for (const std::string& url : urls) {
    auto queue = parse_queue_url(url, region);
    if (!queue) return tl::unexpected(queue.error().within(where));
    for (const SqsQueue& earlier : settings.queues) {
      if (earlier.url == queue->url) return invalid(where + ": '" + url + "' is listed twice");
    }
    settings.queues.push_back(std::move(*queue));
  }
  settings.enabled = !settings.queues.empty();

  auto wait = parse_duration(table.string("wait").value_or("20s"));
  if (!wait) return tl::unexpected(wait.error().within(table.where("wait").str()));
  settings.receive.wait = std::chrono::duration_cast<std::chrono::seconds>(*wait);
  auto visibility = parse_duration(table.string("visibility_timeout").value_or("60s"));
  if (!visibility) {
    return tl::unexpected(visibility.error().within(table.where("visibility_timeout").str()));
  }
  settings.receive.visibility = std::chrono::duration_cast<std::chrono::seconds>(*visibility);
  settings.receive.max_messages = 10;

  settings.verify = sns.verify;
  settings.verify.max_age = kLongestRetention;
  const auto topics = table.strings("topics").value_or(std::vector<std::string>{});
  if (!topics.empty()) {
    settings.verify.allowed_topics = topics;
  } else if (sns.verify.allowed_topics && sns.verify.allowed_topics->empty()) {
    settings.verify.allowed_topics.reset();  // any topic: the queue's policy decides
  }
  settings.certificate_dir = sns.certificate_dir;
  return settings;
}

}  // namespace sgwatch
