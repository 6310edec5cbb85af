// AWS Config's view of a security group: its configuration in Config's camelCase (read
// from the emulator's own DescribeSecurityGroups answer, as Config reads EC2), the
// configuration item a change notification carries, the difference between two items,
// and the item as GetResourceConfigHistory writes it.
//
// Pure functions: no state, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace sgwatch::emulator {

using ConfigJson = nlohmann::ordered_json;

// The configuration of the first group in a DescribeSecurityGroups response (EC2's XML):
// {ownerId, groupName, groupId, description, ipPermissions, ipPermissionsEgress, vpcId,
// tags: [{key, value}]}. Each permission is {ipProtocol, fromPort, toPort (null where EC2
// gives no ports), userIdGroupPairs: [{groupId, userId, description?}], ipv6Ranges:
// [{cidrIpv6, description?}], prefixListIds: [{prefixListId, description?}], ipRanges:
// ["cidr", ...] (the legacy form), ipv4Ranges: [{cidrIp, description?}]}. nullopt when the
// document is an error or lists no group.
std::optional<ConfigJson> sg_configuration_from_describe(const std::string& xml);

// What a configuration item records about one state of a group.
struct ConfigItemInput {
  std::string account_id;
  std::string region;
  std::string resource_id;    // "sg-..."
  std::string resource_name;  // the group's name
  std::string status;         // "ResourceDiscovered", "OK" or "ResourceDeleted"
  Timestamp capture_time;
  int64_t state_id = 0;
  std::optional<ConfigJson> configuration;  // nullopt: deleted (configuration null)
  std::optional<Timestamp> created;         // resourceCreationTime, when known
  std::string related_event;                // a CloudTrail eventID, or ""
};

// A configuration item as a ConfigurationItemChangeNotification carries it (version 1.3):
// relatedEvents, relationships (the VPC), configuration, supplementaryConfiguration, tags
// (a flat map), configurationItemVersion, configurationItemCaptureTime,
// configurationStateId (a number), awsAccountId, configurationItemStatus, resourceType,
// resourceId, resourceName, ARN, awsRegion, availabilityZone, configurationStateMd5Hash,
// resourceCreationTime.
ConfigJson configuration_item(const ConfigItemInput& input);

// configurationItemDiff between two items (either may be null: creation, deletion):
// {changedProperties, changeType}. changedProperties holds one entry per permission that
// differs, keyed "Configuration.IpPermissions.<i>" or "Configuration.IpPermissionsEgress.<i>"
// (permissions are matched by protocol and ports), and one per tag that differs, keyed
// "Tags.<key>"; each {previousValue, updatedValue, changeType: CREATE|UPDATE|DELETE}.
// Equal states give an empty changedProperties.
ConfigJson configuration_item_diff(const ConfigJson& previous, const ConfigJson& current);

// The item as GetResourceConfigHistory answers it: version, accountId,
// configurationItemCaptureTime (epoch seconds), configurationItemStatus,
// configurationStateId (a string), configurationItemMD5Hash, arn, resourceType,
// resourceId, resourceName, awsRegion, availabilityZone, resourceCreationTime (when
// known), tags, relatedEvents, relationships ({resourceType, resourceId,
// relationshipName}), configuration (as a JSON string), supplementaryConfiguration.
ConfigJson api_configuration_item(const ConfigJson& item);

// "2026-03-06T12:34:56.789Z".
std::string config_time(Timestamp time);

}  // namespace sgwatch::emulator
