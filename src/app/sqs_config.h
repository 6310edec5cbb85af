// The config's [sqs] table: the SQS queues `sgwatch watch` reads for events (EventBridge
// CloudTrail events, AWS Config notifications through SNS; see docs/SQS.md), and how.
#pragma once

#include <string>
#include <vector>

#include "app/sns_config.h"
#include "aws/sqs_client.h"
#include "config/config_schema.h"
#include "config/config_table.h"
#include "core/error.h"
#include "sources/sns_verifier.h"

namespace sgwatch {

KeySchema sqs_config_schema();

struct SqsSettings {
  bool enabled = false;  // at least one queue
  std::vector<SqsQueue> queues;
  SqsReceiveOptions receive;
  // For messages in SNS envelopes: the [sns] certificate cache, the topics allowed, and an
  // age limit as long as a queue can keep a message (a stopped sgwatch reads them later).
  SnsVerifyOptions verify;
  std::string certificate_dir;
};

// `sns`: the [sns] settings, whose topics and certificate directory the queues share
// unless [sqs] names its own topics. `queue_flags` (--sqs-queue) replace `queues` when not
// empty. `home_region`: the region of a queue URL that names none (a custom endpoint)
// when [sqs] region is not set. Errors name the key's position.
Result<SqsSettings> sqs_settings_from(const ConfigTable& root, const SnsSettings& sns,
                                      const std::vector<std::string>& queue_flags,
                                      const Region& home_region);

// One queue URL checked: http(s), a host, a path of /<account>/<name>.
Result<SqsQueue> parse_queue_url(std::string_view url, const std::optional<Region>& region);

}  // namespace sgwatch
