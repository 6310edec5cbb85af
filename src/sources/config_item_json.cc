#include "sources/config_item_json.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <utility>

#include "core/cidr.h"
#include "core/ip_permission.h"
#include "core/json_element.h"
#include "core/json_fields.h"
#include "core/port_range.h"
#include "core/protocol.h"

namespace sgwatch {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::element;
using simdjson::dom::object;

// An id (checked by JsonFields::optional_id) as text again, for IpPermission's string fields.
template <typename Id>
std::optional<std::string> id_text(const std::optional<Id>& id) {
  return id ? std::optional<std::string>(id->str()) : std::nullopt;
}

Status check_item_cidr(const std::string& text, Cidr::Family family, const std::string& path) {
  if (auto cidr = Cidr::parse(text, family); !cidr) {
    return tl::unexpected(cidr.error().within(path));
  }
  return {};
}

// ipv4Ranges[{cidrIp}] and ipv6Ranges[{cidrIpv6}] entries.
Result<IpPermission::Range> read_range(object obj, const std::string& path, std::string_view key,
                                       Cidr::Family family) {
  const JsonFields fields(obj, path);
  auto cidr = fields.required_string(key);
  if (!cidr) return tl::unexpected(cidr.error());
  if (Status ok = check_item_cidr(*cidr, family, fields.path(key)); !ok) {
    return tl::unexpected(ok.error());
  }
  auto description = fields.string_or_empty("description");
  if (!description) return tl::unexpected(description.error());
  return IpPermission::Range{std::move(*cidr), std::move(*description)};
}

Result<IpPermission::GroupPair> read_group_pair(object obj, const std::string& path) {
  const JsonFields fields(obj, path);
  // groupName and peeringStatus are left out, as in describe_json.cc: the id names the
  // group, and the peering's state is not part of what the rule allows.
  auto group = fields.required_id<GroupId>("groupId");
  if (!group) return tl::unexpected(group.error());
  auto user = fields.optional_id<AccountId>("userId");
  if (!user) return tl::unexpected(user.error());
  auto vpc = fields.optional_id<VpcId>("vpcId");
  if (!vpc) return tl::unexpected(vpc.error());
  auto peering = fields.optional_id<PeeringId>("vpcPeeringConnectionId");
  if (!peering) return tl::unexpected(peering.error());
  auto description = fields.string_or_empty("description");
  if (!description) return tl::unexpected(description.error());
  return IpPermission::GroupPair{group->str(), id_text(*user), id_text(*vpc), id_text(*peering),
                                 std::move(*description)};
}

// Reads one permission into IpPermission's shape. Values are checked here, although
// to_rules() checks them again, so that errors name Config's own fields and indexes
// (ipRanges[1] rather than the merged list's IpRanges[3].CidrIp).
Result<IpPermission> read_permission(object obj, const std::string& path) {
  const JsonFields fields(obj, path);
  IpPermission permission;
  auto protocol_text = fields.required_string("ipProtocol");
  if (!protocol_text) return tl::unexpected(protocol_text.error());
  auto protocol = Protocol::parse(*protocol_text);
  if (!protocol) return tl::unexpected(protocol.error().within(fields.path("ipProtocol")));
  auto from = fields.optional_int("fromPort");
  if (!from) return tl::unexpected(from.error());
  auto to = fields.optional_int("toPort");
  if (!to) return tl::unexpected(to.error());
  if (auto ports = PortRange::make(*protocol, *from, *to); !ports) {
    return tl::unexpected(ports.error().within(fields.path("fromPort/toPort")));
  }
  permission.ip_protocol = std::move(*protocol_text);
  permission.from_port = *from;
  permission.to_port = *to;

  auto ranges = [&](std::string_view list, std::string_view key, Cidr::Family family,
                    std::vector<IpPermission::Range>& out) {
    return fields.for_each_object(list, [&](object item, const std::string& item_path) -> Status {
      auto range = read_range(item, item_path, key, family);
      if (!range) return tl::unexpected(range.error());
      out.push_back(std::move(*range));
      return {};
    });
  };
  if (Status s = ranges("ipv4Ranges", "cidrIp", Cidr::Family::kIpv4, permission.ipv4_ranges); !s) {
    return tl::unexpected(s.error());
  }
  // The legacy list of bare CIDRs, which Config still writes beside ipv4Ranges: the same
  // block usually appears in both, and canonicalize() merges the two, keeping the
  // description ipv4Ranges carries.
  Status legacy = fields.for_each_element(
      "ipRanges", [&](element item, const std::string& item_path) -> Status {
        std::string_view text;
        if (item.get_string().get(text) != SUCCESS) {
          return wrong_json_type(item_path, "a string", item);
        }
        if (Status ok = check_item_cidr(std::string(text), Cidr::Family::kIpv4, item_path); !ok) {
          return ok;
        }
        permission.ipv4_ranges.push_back({std::string(text), ""});
        return {};
      });
  if (!legacy) return tl::unexpected(legacy.error());
  if (Status s = ranges("ipv6Ranges", "cidrIpv6", Cidr::Family::kIpv6, permission.ipv6_ranges);
      !s) {
    return tl::unexpected(s.error());
  }
  Status lists = fields.for_each_object(
      "prefixListIds", [&](object item, const std::string& item_path) -> Status {
        const JsonFields entry(item, item_path);
        auto id = entry.required_id<PrefixListId>("prefixListId");
        if (!id) return tl::unexpected(id.error());
        auto description = entry.string_or_empty("description");
        if (!description) return tl::unexpected(description.error());
        permission.prefix_lists.push_back({id->str(), std::move(*description)});
        return {};
      });
  if (!lists) return tl::unexpected(lists.error());
  Status pairs = fields.for_each_object(
      "userIdGroupPairs", [&](object item, const std::string& item_path) -> Status {
        auto pair = read_group_pair(item, item_path);
        if (!pair) return tl::unexpected(pair.error());
        permission.group_pairs.push_back(std::move(*pair));
        return {};
      });
  if (!pairs) return tl::unexpected(pairs.error());
  return permission;
}

// Appends the rules of the permission list `key` (absent means none) to `rules`.
Status read_permissions(const JsonFields& fields, std::string_view key, Direction direction,
                        std::vector<Rule>& rules) {
  std::vector<IpPermission> permissions;
  Status read = fields.for_each_object(key, [&](object item, const std::string& path) -> Status {
    auto permission = read_permission(item, path);
    if (!permission) return tl::unexpected(permission.error());
    permissions.push_back(std::move(*permission));
    return {};
  });
  if (!read) return read;
  auto flat = to_rules(std::move(permissions), direction, fields.path(key));
  if (!flat) return tl::unexpected(flat.error());
  rules.insert(rules.end(), std::make_move_iterator(flat->begin()),
               std::make_move_iterator(flat->end()));
  return {};
}

// The configuration's tags[{key,value}].
Status read_tag_list(const JsonFields& fields, std::map<std::string, std::string>& tags) {
  return fields.for_each_object("tags", [&](object item, const std::string& path) -> Status {
    const JsonFields tag(item, path);
    auto key = tag.required_string("key");
    if (!key) return tl::unexpected(key.error());
    auto value = tag.string_or_empty("value");
    if (!value) return tl::unexpected(value.error());
    // EC2 keeps tag keys unique; a repeat means the document is not what Config recorded.
    if (!tags.emplace(*key, std::move(*value)).second) {
      return invalid(tag.path("key") + ": duplicate tag key '" + *key + "'");
    }
    return {};
  });
}

// The item's flat tags{} map; nullopt when it has none.
Result<std::optional<std::map<std::string, std::string>>> read_tag_map(const JsonFields& fields) {
  auto value = fields.member("tags");
  if (!value) return std::optional<std::map<std::string, std::string>>();
  object map;
  if (value->get_object().get(map) != SUCCESS) {
    return wrong_json_type(fields.path("tags"), "an object", *value);
  }
  std::map<std::string, std::string> tags;
  for (auto [key, tag_value] : map) {
    if (tag_value.is_null()) {
      tags.emplace(std::string(key), "");
      continue;
    }
    std::string_view text;
    if (tag_value.get_string().get(text) != SUCCESS) {
      return wrong_json_type(fields.path("tags") + "." + std::string(key), "a string", tag_value);
    }
    tags.emplace(std::string(key), std::string(text));
  }
  return std::optional<std::map<std::string, std::string>>(std::move(tags));
}

// `configuration` as GetResourceConfigHistory sends it: JSON text inside a string.
Result<Group> read_configuration_text(std::string_view text, const std::string& path) {
  simdjson::dom::parser parser;
  element root;
  if (auto error = parser.parse(simdjson::padded_string(text)).get(root); error) {
    return invalid(
        fmt::format("{}: the string is not JSON: {}", path, simdjson::error_message(error)));
  }
  object configuration;
  if (root.get_object().get(configuration) != SUCCESS) {
    return wrong_json_type(path, "JSON text of an object", root);
  }
  return read_group_configuration(configuration, path);
}

// `configuration` as an object (notifications) or as JSON text in a string (the API).
Result<Group> read_configuration(element value, const std::string& path) {
  if (std::string_view text; value.get_string().get(text) == SUCCESS) {
    return read_configuration_text(text, path);
  }
  if (object inner; value.get_object().get(inner) == SUCCESS) {
    return read_group_configuration(inner, path);
  }
  return wrong_json_type(path, "an object or a string", value);
}

}  // namespace

bool ConfigItem::deleted() const {
  return status == "ResourceDeleted" || status == "ResourceDeletedNotRecorded";
}

Result<Group> read_group_configuration(object configuration, const std::string& path) {
  const JsonFields fields(configuration, path);
  auto id = fields.required_id<GroupId>("groupId");
  if (!id) return tl::unexpected(id.error());
  auto name = fields.required_string("groupName");
  if (!name) return tl::unexpected(name.error());
  auto description = fields.required_string("description");
  if (!description) return tl::unexpected(description.error());
  auto owner = fields.required_id<AccountId>("ownerId");
  if (!owner) return tl::unexpected(owner.error());
  auto vpc = fields.optional_id<VpcId>("vpcId");
  if (!vpc) return tl::unexpected(vpc.error());
  Group group{*id, std::move(*name), std::move(*description), *vpc, *owner, {}, {}};
  if (Status tags = read_tag_list(fields, group.tags); !tags) return tl::unexpected(tags.error());
  if (Status in = read_permissions(fields, "ipPermissions", Direction::kIngress, group.rules);
      !in) {
    return tl::unexpected(in.error());
  }
  if (Status out = read_permissions(fields, "ipPermissionsEgress", Direction::kEgress, group.rules);
      !out) {
    return tl::unexpected(out.error());
  }
  canonicalize(group);
  return group;
}

Result<ConfigItem> read_config_item(object item, const std::string& path) {
  const JsonFields fields(item, path);
  auto type = fields.required_string("resourceType");
  if (!type) return tl::unexpected(type.error());
  if (*type != kSecurityGroupResourceType) {
    return invalid(fmt::format("{}: expected {}, got '{}'", fields.path("resourceType"),
                               kSecurityGroupResourceType, *type));
  }
  auto group = fields.required_id<GroupId>("resourceId");
  if (!group) return tl::unexpected(group.error());
  // The notification says awsAccountId, the API accountId.
  const char* account_key = fields.member("awsAccountId") ? "awsAccountId" : "accountId";
  if (!fields.member(account_key)) {
    return invalid(path + ": has neither awsAccountId nor accountId");
  }
  auto account = fields.required_id<AccountId>(account_key);
  if (!account) return tl::unexpected(account.error());
  auto region = fields.required_id<Region>("awsRegion");
  if (!region) return tl::unexpected(region.error());
  auto status = fields.required_string("configurationItemStatus");
  if (!status) return tl::unexpected(status.error());
  auto captured = fields.required_time("configurationItemCaptureTime");
  if (!captured) return tl::unexpected(captured.error());
  auto state = fields.decimal_text("configurationStateId");
  if (!state) return tl::unexpected(state.error());
  ConfigItem result{
      *account,     *region, *group, std::move(*status), *captured, std::move(*state), {}, {},
      std::nullopt, {},      {}};

  Status events = fields.for_each_element(
      "relatedEvents", [&](element event, const std::string& event_path) -> Status {
        std::string_view text;
        if (event.get_string().get(text) != SUCCESS) {
          return wrong_json_type(event_path, "a string", event);
        }
        result.related_events.emplace_back(text);
        return {};
      });
  if (!events) return tl::unexpected(events.error());
  auto tags = read_tag_map(fields);
  if (!tags) return tl::unexpected(tags.error());
  if (*tags) result.tags = **tags;
  for (const char* key : {"configurationItemVersion", "version"}) {
    auto version = fields.optional_string(key);
    if (!version) return tl::unexpected(version.error());
    if (*version) result.version = std::move(**version);
  }
  for (const char* key : {"ARN", "arn"}) {
    auto arn = fields.optional_string(key);
    if (!arn) return tl::unexpected(arn.error());
    if (*arn) result.arn = std::move(**arn);
  }

  // A deleted or unrecorded group has no content, whatever `configuration` holds then.
  if (result.deleted() || result.status == "ResourceNotRecorded") return result;
  auto configuration = fields.member("configuration");
  if (!configuration) {
    return invalid(fmt::format("{}: missing, although configurationItemStatus is '{}'",
                               fields.path("configuration"), result.status));
  }
  auto content = read_configuration(*configuration, fields.path("configuration"));
  if (!content) return tl::unexpected(content.error());
  if (content->id != result.group) {
    return invalid(fmt::format("{}: '{}' is not the item's resourceId '{}'",
                               fields.path("configuration") + ".groupId", content->id.view(),
                               result.group.view()));
  }
  // The flat map is what Config indexes and what the notification's readers see; the
  // configuration's list is used only when an item has no map.
  if (*tags) content->tags = result.tags;
  result.content = std::move(*content);
  return result;
}

}  // namespace sgwatch
