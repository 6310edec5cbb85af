#include "notify/notify_config.h"

#include <regex>
#include <set>

#include <fmt/format.h>

#include "core/duration.h"
#include "notify/sinks/jsonl_sink.h"
#include "notify/sinks/webhook_sink.h"

namespace sgwatch {
namespace {

std::string check_name(const ConfigValue& value) {
  static const std::regex kName("[a-z0-9][a-z0-9_-]{0,62}");
  return std::regex_match(as_text(value), kName)
             ? ""
             : "must be lowercase letters, digits, '-' and '_' (at most 63), starting with a "
               "letter or digit";
}

KeySchema duration_key(std::string name, std::string description, std::string default_value) {
  KeySchema key = string_key(std::move(name), std::move(description), std::move(default_value));
  key.check = check_with(parse_duration);
  return key;
}

KeySchema destinations_schema() {
  KeySchema name = string_key("name",
                              "The destination's name, as routes and `[routing]` name it and "
                              "`sgwatch outbox` shows it.");
  name.required = true;
  name.check = check_name;
  KeySchema type = string_key(
      "type", "`webhook`: an HTTP POST of each alert's JSON document; `jsonl`: a line per "
              "alert appended to a file.");
  type.required = true;
  type.allowed = {"webhook", "jsonl"};
  KeySchema url = string_key(
      "url",
      "webhook: the URL alerts are posted to (https; http only for a receiver on this "
      "machine). A secret: webhook URLs often carry a token; give it as `url_file` or "
      "`${ENV}` to keep it out of the file.");
  url.secret = true;
  url.check = [](const ConfigValue& value) {
    auto checked = check_webhook_url(as_text(value));
    return checked ? std::string() : checked.error().message;
  };
  KeySchema secret = string_key(
      "secret",
      "webhook: the shared key of the `X-Sgwatch-Signature` header (HMAC-SHA256 of the "
      "timestamp header, '.', and the body). Unset: requests are not signed.");
  secret.secret = true;
  return table_array_key(
      "destinations",
      "Where alerts go. Each alert is written to the store's outbox before it is sent, and "
      "sent again after a failure until the destination takes it (see `[outbox]`).",
      {name, type, url, secret,
       duration_key("timeout", "webhook: how long one delivery may take, answer included.",
                    "10s"),
       string_key("path", "jsonl: the file each alert is appended to, as one line.")});
}

KeySchema outbox_schema() {
  return table_key(
      "outbox", "How alerts a destination could not take are retried.",
      {duration_key("first_retry", "The wait after the first failed delivery; it doubles "
                                   "after each further one (less a random part of up to "
                                   "half), unless the destination says when (Retry-After).",
                    "1s"),
       duration_key("max_retry", "The longest wait between two deliveries of an alert.", "5m"),
       duration_key("max_age",
                    "How long an alert is retried, from its creation, before it is given up "
                    "and kept as failed (`sgwatch outbox` lists it; `sgwatch outbox retry` "
                    "sends it again).",
                    "24h")});
}

Result<std::chrono::milliseconds> duration_at(const ConfigTable& table, const std::string& key,
                                              const std::string& fallback) {
  auto duration = parse_duration(table.string(key).value_or(fallback));
  if (!duration) return tl::unexpected(duration.error().within(table.where(key).str()));
  return *duration;
}

Result<DestinationConfig> destination_from(const ConfigTable& table) {
  DestinationConfig config;
  config.name = table.string("name").value_or("");
  config.where = table.position();
  const std::string place = fmt::format("{}: destination '{}'", config.where.str(), config.name);
  config.type = table.string("type").value_or("") == "jsonl" ? DestinationType::kJsonl
                                                             : DestinationType::kWebhook;
  config.url = table.string("url").value_or("");
  config.secret = table.string("secret").value_or("");
  config.path = table.string("path").value_or("");
  auto timeout = duration_at(table, "timeout", "10s");
  if (!timeout) return tl::unexpected(timeout.error());
  config.timeout = *timeout;
  if (config.type == DestinationType::kWebhook) {
    if (config.url.empty()) return invalid(place + ": a webhook needs `url` (or `url_file`)");
    if (table.given("path")) return invalid(place + ": `path` is for jsonl destinations");
  } else {
    if (config.path.empty()) return invalid(place + ": a jsonl destination needs `path`");
    for (const char* key : {"url", "secret"}) {
      if (table.given(key)) return invalid(fmt::format("{}: `{}` is for webhooks", place, key));
    }
  }
  return config;
}

}  // namespace

std::vector<KeySchema> notify_config_schema() {
  std::vector<KeySchema> keys{destinations_schema(), outbox_schema()};
  for (KeySchema& key : routing_config_schema()) keys.push_back(std::move(key));
  return keys;
}

Result<NotifySettings> notify_settings_from(const ConfigTable& root) {
  NotifySettings settings;
  std::set<std::string> names;
  for (const ConfigTable& table : root.tables("destinations")) {
    auto destination = destination_from(table);
    if (!destination) return tl::unexpected(destination.error());
    if (!names.insert(destination->name).second) {
      return invalid(fmt::format("{}: there is another destination called '{}'",
                                 table.where("name").str(), destination->name));
    }
    settings.destinations.push_back(std::move(*destination));
  }
  for (const DestinationReference& reference : referenced_destinations(root)) {
    if (!names.count(reference.name)) {
      return invalid(fmt::format("{}: {} names '{}', which is not a declared destination{}",
                                 reference.where.str(), reference.path, reference.name,
                                 names.empty() ? " (there are no [[destinations]])" : ""));
    }
  }
  auto routing = routing_config_from(root);
  if (!routing) return tl::unexpected(routing.error());
  settings.routing = std::move(*routing);

  const ConfigTable& outbox = root.table("outbox");
  auto first = duration_at(outbox, "first_retry", "1s");
  if (!first) return tl::unexpected(first.error());
  auto max = duration_at(outbox, "max_retry", "5m");
  if (!max) return tl::unexpected(max.error());
  auto age = duration_at(outbox, "max_age", "24h");
  if (!age) return tl::unexpected(age.error());
  if (*first <= std::chrono::milliseconds(0) || *max < *first) {
    return invalid(outbox.where("max_retry").str() +
                   ": max_retry must be at least first_retry, and first_retry above 0");
  }
  settings.outbox = OutboxSettings{*first, *max, *age};
  return settings;
}

Result<std::vector<OutboxDestination>> open_destinations(const NotifySettings& settings,
                                                         const Clock& clock,
                                                         bool loopback_only) {
  std::vector<OutboxDestination> opened;
  for (const DestinationConfig& config : settings.destinations) {
    std::unique_ptr<Sink> sink;
    if (config.type == DestinationType::kWebhook) {
      auto webhook = make_webhook_sink({config.url, config.secret, config.timeout}, clock,
                                       loopback_only);
      if (!webhook) return tl::unexpected(webhook.error().within("destination '" + config.name + "'"));
      sink = std::move(*webhook);
    } else {
      auto file = make_jsonl_sink(config.path);
      if (!file) return tl::unexpected(file.error().within("destination '" + config.name + "'"));
      sink = std::move(*file);
    }
    opened.push_back({config.name, std::move(sink)});
  }
  return opened;
}

}  // namespace sgwatch
