#include "emulator/config/config_item.h"

#include <chrono>
#include <map>
#include <sstream>
#include <tuple>

#include <date/date.h>
#include <pugixml.hpp>

namespace sgwatch::emulator {
namespace {

constexpr char kResourceType[] = "AWS::EC2::SecurityGroup";

std::string text(pugi::xml_node node, const char* name) {
  return node.child(name).text().as_string();
}

// A port as Config writes it: the number, or null where EC2 gave none.
ConfigJson port(pugi::xml_node permission, const char* name) {
  pugi::xml_node node = permission.child(name);
  if (!node) return nullptr;
  return node.text().as_int();
}

// {<key>: value, "description": ...}, the description only when set.
ConfigJson described(const char* key, const std::string& value, pugi::xml_node item) {
  ConfigJson entry = {{key, value}};
  if (std::string description = text(item, "description"); !description.empty()) {
    entry["description"] = description;
  }
  return entry;
}

ConfigJson permission_json(pugi::xml_node item) {
  ConfigJson pairs = ConfigJson::array();
  for (pugi::xml_node pair : item.child("groups").children("item")) {
    ConfigJson entry = {{"groupId", text(pair, "groupId")}, {"userId", text(pair, "userId")}};
    if (std::string description = text(pair, "description"); !description.empty()) {
      entry["description"] = description;
    }
    pairs.push_back(std::move(entry));
  }
  ConfigJson ipv6 = ConfigJson::array();
  for (pugi::xml_node range : item.child("ipv6Ranges").children("item")) {
    ipv6.push_back(described("cidrIpv6", text(range, "cidrIpv6"), range));
  }
  ConfigJson prefix_lists = ConfigJson::array();
  for (pugi::xml_node list : item.child("prefixListIds").children("item")) {
    prefix_lists.push_back(described("prefixListId", text(list, "prefixListId"), list));
  }
  ConfigJson legacy = ConfigJson::array();
  ConfigJson ipv4 = ConfigJson::array();
  for (pugi::xml_node range : item.child("ipRanges").children("item")) {
    legacy.push_back(text(range, "cidrIp"));
    ipv4.push_back(described("cidrIp", text(range, "cidrIp"), range));
  }
  return {{"ipProtocol", text(item, "ipProtocol")},
          {"fromPort", port(item, "fromPort")},
          {"toPort", port(item, "toPort")},
          {"userIdGroupPairs", std::move(pairs)},
          {"ipv6Ranges", std::move(ipv6)},
          {"prefixListIds", std::move(prefix_lists)},
          {"ipRanges", std::move(legacy)},
          {"ipv4Ranges", std::move(ipv4)}};
}

ConfigJson permissions_json(pugi::xml_node list) {
  ConfigJson out = ConfigJson::array();
  for (pugi::xml_node item : list.children("item")) out.push_back(permission_json(item));
  return out;
}

const ConfigJson& member(const ConfigJson& object, const char* key) {
  static const ConfigJson kNull;
  if (!object.is_object()) return kNull;
  auto found = object.find(key);
  return found == object.end() ? kNull : *found;
}

// Permissions are matched by protocol and ports, the key EC2 groups rules by.
using PermissionKey = std::tuple<std::string, std::string, std::string>;
PermissionKey item_key_of(const ConfigJson& permission) {
  return {member(permission, "ipProtocol").dump(), member(permission, "fromPort").dump(),
          member(permission, "toPort").dump()};
}

ConfigJson change(const ConfigJson& previous, const ConfigJson& updated, const char* type) {
  return {{"previousValue", previous}, {"updatedValue", updated}, {"changeType", type}};
}

void diff_permissions(const ConfigJson& previous, const ConfigJson& current,
                      const std::string& prefix, ConfigJson& changes) {
  std::map<PermissionKey, size_t> before;
  if (previous.is_array()) {
    for (size_t i = 0; i < previous.size(); ++i) before[item_key_of(previous[i])] = i;
  }
  std::map<PermissionKey, size_t> after;
  if (current.is_array()) {
    for (size_t i = 0; i < current.size(); ++i) after[item_key_of(current[i])] = i;
  }
  for (const auto& [key, i] : after) {
    auto old = before.find(key);
    if (old == before.end()) {
      changes[prefix + std::to_string(i)] = change(nullptr, current[i], "CREATE");
    } else if (previous[old->second] != current[i]) {
      changes[prefix + std::to_string(i)] = change(previous[old->second], current[i], "UPDATE");
    }
  }
  for (const auto& [key, i] : before) {
    if (after.count(key) != 0) continue;
    const std::string name = prefix + std::to_string(i);
    if (changes.contains(name)) {
      // Another permission now sits at this index: one entry says both.
      ConfigJson& entry = changes[name];
      entry["previousValue"] = previous[i];
      entry["changeType"] = "UPDATE";
    } else {
      changes[name] = change(previous[i], nullptr, "DELETE");
    }
  }
}

double epoch_seconds(const ConfigJson& iso) {
  if (!iso.is_string()) return 0;
  std::istringstream in(iso.get<std::string>());
  date::sys_time<std::chrono::milliseconds> time;
  in >> date::parse("%FT%TZ", time);
  if (in.fail()) return 0;
  return static_cast<double>(time.time_since_epoch().count()) / 1000.0;
}

}  // namespace

std::string config_time(Timestamp time) { return date::format("%FT%TZ", time); }

std::optional<ConfigJson> sg_configuration_from_describe(const std::string& xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return std::nullopt;
  pugi::xml_node group =
      doc.child("DescribeSecurityGroupsResponse").child("securityGroupInfo").child("item");
  if (!group) return std::nullopt;
  ConfigJson tags = ConfigJson::array();
  for (pugi::xml_node tag : group.child("tagSet").children("item")) {
    tags.push_back({{"key", text(tag, "key")}, {"value", text(tag, "value")}});
  }
  return ConfigJson{{"ownerId", text(group, "ownerId")},
                    {"groupName", text(group, "groupName")},
                    {"groupId", text(group, "groupId")},
                    {"description", text(group, "groupDescription")},
                    {"ipPermissions", permissions_json(group.child("ipPermissions"))},
                    {"ipPermissionsEgress", permissions_json(group.child("ipPermissionsEgress"))},
                    {"vpcId", text(group, "vpcId")},
                    {"tags", std::move(tags)}};
}

ConfigJson configuration_item(const ConfigItemInput& input) {
  ConfigJson relationships = ConfigJson::array();
  ConfigJson tags = ConfigJson::object();
  if (input.configuration) {
    const std::string vpc = member(*input.configuration, "vpcId").is_string()
                                ? member(*input.configuration, "vpcId").get<std::string>()
                                : "";
    if (!vpc.empty()) {
      relationships.push_back({{"resourceId", vpc},
                               {"resourceName", nullptr},
                               {"resourceType", "AWS::EC2::VPC"},
                               {"name", "Is contained in Vpc"}});
    }
    for (const ConfigJson& tag : member(*input.configuration, "tags")) {
      tags[tag.value("key", "")] = tag.value("value", "");
    }
  }
  ConfigJson related = ConfigJson::array();
  if (!input.related_event.empty()) related.push_back(input.related_event);
  return {{"relatedEvents", std::move(related)},
          {"relationships", std::move(relationships)},
          {"configuration", input.configuration ? *input.configuration : ConfigJson(nullptr)},
          {"supplementaryConfiguration", ConfigJson::object()},
          {"tags", std::move(tags)},
          {"configurationItemVersion", "1.3"},
          {"configurationItemCaptureTime", config_time(input.capture_time)},
          {"configurationStateId", input.state_id},
          {"awsAccountId", input.account_id},
          {"configurationItemStatus", input.status},
          {"resourceType", kResourceType},
          {"resourceId", input.resource_id},
          {"resourceName", input.resource_name},
          {"ARN", "arn:aws:ec2:" + input.region + ":" + input.account_id + ":security-group/" +
                      input.resource_id},
          {"awsRegion", input.region},
          {"availabilityZone", "Not Applicable"},
          {"configurationStateMd5Hash", ""},
          {"resourceCreationTime",
           input.created ? ConfigJson(config_time(*input.created)) : ConfigJson(nullptr)}};
}

ConfigJson configuration_item_diff(const ConfigJson& previous, const ConfigJson& current) {
  const char* type = current.is_null() ? "DELETE" : previous.is_null() ? "CREATE" : "UPDATE";
  ConfigJson changes = ConfigJson::object();
  // Creation says nothing per property, as Config's own CREATE notifications do.
  if (!previous.is_null()) {
    const ConfigJson& before = member(previous, "configuration");
    const ConfigJson& after = member(current, "configuration");
    diff_permissions(member(before, "ipPermissions"), member(after, "ipPermissions"),
                     "Configuration.IpPermissions.", changes);
    diff_permissions(member(before, "ipPermissionsEgress"), member(after, "ipPermissionsEgress"),
                     "Configuration.IpPermissionsEgress.", changes);
    const ConfigJson& old_tags = member(previous, "tags");
    const ConfigJson& new_tags = member(current, "tags");
    if (new_tags.is_object()) {
      for (const auto& [key, value] : new_tags.items()) {
        const ConfigJson& old_value = member(old_tags, key.c_str());
        if (old_value.is_null()) {
          changes["Tags." + key] = change(nullptr, value, "CREATE");
        } else if (old_value != value) {
          changes["Tags." + key] = change(old_value, value, "UPDATE");
        }
      }
    }
    if (old_tags.is_object()) {
      for (const auto& [key, value] : old_tags.items()) {
        if (member(new_tags, key.c_str()).is_null()) {
          changes["Tags." + key] = change(value, nullptr, "DELETE");
        }
      }
    }
  }
  return {{"changedProperties", std::move(changes)}, {"changeType", type}};
}

ConfigJson api_configuration_item(const ConfigJson& item) {
  ConfigJson relationships = ConfigJson::array();
  for (const ConfigJson& relation : member(item, "relationships")) {
    relationships.push_back({{"resourceType", relation.value("resourceType", "")},
                             {"resourceId", relation.value("resourceId", "")},
                             {"relationshipName", relation.value("name", "")}});
  }
  const ConfigJson& configuration = member(item, "configuration");
  ConfigJson out = {
      {"version", item.value("configurationItemVersion", "1.3")},
      {"accountId", item.value("awsAccountId", "")},
      {"configurationItemCaptureTime", epoch_seconds(member(item, "configurationItemCaptureTime"))},
      {"configurationItemStatus", item.value("configurationItemStatus", "")},
      {"configurationStateId", std::to_string(item.value("configurationStateId", int64_t{0}))},
      {"configurationItemMD5Hash", item.value("configurationStateMd5Hash", "")},
      {"arn", item.value("ARN", "")},
      {"resourceType", item.value("resourceType", "")},
      {"resourceId", item.value("resourceId", "")},
      {"resourceName", item.value("resourceName", "")},
      {"awsRegion", item.value("awsRegion", "")},
      {"availabilityZone", item.value("availabilityZone", "")}};
  if (member(item, "resourceCreationTime").is_string()) {
    out["resourceCreationTime"] = epoch_seconds(member(item, "resourceCreationTime"));
  }
  out["tags"] = member(item, "tags").is_object() ? member(item, "tags") : ConfigJson::object();
  out["relatedEvents"] = member(item, "relatedEvents");
  out["relationships"] = std::move(relationships);
  // The API carries the configuration as a JSON string ("null" for a deleted resource).
  out["configuration"] = configuration.dump();
  out["supplementaryConfiguration"] = ConfigJson::object();
  return out;
}

}  // namespace sgwatch::emulator
