#include "notify/notify_config.h"

#include <regex>
#include <set>

#include <fmt/format.h>

#include "core/duration.h"
#include "notify/email_content.h"
#include "notify/sinks/jsonl_sink.h"
#include "notify/sinks/ses_sink.h"
#include "notify/sinks/slack_sink.h"
#include "notify/sinks/smtp_sink.h"
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

// `from` may carry a display name ("sgwatch <alerts@example.com>").
std::string check_mailbox(const ConfigValue& value) {
  auto checked = check_email_address(bare_address(as_text(value)));
  return checked ? "" : checked.error().message;
}

// `to` is envelope recipients: bare addresses only.
std::string check_address(const ConfigValue& value) {
  auto checked = check_email_address(as_text(value));
  return checked ? "" : checked.error().message + " (give the address alone, without a name)";
}

KeySchema destinations_schema() {
  KeySchema name = string_key("name",
                              "The destination's name, as routes and `[routing]` name it and "
                              "`sgwatch outbox` shows it.");
  name.required = true;
  name.check = check_name;
  KeySchema type = string_key(
      "type", "`webhook`: an HTTP POST of each alert's JSON document; `slack`: a Block Kit "
              "message to a Slack incoming webhook; `smtp`: an email through an SMTP server; "
              "`ses`: an email through Amazon SES; `jsonl`: a line per alert appended to a "
              "file.");
  type.required = true;
  type.allowed = {"webhook", "slack", "smtp", "ses", "jsonl"};
  KeySchema url = string_key(
      "url",
      "webhook, slack: the URL alerts are posted to (https; http only for a receiver on "
      "this machine). A secret: such URLs carry a token; give it as `url_file` or `${ENV}` "
      "to keep it out of the file.");
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
  KeySchema from = string_key("from",
                              "smtp, ses: the sender, `alerts@example.com` or "
                              "`sgwatch <alerts@example.com>`; for SES a verified identity "
                              "(the address or its domain).");
  from.check = check_mailbox;
  KeySchema to = string_list_key(
      "to",
      "smtp, ses: who gets the alerts that name no owner. Alerts routed by the owner tag "
      "(`[routing] owner_destinations`) go to the group's owner addresses instead.");
  to.check = check_address;
  KeySchema tls = string_key("tls",
                             "smtp: `starttls` (port 587, STARTTLS required), `implicit` (port "
                             "465, TLS from the start) or `none` (only to a server on this "
                             "machine).",
                             "starttls");
  tls.allowed = {"starttls", "implicit", "none"};
  KeySchema password = string_key("password", "smtp: the AUTH password. A secret: give it as "
                                              "`password_file` or `${ENV}`.");
  password.secret = true;
  return table_array_key(
      "destinations",
      "Where alerts go. Each alert is written to the store's outbox before it is sent, and "
      "sent again after a failure until the destination takes it (see `[outbox]`).",
      {name, type, url, secret,
       duration_key("timeout",
                    "How long one delivery may take, answer included (30s by default for "
                    "smtp and ses).",
                    "10s"),
       from, to,
       string_key("host", "smtp: the mail server's host name or address."),
       integer_key("port", "smtp: the server's port; by default 587 (starttls), 465 "
                           "(implicit) or 25 (none)."),
       tls, string_key("username", "smtp: the AUTH user name; unset: no AUTH."), password,
       string_key("ca_file", "smtp: a PEM file of the CAs the server's certificate is checked "
                             "against; unset: the system's."),
       string_key("region", "ses: the region whose SES sends (`us-east-1`)."),
       string_key("configuration_set", "ses: the configuration set to send with."),
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

DestinationType type_from(const std::string& text) {
  if (text == "slack") return DestinationType::kSlack;
  if (text == "smtp") return DestinationType::kSmtp;
  if (text == "ses") return DestinationType::kSes;
  if (text == "jsonl") return DestinationType::kJsonl;
  return DestinationType::kWebhook;
}

// The keys each type reads beside name, type and timeout.
const std::vector<std::string>& keys_of(DestinationType type) {
  static const std::vector<std::string> kWebhook{"url", "secret"};
  static const std::vector<std::string> kSlack{"url"};
  static const std::vector<std::string> kSmtp{"from", "to", "host", "port", "tls",
                                              "username", "password", "ca_file"};
  static const std::vector<std::string> kSes{"from", "to", "region", "configuration_set"};
  static const std::vector<std::string> kJsonl{"path"};
  switch (type) {
    case DestinationType::kWebhook: return kWebhook;
    case DestinationType::kSlack: return kSlack;
    case DestinationType::kSmtp: return kSmtp;
    case DestinationType::kSes: return kSes;
    case DestinationType::kJsonl: return kJsonl;
  }
  return kWebhook;
}

}  // namespace

SmtpOptions smtp_options(const DestinationConfig& config) {
  SmtpOptions options;
  options.host = config.host;
  options.tls = config.tls == "implicit" ? SmtpTls::kImplicit
                : config.tls == "none"   ? SmtpTls::kNone
                                         : SmtpTls::kStartTls;
  options.port = config.port != 0 ? config.port
                 : options.tls == SmtpTls::kImplicit ? 465
                 : options.tls == SmtpTls::kNone     ? 25
                                                     : 587;
  options.username = config.username;
  options.password = config.password;
  options.ca_file = config.ca_file;
  options.timeout = config.timeout;
  return options;
}

SesOptions ses_options(const DestinationConfig& config) {
  return SesOptions{.region = config.region,
                    .configuration_set = config.configuration_set,
                    .timeout = config.timeout};
}

namespace {

Result<DestinationConfig> destination_from(const ConfigTable& table) {
  DestinationConfig config;
  config.name = table.string("name").value_or("");
  config.where = table.position();
  const std::string place = fmt::format("{}: destination '{}'", config.where.str(), config.name);
  config.type = type_from(table.string("type").value_or(""));
  const std::string type = to_string(config.type);
  static const std::vector<std::string> kTyped{"url",  "secret",   "from",     "to",
                                               "host", "port",     "tls",      "username",
                                               "password", "ca_file", "region",
                                               "configuration_set", "path"};
  const std::vector<std::string>& own = keys_of(config.type);
  for (const std::string& key : kTyped) {
    if (table.given(key) && std::find(own.begin(), own.end(), key) == own.end()) {
      return invalid(fmt::format("{}: `{}` is not a key of {} destinations",
                                 table.where(key).str(), key, type));
    }
  }
  config.url = table.string("url").value_or("");
  config.secret = table.string("secret").value_or("");
  config.path = table.string("path").value_or("");
  config.from = table.string("from").value_or("");
  config.to = table.strings("to").value_or(std::vector<std::string>{});
  config.host = table.string("host").value_or("");
  const int64_t port = table.integer("port").value_or(0);
  if (table.given("port") && (port < 1 || port > 65535)) {
    return invalid(fmt::format("{}: the port must be within 1..65535, not {}",
                               table.where("port").str(), port));
  }
  config.port = static_cast<int>(port);
  config.tls = table.string("tls").value_or("starttls");
  config.username = table.string("username").value_or("");
  config.password = table.string("password").value_or("");
  config.ca_file = table.string("ca_file").value_or("");
  config.region = table.string("region").value_or("");
  config.configuration_set = table.string("configuration_set").value_or("");
  const bool mail = config.type == DestinationType::kSmtp || config.type == DestinationType::kSes;
  // The schema's default is the webhooks'; mail servers are given longer unless told.
  auto timeout = duration_at(table, "timeout", "10s");
  if (!timeout) return tl::unexpected(timeout.error());
  config.timeout = mail && !table.given("timeout") ? std::chrono::seconds(30) : *timeout;
  // Repeats would send one person the same mail twice.
  std::vector<std::string> unique;
  for (const std::string& address : config.to) {
    if (std::find(unique.begin(), unique.end(), address) == unique.end()) unique.push_back(address);
  }
  config.to = std::move(unique);

  auto need = [&](const char* key, const std::string& value) -> Status {
    if (!value.empty()) return {};
    return invalid(fmt::format("{}: {} destinations need `{}`", place, type, key));
  };
  Status needed;
  switch (config.type) {
    case DestinationType::kWebhook:
    case DestinationType::kSlack:
      needed = need("url", config.url);
      break;
    case DestinationType::kSmtp:
      needed = need("host", config.host).and_then([&] { return need("from", config.from); });
      if (needed) {
        if (auto checked = check_smtp_options(smtp_options(config)); !checked) {
          return invalid(place + ": " + checked.error().message);
        }
      }
      break;
    case DestinationType::kSes:
      needed = need("region", config.region).and_then([&] { return need("from", config.from); });
      if (needed) {
        if (auto checked = check_ses_options(ses_options(config)); !checked) {
          return invalid(place + ": " + checked.error().message);
        }
      }
      break;
    case DestinationType::kJsonl:
      needed = need("path", config.path);
      break;
  }
  if (!needed) return tl::unexpected(needed.error());
  return config;
}

}  // namespace

std::string to_string(DestinationType type) {
  switch (type) {
    case DestinationType::kWebhook: return "webhook";
    case DestinationType::kSlack: return "slack";
    case DestinationType::kSmtp: return "smtp";
    case DestinationType::kSes: return "ses";
    case DestinationType::kJsonl: return "jsonl";
  }
  return "webhook";
}

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
    // A route's or the fallback's alerts name no owner: a mail destination needs its own
    // recipients for them, or each would fail.
    if (reference.path.find("owner_destinations") != std::string::npos) continue;
    for (const DestinationConfig& destination : settings.destinations) {
      const bool mail = destination.type == DestinationType::kSmtp ||
                        destination.type == DestinationType::kSes;
      if (destination.name == reference.name && mail && destination.to.empty()) {
        return invalid(fmt::format(
            "{}: {} names '{}', which has no `to`: the alerts it is sent name no owner, so "
            "it needs recipients of its own",
            reference.where.str(), reference.path, reference.name));
      }
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
                                                         const DestinationContext& context) {
  std::vector<OutboxDestination> opened;
  for (const DestinationConfig& config : settings.destinations) {
    const EmailSettings email{config.from, config.to, context.zone};
    Result<std::unique_ptr<Sink>> sink = invalid("unknown destination type");
    switch (config.type) {
      case DestinationType::kWebhook:
        sink = make_webhook_sink({config.url, config.secret, config.timeout}, context.clock,
                                 context.loopback_only);
        break;
      case DestinationType::kSlack:
        sink = make_slack_sink({.url = config.url,
                                .timeout = config.timeout,
                                .min_interval = std::chrono::seconds(1),
                                .zone = context.zone},
                               context.clock, context.loopback_only);
        break;
      case DestinationType::kSmtp:
        sink = std::unique_ptr<Sink>(
            std::make_unique<SmtpSink>(smtp_options(config), email_composer(email)));
        break;
      case DestinationType::kSes:
        if (!context.credentials) {
          sink = invalid("SES needs AWS credentials, and there are none");
          break;
        }
        sink = make_ses_sink(ses_options(config), *context.credentials, context.env,
                             context.clock, email_composer(email), context.loopback_only);
        break;
      case DestinationType::kJsonl:
        sink = make_jsonl_sink(config.path);
        break;
    }
    if (!sink) return tl::unexpected(sink.error().within("destination '" + config.name + "'"));
    opened.push_back({config.name, std::move(*sink)});
  }
  return opened;
}

}  // namespace sgwatch
