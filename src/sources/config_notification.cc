#include "sources/config_notification.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <utility>

#include "core/json_element.h"
#include "core/json_fields.h"

namespace sgwatch {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::string_view kItemChange = "ConfigurationItemChangeNotification";
constexpr std::string_view kOversizedItemChange = "OversizedConfigurationItemChangeNotification";

// configurationItemDiff: its change type and how many properties it lists as changed.
Status read_diff(const JsonFields& fields, ConfigNotification& notification) {
  auto value = fields.member("configurationItemDiff");
  if (!value) return {};
  object diff_object;
  if (value->get_object().get(diff_object) != SUCCESS) {
    return wrong_json_type(fields.path("configurationItemDiff"), "an object", *value);
  }
  const JsonFields diff(diff_object, fields.path("configurationItemDiff"));
  notification.has_diff = true;
  auto change_type = diff.string_or_empty("changeType");
  if (!change_type) return tl::unexpected(change_type.error());
  notification.change_type = std::move(*change_type);
  if (auto changed = diff.member("changedProperties")) {
    object properties;
    if (changed->get_object().get(properties) != SUCCESS) {
      return wrong_json_type(diff.path("changedProperties"), "an object", *changed);
    }
    notification.changed_properties = properties.size();
  }
  return {};
}

Status read_item_change(const JsonFields& fields, ConfigNotification& notification) {
  auto item = fields.required_object("configurationItem");
  if (!item) return tl::unexpected(item.error());
  const JsonFields item_fields(*item, fields.path("configurationItem"));
  auto type = item_fields.required_string("resourceType");
  if (!type) return tl::unexpected(type.error());
  notification.resource_type = std::move(*type);
  if (Status diff = read_diff(fields, notification); !diff) return diff;
  if (notification.resource_type != kSecurityGroupResourceType) return {};
  auto parsed = read_config_item(*item, item_fields.path());
  if (!parsed) return tl::unexpected(parsed.error());
  notification.item = std::move(*parsed);
  return {};
}

Status read_oversized(const JsonFields& fields, ConfigNotification& notification) {
  auto summary_object = fields.required_object("configurationItemSummary");
  if (!summary_object) return tl::unexpected(summary_object.error());
  const JsonFields summary(*summary_object, fields.path("configurationItemSummary"));
  auto type = summary.required_string("resourceType");
  if (!type) return tl::unexpected(type.error());
  auto id = summary.required_string("resourceId");
  if (!id) return tl::unexpected(id.error());
  auto account = summary.required_id<AccountId>("awsAccountId");
  if (!account) return tl::unexpected(account.error());
  auto region = summary.required_id<Region>("awsRegion");
  if (!region) return tl::unexpected(region.error());
  auto captured = summary.required_time("configurationItemCaptureTime");
  if (!captured) return tl::unexpected(captured.error());
  auto state = summary.decimal_text("configurationStateId");
  if (!state) return tl::unexpected(state.error());
  auto change_type = summary.string_or_empty("changeType");
  if (!change_type) return tl::unexpected(change_type.error());
  notification.resource_type = *type;
  notification.change_type = *change_type;
  notification.summary =
      ConfigItemSummary{*account,  *region,           std::move(*type),       std::move(*id),
                        *captured, std::move(*state), std::move(*change_type)};
  return {};
}

}  // namespace

Result<ConfigNotification> parse_config_notification(std::string_view message,
                                                     std::string_view source) {
  const std::string where(source);
  simdjson::dom::parser parser;
  element root;
  if (auto error = parser.parse(simdjson::padded_string(message)).get(root); error) {
    return invalid(fmt::format("{}: malformed JSON: {}", where, simdjson::error_message(error)));
  }
  object root_object;
  if (root.get_object().get(root_object) != SUCCESS) {
    return invalid(fmt::format("{}: expected a JSON object at the top level, got {}", where,
                               json_type_name(root)));
  }
  const JsonFields fields(root_object, "");
  auto type = fields.required_string("messageType");
  if (!type) return tl::unexpected(type.error().within(where));
  ConfigNotification notification;
  notification.message_type = std::move(*type);
  Status read;
  if (notification.message_type == kItemChange) {
    notification.kind = ConfigMessageKind::kItemChange;
    read = read_item_change(fields, notification);
  } else if (notification.message_type == kOversizedItemChange) {
    notification.kind = ConfigMessageKind::kOversizedItemChange;
    read = read_oversized(fields, notification);
  }
  if (!read) return tl::unexpected(read.error().within(where));
  return notification;
}

}  // namespace sgwatch
