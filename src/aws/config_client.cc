#include "aws/config_client.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <nlohmann/json.hpp>
#include <utility>

#include "core/json_element.h"

namespace sgwatch {
namespace {

constexpr char kConfigHistoryTarget[] = "StarlingDoveService.GetResourceConfigHistory";
constexpr char kAction[] = "GetResourceConfigHistory";

}  // namespace

std::string resource_config_history_request(const GroupId& group) {
  nlohmann::json request = {{"resourceType", std::string(kSecurityGroupResourceType)},
                            {"resourceId", group.str()},
                            {"limit", 1}};
  return request.dump();
}

Result<std::optional<ConfigItem>> parse_resource_config_history(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.parse(simdjson::padded_string(body)).get(root); error) {
    return invalid(fmt::format("the response is not JSON: {}", simdjson::error_message(error)));
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return wrong_json_type("the response", "an object", root);
  }
  simdjson::dom::element items;
  if (object["configurationItems"].get(items) != simdjson::SUCCESS || items.is_null()) {
    return invalid("the response has no configurationItems");
  }
  simdjson::dom::array list;
  if (items.get_array().get(list) != simdjson::SUCCESS) {
    return wrong_json_type("configurationItems", "an array", items);
  }
  // limit 1 asks for one; should more come, the first is still the newest.
  for (simdjson::dom::element first : list) {
    simdjson::dom::object item;
    if (first.get_object().get(item) != simdjson::SUCCESS) {
      return wrong_json_type("configurationItems[0]", "an object", first);
    }
    auto parsed = read_config_item(item, "configurationItems[0]");
    if (!parsed) return tl::unexpected(parsed.error());
    return std::optional<ConfigItem>(std::move(*parsed));
  }
  return std::optional<ConfigItem>();
}

ConfigClient::ConfigClient(QueryClient& client) : client_(client) {}

Result<std::optional<ConfigItem>> ConfigClient::latest_item(const AwsCredentials& credentials,
                                                            const Region& region,
                                                            const GroupId& group) {
  const std::string where =
      fmt::format("config:{} for {} in {}", kAction, group.view(), region.view());
  auto body = client_.call_json(
      JsonCall{"config", region.str(), kConfigHistoryTarget, kAction, resource_config_history_request(group),
               JsonVersion::k1_1},
      &credentials);
  // The QueryClient's message already names the call and the region.
  if (!body) {
    return tl::unexpected(body.error().within(fmt::format("the history of {}", group.view())));
  }
  auto item = parse_resource_config_history(*body);
  if (!item) return tl::unexpected(item.error().within(where));
  // Config answers for the resource asked about; another one would be a confused answer.
  if (*item && (*item)->group != group) {
    return invalid(fmt::format("{}: the answer is about {}", where, (*item)->group.view()));
  }
  return item;
}

}  // namespace sgwatch
