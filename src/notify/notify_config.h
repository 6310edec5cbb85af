// The config's alert delivery: [[destinations]] (where alerts go: a webhook, Slack, email
// through SMTP or SES, a JSON Lines file), [outbox] (how long and how often a failing destination is retried), and the
// routing tables of router.h, checked together: every destination a route or the
// [routing] table names must be declared. The keys are declared here, next to the code
// that reads them.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "config/config_schema.h"
#include "aws/credential_provider.h"
#include "config/config_table.h"
#include "core/clock.h"
#include "core/display_zone.h"
#include "core/env.h"
#include "notify/outbox.h"
#include "notify/outbox_settings.h"
#include "notify/router.h"
#include "notify/sinks/ses_sink.h"
#include "notify/sinks/smtp_sink.h"

namespace sgwatch {

std::vector<KeySchema> notify_config_schema();  // [[destinations]], [outbox], routing's

enum class DestinationType { kWebhook, kSlack, kSmtp, kSes, kJsonl };

std::string to_string(DestinationType type);  // "webhook", "slack", ...

struct DestinationConfig {
  std::string name;
  DestinationType type = DestinationType::kWebhook;
  std::string url;     // webhook, slack; a secret: never shown
  std::string secret;  // webhook HMAC key; "" = unsigned
  std::chrono::milliseconds timeout{10000};
  std::string path;  // jsonl
  // Email (smtp, ses): the sender, and the recipients of alerts that name no owner.
  std::string from;
  std::vector<std::string> to;
  // smtp
  std::string host;
  int port = 0;  // 0: the TLS mode's port (587, 465, 25)
  std::string tls = "starttls";
  std::string username;
  std::string password;  // a secret
  std::string ca_file;
  // ses
  std::string region;
  std::string configuration_set;
  SourcePosition where;
};

struct NotifySettings {
  std::vector<DestinationConfig> destinations;  // in file order
  RoutingConfig routing;
  OutboxSettings outbox;
};

// The options of an smtp or ses destination, defaults filled in.
SmtpOptions smtp_options(const DestinationConfig& config);
SesOptions ses_options(const DestinationConfig& config);

// Errors name the file position of the key at fault.
Result<NotifySettings> notify_settings_from(const ConfigTable& root);

// What opening the destinations needs besides their config.
struct DestinationContext {
  const Clock& clock;
  DisplayZone zone;  // times in Slack messages and emails
  EnvLookup env;     // SES's endpoint (AWS_ENDPOINT_URL_SES)
  // SES's identity (the default credential chain); must outlive the sinks. May be null
  // when no SES destination is configured.
  std::shared_ptr<CredentialProvider> credentials;
  // Webhooks, Slack and SES may only reach loopback addresses (tests, the demo).
  bool loopback_only = false;
};

// Opens every destination's sink (a jsonl file that cannot be opened is an error naming the
// destination).
Result<std::vector<OutboxDestination>> open_destinations(const NotifySettings& settings,
                                                         const DestinationContext& context);

}  // namespace sgwatch
