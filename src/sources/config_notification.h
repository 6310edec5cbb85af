// AWS Config's notifications, as they arrive through SNS (the Message string, already
// decoded from the SNS envelope), read as far as sgwatch needs them: a security group's
// configuration item change in full, the summary of an oversized change (whose item must
// then be fetched with GetResourceConfigHistory, see aws/config_client.h), and everything
// else on the topic (ComplianceChangeNotification, ConfigurationSnapshotDeliveryCompleted,
// ...) only by its messageType.
//
// Periodic re-records arrive as changes too: callers that want only real changes skip a
// notification whose diff lists no changed properties, or whose configurationStateId they
// have already seen.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "core/ids.h"
#include "sources/config_item_json.h"

namespace sgwatch {

enum class ConfigMessageKind { kItemChange, kOversizedItemChange, kOther };

// An oversized notification's configurationItemSummary.
struct ConfigItemSummary {
  AccountId account;          // awsAccountId
  Region region;              // awsRegion
  std::string resource_type;  // resourceType
  std::string resource_id;    // resourceId, as sent (any resource type's id)
  Timestamp capture_time;     // configurationItemCaptureTime
  std::string state_id;       // configurationStateId as decimal text; "" when absent
  std::string change_type;    // CREATE / UPDATE / DELETE; "" when absent
};

struct ConfigNotification {
  std::string message_type;  // messageType as sent, e.g. "ComplianceChangeNotification"
  ConfigMessageKind kind = ConfigMessageKind::kOther;
  std::string resource_type;  // of the item or summary; empty for kOther
  // kItemChange of an AWS::EC2::SecurityGroup: the item. Other resource types: nullopt.
  std::optional<ConfigItem> item;
  // configurationItemDiff.changeType: CREATE/UPDATE/DELETE; empty when there is no diff.
  std::string change_type;
  bool has_diff = false;                     // configurationItemDiff present and not null
  size_t changed_properties = 0;             // entries in configurationItemDiff.changedProperties
  std::optional<ConfigItemSummary> summary;  // kOversizedItemChange
};

// `message` is the inner JSON (the SNS Message string, already decoded). Errors name
// `source` and the JSON path, e.g. "msg-123: configurationItem.configuration.ipPermissions[0]
// .fromPort: expected an integer, got string". A message that is valid JSON but of another
// messageType is not an error (kind kOther); one with no messageType is. Items of other
// resource types are not read beyond their resourceType.
Result<ConfigNotification> parse_config_notification(std::string_view message,
                                                     std::string_view source);

}  // namespace sgwatch
