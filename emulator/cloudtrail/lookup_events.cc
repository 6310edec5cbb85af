#include "emulator/cloudtrail/lookup_events.h"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

namespace sgwatch::emulator {
namespace {

using Json = nlohmann::json;
using std::chrono::milliseconds;

constexpr int kMaxResults = 50;
constexpr auto kRetention = std::chrono::days(90);
constexpr const char* kKeys[] = {"EventId",      "EventName",    "ReadOnly",    "Username",
                                 "ResourceType", "ResourceName", "EventSource", "AccessKeyId"};

tl::unexpected<CloudTrailError> fail(std::string type, std::string message) {
  return tl::unexpected(CloudTrailError{400, std::move(type), std::move(message)});
}

struct Attribute {
  std::string key;
  std::string value;
};

struct Query {
  std::optional<Attribute> attribute;
  Timestamp start;
  Timestamp end;
  int max_results = kMaxResults;
  bool insights = false;  // EventCategory "insight": the emulator has none
  std::string fingerprint;  // of the parameters a NextToken must be used with
};

// Epoch seconds (botocore sends a number, possibly fractional) or an ISO 8601 time.
std::optional<Timestamp> read_time(const Json& value) {
  if (value.is_number()) {
    return Timestamp(milliseconds(std::llround(value.get<double>() * 1000)));
  }
  if (!value.is_string()) return std::nullopt;
  const std::string text = value.get<std::string>();
  double seconds = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (!text.empty() && error == std::errc() && end == text.data() + text.size()) {
    return Timestamp(milliseconds(std::llround(seconds * 1000)));
  }
  for (const char* format : {"%FT%TZ", "%FT%T%Ez", "%F %T"}) {
    std::istringstream in(text);
    date::sys_time<milliseconds> time;
    in >> date::parse(format, time);
    if (!in.fail()) return time;
  }
  return std::nullopt;
}

// FNV-1a: stable from run to run, unlike std::hash.
uint64_t fnv1a(const std::string& text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
  return hash;
}

tl::expected<Query, CloudTrailError> read_query(const Json& request, Timestamp now) {
  if (!request.is_object()) return fail("SerializationException", "Start of structure expected");
  Query query;
  std::string fingerprint;
  if (auto list = request.find("LookupAttributes"); list != request.end() && !list->is_null()) {
    if (!list->is_array()) return fail("SerializationException", "LookupAttributes must be a list");
    if (list->size() > 1) {
      return fail("InvalidLookupAttributesException",
                  "You can specify at most one lookup attribute.");
    }
    if (list->size() == 1) {
      const Json& item = (*list)[0];
      const Json key = item.is_object() ? item.value("AttributeKey", Json()) : Json();
      const Json value = item.is_object() ? item.value("AttributeValue", Json()) : Json();
      if (!key.is_string() || !value.is_string() || value.get<std::string>().empty()) {
        return fail("InvalidLookupAttributesException",
                    "A lookup attribute needs an AttributeKey and a non-empty AttributeValue.");
      }
      const std::string name = key.get<std::string>();
      if (std::find(std::begin(kKeys), std::end(kKeys), name) == std::end(kKeys)) {
        return fail("InvalidLookupAttributesException",
                    "The lookup attribute key " + name + " is not valid.");
      }
      query.attribute = Attribute{name, value.get<std::string>()};
      fingerprint += name + '\0' + value.get<std::string>() + '\0';
    }
  }
  query.start = now - kRetention;
  query.end = now;
  for (const char* field : {"StartTime", "EndTime"}) {
    auto found = request.find(field);
    if (found == request.end() || found->is_null()) continue;
    auto time = read_time(*found);
    if (!time) return fail("SerializationException", std::string(field) + " is not a time");
    (field[0] == 'S' ? query.start : query.end) = *time;
    fingerprint += std::string(field) + found->dump() + '\0';
  }
  if (query.start > query.end) {
    return fail("InvalidTimeRangeException",
                "Occurs if the timestamp values are invalid. Either the start time occurs after "
                "the end time or the time range is outside the range of possible values.");
  }
  if (auto found = request.find("MaxResults"); found != request.end() && !found->is_null()) {
    if (!found->is_number_integer() || found->get<int64_t>() < 1 ||
        found->get<int64_t>() > kMaxResults) {
      return fail("InvalidMaxResultsException", "Value of MaxResults must be between 1 and 50.");
    }
    query.max_results = static_cast<int>(found->get<int64_t>());
  }
  if (auto found = request.find("EventCategory"); found != request.end() && !found->is_null()) {
    if (*found != "insight") {
      return fail("InvalidEventCategoryException", "The only valid EventCategory is insight.");
    }
    query.insights = true;
    fingerprint += "insight";
  }
  query.fingerprint = fmt::format("{:016x}", fnv1a(fingerprint));
  return query;
}

bool matches(const TrailEvent& event, const Attribute& attribute) {
  const std::string& key = attribute.key;
  const std::string& value = attribute.value;
  if (key == "EventId") return event.event_id == value;
  if (key == "EventName") return event.event_name == value;
  if (key == "ReadOnly") return (event.read_only ? "true" : "false") == value;
  if (key == "Username") return event.username == value;
  if (key == "EventSource") return event.event_source == value;
  if (key == "AccessKeyId") return event.access_key_id == value;
  for (const TrailResource& resource : event.resources) {
    if (key == "ResourceType" && resource.type == value) return true;
    if (key == "ResourceName" && resource.name == value) return true;
  }
  return false;
}

// Where a page ends: the last event returned, by time and recording order. Opaque to
// clients; tied to the query's parameters.
struct Cursor {
  int64_t time = 0;  // epoch seconds
  uint64_t sequence = 0;
};

std::string encode_token(const std::string& fingerprint, const Cursor& cursor) {
  const std::string plain = fmt::format("1:{}:{}:{}", fingerprint, cursor.time, cursor.sequence);
  std::string hex;
  for (unsigned char c : plain) hex += fmt::format("{:02x}", c);
  return hex;
}

std::optional<Cursor> decode_token(const std::string& token, const std::string& fingerprint) {
  if (token.empty() || token.size() % 2 != 0) return std::nullopt;
  std::string plain;
  for (size_t i = 0; i < token.size(); i += 2) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(token.data() + i, token.data() + i + 2, value, 16);
    if (error != std::errc() || end != token.data() + i + 2) return std::nullopt;
    plain += static_cast<char>(value);
  }
  const std::string head = "1:" + fingerprint + ":";
  if (!plain.starts_with(head)) return std::nullopt;
  Cursor cursor;
  const char* first = plain.data() + head.size();
  const char* last = plain.data() + plain.size();
  auto [colon, e1] = std::from_chars(first, last, cursor.time);
  if (e1 != std::errc() || colon == last || *colon != ':') return std::nullopt;
  auto [end, e2] = std::from_chars(colon + 1, last, cursor.sequence);
  if (e2 != std::errc() || end != last) return std::nullopt;
  return cursor;
}

nlohmann::ordered_json event_json(const TrailEvent& event) {
  nlohmann::ordered_json resources = nlohmann::ordered_json::array();
  for (const TrailResource& resource : event.resources) {
    resources.push_back({{"ResourceType", resource.type}, {"ResourceName", resource.name}});
  }
  return {{"EventId", event.event_id},
          {"EventName", event.event_name},
          {"ReadOnly", event.read_only ? "true" : "false"},
          {"AccessKeyId", event.access_key_id},
          {"EventTime", event.event_time.time_since_epoch().count()},
          {"EventSource", event.event_source},
          {"Username", event.username},
          {"Resources", std::move(resources)},
          {"CloudTrailEvent", event.record.dump()}};
}

}  // namespace

tl::expected<nlohmann::ordered_json, CloudTrailError> lookup_events(
    const TrailRecorder& trail, const std::string& account, const std::string& region,
    const nlohmann::json& request, Timestamp now) {
  auto query = read_query(request, now);
  if (!query) return tl::unexpected(query.error());

  std::optional<Cursor> cursor;
  if (auto token = request.find("NextToken"); token != request.end() && !token->is_null()) {
    if (token->is_string()) cursor = decode_token(token->get<std::string>(), query->fingerprint);
    if (!cursor) {
      return fail("InvalidNextTokenException",
                  "A token that is not valid, or a token that was previously used in a request "
                  "with different parameters.");
    }
  }

  const Timestamp oldest = now - kRetention;
  auto events = trail.delivered([&](const TrailEvent& event) {
    if (query->insights) return false;
    if (event.account_id != account || event.region != region) return false;
    const Timestamp time = event.event_time;
    if (time < query->start || time > query->end || time < oldest) return false;
    if (cursor) {
      const int64_t seconds = event.event_time.time_since_epoch().count();
      if (seconds > cursor->time) return false;
      if (seconds == cursor->time && event.sequence >= cursor->sequence) return false;
    }
    return !query->attribute || matches(event, *query->attribute);
  });

  nlohmann::ordered_json page = nlohmann::ordered_json::array();
  const size_t count = std::min(events.size(), static_cast<size_t>(query->max_results));
  for (size_t i = 0; i < count; ++i) page.push_back(event_json(*events[i]));
  nlohmann::ordered_json answer = {{"Events", std::move(page)}};
  if (events.size() > count) {
    const TrailEvent& last = *events[count - 1];
    answer["NextToken"] = encode_token(
        query->fingerprint, Cursor{last.event_time.time_since_epoch().count(), last.sequence});
  }
  return answer;
}

}  // namespace sgwatch::emulator
