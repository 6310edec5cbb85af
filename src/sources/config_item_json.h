// AWS Config's configuration items of AWS::EC2::SecurityGroup, read into sgwatch's model.
// Two writers produce them: the ConfigurationItemChangeNotification (awsAccountId, ISO
// capture time, `configuration` as an object) and GetResourceConfigHistory (accountId,
// capture time as epoch seconds, `configuration` as a JSON *string*). One reader serves
// both, so a group looks the same whichever way it arrived.
//
// Like describe_json.h, this is the edge where Config's camelCase shapes meet validated
// types: every field is checked, any bad field fails the whole item, and every error
// names its JSON path, e.g.
//   configurationItem.configuration.ipPermissions[0].fromPort: expected an integer, got string
// Keys sgwatch does not know are ignored, since AWS adds fields over time; a null value
// counts as absent. Fields are read through core/json_fields.h.
#pragma once

#include <simdjson.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/group.h"
#include "core/ids.h"

namespace sgwatch {

inline constexpr std::string_view kSecurityGroupResourceType = "AWS::EC2::SecurityGroup";

// One configuration item of an AWS::EC2::SecurityGroup.
struct ConfigItem {
  AccountId account;  // awsAccountId (notification) / accountId (API)
  Region region;      // awsRegion
  GroupId group;      // resourceId
  // configurationItemStatus: OK, ResourceDiscovered, ResourceDeleted, ResourceNotRecorded,
  // ResourceDeletedNotRecorded (kept as sent; other values are not rejected).
  std::string status;
  Timestamp capture_time;  // configurationItemCaptureTime (ISO text, or epoch seconds)
  std::string state_id;    // configurationStateId as decimal text; "" when absent
  std::vector<std::string> related_events;  // CloudTrail event ids
  std::map<std::string, std::string> tags;  // the item's flat `tags` map
  // The group in canonical form, built from `configuration`, with `tags` above as its
  // tags. nullopt when the item says the group is gone (ResourceDeleted*) or was not
  // recorded (ResourceNotRecorded), whatever `configuration` holds then.
  std::optional<Group> content;
  std::string version;  // configurationItemVersion (notification) / version (API): "1.3"
  std::string arn;      // ARN (notification) / arn (API); "" when absent

  bool deleted() const;  // status is ResourceDeleted or ResourceDeletedNotRecorded
};

// Reads one configuration item at `path` ("configurationItem", "configurationItems[0]").
// The item must be of resourceType AWS::EC2::SecurityGroup. `configuration` may be an
// object or a string holding one. Errors: a missing or mistyped field, an invalid id,
// region, time, protocol, port or CIDR, a configuration whose groupId is not the item's
// resourceId, and an item that is neither gone nor unrecorded but has no configuration.
Result<ConfigItem> read_config_item(simdjson::dom::object item, const std::string& path);

// Reads a security group's `configuration` object (camelCase, as Config records it) at
// `path` into a canonical Group. Its tags come from the configuration's tags[{key,value}].
Result<Group> read_group_configuration(simdjson::dom::object configuration,
                                       const std::string& path);

}  // namespace sgwatch
