#include "aws/cloudtrail_client.h"

#include <cmath>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "core/json_element.h"

namespace sgwatch {
namespace {

constexpr char kLookupEventsTarget[] = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";
constexpr int kMaxResults = 50;  // the most LookupEvents serves a page
// Epoch seconds beyond this (the year 5138) are nonsense, and would overflow milliseconds.
constexpr double kMaxEpochSeconds = 1e11;

// Whole seconds as an integer, as the AWS SDKs send them; a fraction only when there is one.
nlohmann::json epoch_seconds(Timestamp time) {
  const int64_t ms = time.time_since_epoch().count();
  if (ms % 1000 == 0) return ms / 1000;
  return static_cast<double>(ms) / 1000.0;
}

Result<std::string> string_field(simdjson::dom::object object, const char* name,
                                 const std::string& path) {
  simdjson::dom::element value;
  if (object[name].get(value) != simdjson::SUCCESS) {
    return invalid(fmt::format("{} has no {}", path, name));
  }
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return wrong_json_type(path + "." + name, "string", value);
  }
  if (text.empty()) return invalid(fmt::format("{}.{} is empty", path, name));
  return std::string(text);
}

Result<Timestamp> event_time(simdjson::dom::object object, const std::string& path) {
  simdjson::dom::element value;
  if (object["EventTime"].get(value) != simdjson::SUCCESS) {
    return invalid(fmt::format("{} has no EventTime", path));
  }
  double seconds = 0;
  if (value.get_double().get(seconds) != simdjson::SUCCESS) {
    return wrong_json_type(path + ".EventTime", "number of epoch seconds", value);
  }
  if (!std::isfinite(seconds) || std::fabs(seconds) > kMaxEpochSeconds) {
    return invalid(fmt::format("{}.EventTime {} is not a time", path, seconds));
  }
  return Timestamp(std::chrono::milliseconds(std::llround(seconds * 1000)));
}

Result<LookedUpEvent> read_event(simdjson::dom::element element, const std::string& path) {
  simdjson::dom::object object;
  if (element.get_object().get(object) != simdjson::SUCCESS) {
    return wrong_json_type(path, "object", element);
  }
  LookedUpEvent event;
  auto id = string_field(object, "EventId", path);
  if (!id) return tl::unexpected(id.error());
  event.event_id = std::move(*id);
  auto name = string_field(object, "EventName", path);
  if (!name) return tl::unexpected(name.error());
  event.event_name = std::move(*name);
  auto time = event_time(object, path);
  if (!time) return tl::unexpected(time.error());
  event.event_time = *time;
  auto record = string_field(object, "CloudTrailEvent", path);
  if (!record) return tl::unexpected(record.error());
  event.record = std::move(*record);
  return event;
}

Status check(const TrailLookup& lookup) {
  if (lookup.start > lookup.end) return invalid("the lookup window starts after it ends");
  if (lookup.attribute_key.empty() || lookup.attribute_value.empty()) {
    return invalid("a lookup needs an attribute key and value");
  }
  return {};
}

}  // namespace

std::string lookup_events_request(const TrailLookup& lookup, const std::string& next_token) {
  nlohmann::json request = {
      {"LookupAttributes",
       nlohmann::json::array(
           {{{"AttributeKey", lookup.attribute_key}, {"AttributeValue", lookup.attribute_value}}})},
      {"StartTime", epoch_seconds(lookup.start)},
      {"EndTime", epoch_seconds(lookup.end)},
      {"MaxResults", kMaxResults}};
  if (!next_token.empty()) request["NextToken"] = next_token;
  return request.dump();
}

Result<LookupEventsPage> parse_lookup_events_page(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.parse(simdjson::padded_string(body)).get(root); error) {
    return invalid(fmt::format("the response is not JSON: {}", simdjson::error_message(error)));
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return wrong_json_type("the response", "object", root);
  }
  simdjson::dom::element events;
  if (object["Events"].get(events) != simdjson::SUCCESS) {
    return invalid("the response has no Events");
  }
  simdjson::dom::array list;
  if (events.get_array().get(list) != simdjson::SUCCESS) {
    return wrong_json_type("Events", "array", events);
  }
  LookupEventsPage page;
  size_t index = 0;
  for (simdjson::dom::element element : list) {
    auto event = read_event(element, fmt::format("Events[{}]", index++));
    if (!event) return tl::unexpected(event.error());
    page.events.push_back(std::move(*event));
  }
  simdjson::dom::element token;
  if (object["NextToken"].get(token) == simdjson::SUCCESS && !token.is_null()) {
    std::string_view text;
    if (token.get_string().get(text) != simdjson::SUCCESS) {
      return wrong_json_type("NextToken", "string", token);
    }
    page.next_token = std::string(text);
  }
  return page;
}

CloudTrailClient::CloudTrailClient(QueryClient& client, RequestRateLimiter& limiter)
    : client_(client), limiter_(limiter) {}

Result<TrailLookupResult> CloudTrailClient::lookup_events(const AwsCredentials& credentials,
                                                          const AccountId& account,
                                                          const TrailLookup& lookup) {
  const std::string where = fmt::format("cloudtrail:LookupEvents for account {} in {}",
                                        account.view(), lookup.region.view());
  if (auto ok = check(lookup); !ok) return tl::unexpected(ok.error().within(where));
  const std::string limit_key = fmt::format("{}/{}", account.view(), lookup.region.view());
  TrailLookupResult result;
  std::unordered_set<std::string> seen_ids;
  std::unordered_set<std::string> seen_tokens;
  std::string token;
  do {
    if (!limiter_.acquire(limit_key)) {
      return fail(ErrorCode::kCancelled, where + ": stopped while pacing the calls");
    }
    ++result.pages;
    const std::string page_where = fmt::format("{}, page {}", where, result.pages);
    auto body = client_.call_json(JsonCall{"cloudtrail", lookup.region.str(), kLookupEventsTarget,
                                           "LookupEvents", lookup_events_request(lookup, token),
                                           JsonVersion::k1_1},
                                  &credentials);
    if (!body) return tl::unexpected(body.error().within(page_where));
    auto page = parse_lookup_events_page(*body);
    if (!page) return tl::unexpected(page.error().within(page_where));
    for (LookedUpEvent& event : page->events) {
      // Events recorded while we page can shift a page boundary and repeat an event.
      if (seen_ids.insert(event.event_id).second) result.events.push_back(std::move(event));
    }
    token = std::move(page->next_token);
    // A token served twice would page forever.
    if (!token.empty() && !seen_tokens.insert(token).second) {
      return invalid(fmt::format("{}: the service sent the same NextToken again", page_where));
    }
    if (!token.empty() && lookup.max_pages > 0 && result.pages >= lookup.max_pages) {
      result.complete = false;
      break;
    }
  } while (!token.empty());
  return result;
}

}  // namespace sgwatch
