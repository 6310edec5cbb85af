// The config's alert delivery: [[destinations]] (where alerts go: a webhook, a JSON Lines
// file), [outbox] (how long and how often a failing destination is retried), and the
// routing tables of router.h, checked together: every destination a route or the
// [routing] table names must be declared. The keys are declared here, next to the code
// that reads them.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "config/config_schema.h"
#include "config/config_table.h"
#include "core/clock.h"
#include "notify/outbox.h"
#include "notify/outbox_settings.h"
#include "notify/router.h"

namespace sgwatch {

std::vector<KeySchema> notify_config_schema();  // [[destinations]], [outbox], routing's

enum class DestinationType { kWebhook, kJsonl };

struct DestinationConfig {
  std::string name;
  DestinationType type = DestinationType::kWebhook;
  std::string url;     // webhook; a secret: never shown
  std::string secret;  // webhook HMAC key; "" = unsigned
  std::chrono::milliseconds timeout{10000};
  std::string path;  // jsonl
  SourcePosition where;
};

struct NotifySettings {
  std::vector<DestinationConfig> destinations;  // in file order
  RoutingConfig routing;
  OutboxSettings outbox;
};

// Errors name the file position of the key at fault.
Result<NotifySettings> notify_settings_from(const ConfigTable& root);

// Opens every destination's sink (a jsonl file that cannot be opened is an error naming the
// destination). `loopback_only`: webhooks may only reach loopback addresses (tests, demo).
Result<std::vector<OutboxDestination>> open_destinations(const NotifySettings& settings,
                                                         const Clock& clock,
                                                         bool loopback_only = false);

}  // namespace sgwatch
