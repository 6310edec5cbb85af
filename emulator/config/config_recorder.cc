#include "emulator/config/config_recorder.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include <date/date.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "emulator/request_id.h"

namespace sgwatch::emulator {
namespace {

constexpr char kConfigContentType[] = "application/x-amz-json-1.1";
constexpr char kRecordedResourceType[] = "AWS::EC2::SecurityGroup";
constexpr int kDefaultLimit = 10;  // Config's defaults and bounds for GetResourceConfigHistory
constexpr int kMaxLimit = 100;

Response config_json_answer(int status, const std::string& body) {
  return Response{status, kConfigContentType, body, {{"x-amzn-RequestId", new_request_id()}}};
}

Response validation(const std::string& message) {
  return config_error(400, "ValidationException", message);
}

// Config's wording for a required member left out.
Response missing(const std::string& member) {
  return validation("1 validation error detected: Value null at '" + member +
                    "' failed to satisfy constraint: Member must not be null");
}

// The account and region of "arn:aws:sns:<region>:<account>:<name>", and the name.
struct TopicParts {
  std::string region;
  std::string account;
  std::string name;
};
std::optional<TopicParts> topic_parts(const std::string& arn) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (size_t colon; (colon = arn.find(':', start)) != std::string::npos; start = colon + 1) {
    fields.push_back(arn.substr(start, colon - start));
  }
  fields.push_back(arn.substr(start));
  if (fields.size() != 6 || fields[0] != "arn" || fields[2] != "sns" || fields[3].empty() ||
      fields[4].empty() || fields[5].empty()) {
    return std::nullopt;
  }
  return TopicParts{fields[3], fields[4], fields[5]};
}

// Where Config would have put the full item in its delivery bucket.
std::string s3_location(const std::string& account, const std::string& region,
                        const std::string& resource_id, Timestamp now) {
  const auto day = std::chrono::floor<date::days>(now);
  const date::year_month_day ymd(day);
  return fmt::format(
      "emulator-config-bucket/AWSLogs/{0}/Config/{1}/{2}/{3}/{4}/OversizedChangeNotification/"
      "{5}/{6}/{0}_Config_{1}_ChangeNotification_{5}_{6}_{7}_0.json.gz",
      account, region, static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
      static_cast<unsigned>(ymd.day()), kRecordedResourceType, resource_id,
      date::format("%Y%m%dT%H%M%SZ", std::chrono::floor<std::chrono::seconds>(now)));
}

ConfigJson oversized(const ConfigJson& notification, const std::string& change_type,
                     const std::string& location) {
  const ConfigJson& item = notification["configurationItem"];
  ConfigJson summary = {{"changeType", change_type}};
  for (const char* key :
       {"configurationItemVersion", "configurationItemCaptureTime", "configurationStateId",
        "awsAccountId", "configurationItemStatus", "resourceType", "resourceId", "resourceName",
        "ARN", "awsRegion", "availabilityZone", "configurationStateMd5Hash",
        "resourceCreationTime"}) {
    summary[key] = item.contains(key) ? item[key] : ConfigJson(nullptr);
  }
  return {{"configurationItemSummary", std::move(summary)},
          {"s3DeliverySummary",
           {{"s3BucketLocation", location}, {"errorCode", nullptr}, {"errorMessage", nullptr}}},
          {"notificationCreationTime", notification["notificationCreationTime"]},
          {"messageType", "OversizedConfigurationItemChangeNotification"},
          {"recordVersion", "1.3"}};
}

// The groups a call changed: the one it names, or the sg- resources it tagged.
std::vector<std::string> changed_groups(const MutationRecord& call) {
  if (call.action != "CreateTags" && call.action != "DeleteTags") {
    if (call.group_id.empty()) return {};
    return {call.group_id};
  }
  std::vector<std::string> groups;
  for (int n = 1;; ++n) {
    auto found = call.params.find("ResourceId." + std::to_string(n));
    if (found == call.params.end()) break;
    if (found->second.starts_with("sg-")) groups.push_back(found->second);
  }
  return groups;
}

}  // namespace

std::string config_operation(const std::string& target) {
  const std::string prefix = kConfigTargetPrefix;
  return target.starts_with(prefix) ? target.substr(prefix.size()) : "";
}

Response config_error(int status, const std::string& type, const std::string& message) {
  return config_json_answer(status, nlohmann::json{{"__type", type}, {"message", message}}.dump());
}

ConfigRecorder::ConfigRecorder(const Clock& clock, SnsService& sns, GroupReader reader)
    : clock_(clock), sns_(sns), reader_(std::move(reader)) {}

void ConfigRecorder::set_recording(bool on) {
  std::lock_guard lock(mutex_);
  recording_ = on;
}

bool ConfigRecorder::recording() const {
  std::lock_guard lock(mutex_);
  return recording_;
}

void ConfigRecorder::deliver_to(const std::string& region, const std::string& topic_arn) {
  auto parts = topic_parts(topic_arn);
  std::lock_guard lock(mutex_);
  recording_ = true;
  topics_[{parts ? parts->account : "", region}] = topic_arn;
}

void ConfigRecorder::set_oversize_threshold(size_t bytes) {
  std::lock_guard lock(mutex_);
  oversize_threshold_ = bytes;
}

std::vector<ConfigJson> ConfigRecorder::items() const {
  std::lock_guard lock(mutex_);
  return items_;
}

std::vector<ConfigJson> ConfigRecorder::notifications() const {
  std::lock_guard lock(mutex_);
  return notifications_;
}

void ConfigRecorder::clear() {
  std::lock_guard lock(mutex_);
  resources_.clear();
  items_.clear();
  notifications_.clear();
}

void ConfigRecorder::observe(const MutationRecord& call, const std::string& event_id) {
  if (call.read_only || !call.error_code.empty()) return;
  const std::vector<std::string> groups = changed_groups(call);
  if (groups.empty()) return;
  std::lock_guard lock(mutex_);
  if (!recording_) return;
  for (const std::string& group : groups) record_locked(call, group, event_id);
}

void ConfigRecorder::record_locked(const MutationRecord& call, const std::string& group_id,
                                   const std::string& event_id) {
  const std::string& account = call.caller.account_id;
  const std::string& region = call.region;
  std::optional<ConfigJson> configuration = reader_(account, region, group_id);
  Resource& resource = resources_[{account + "/" + region, group_id}];
  const bool known = !resource.last.is_null() &&
                     resource.last.value("configurationItemStatus", "") != "ResourceDeleted";
  // A group that is gone and was never seen has nothing to record but its deletion.
  if (!configuration && !known && call.action != "DeleteSecurityGroup") return;

  const Timestamp now = clock_.now();
  // Epoch milliseconds, kept strictly increasing per resource.
  const int64_t state_id =
      std::max<int64_t>(now.time_since_epoch().count(), resource.last_state_id + 1);
  if (call.action == "CreateSecurityGroup") resource.created = now;

  ConfigItemInput input;
  input.account_id = account;
  input.region = region;
  input.resource_id = group_id;
  input.resource_name = configuration       ? configuration->value("groupName", "")
                       : resource.last.is_object() ? resource.last.value("resourceName", "")
                                                   : "";
  input.status = !configuration ? "ResourceDeleted" : known ? "OK" : "ResourceDiscovered";
  input.capture_time = now;
  input.state_id = state_id;
  input.configuration = configuration;
  input.created = resource.created;
  input.related_event = event_id;
  ConfigJson item = configuration_item(input);

  ConfigJson diff = configuration_item_diff(known ? resource.last : ConfigJson(nullptr),
                                            configuration ? item : ConfigJson(nullptr));
  resource.last = item;
  resource.last_state_id = state_id;
  items_.push_back(item);

  const std::string change_type = diff["changeType"];
  ConfigJson notification = {{"configurationItemDiff", std::move(diff)},
                             {"configurationItem", std::move(item)},
                             {"notificationCreationTime", config_time(now)},
                             {"messageType", "ConfigurationItemChangeNotification"},
                             {"recordVersion", "1.3"}};
  const char* verb = change_type == "CREATE"   ? "Created"
                     : change_type == "DELETE" ? "Deleted"
                                               : "Updated";
  const std::string subject = fmt::format("[AWS Config:{}] {} {} {} in Account {}", region,
                                          kRecordedResourceType, group_id, verb, account);
  publish_locked(account, region, subject, notification, notification["configurationItem"],
                 change_type);
}

void ConfigRecorder::publish_locked(const std::string& account, const std::string& region,
                                    const std::string& subject, const ConfigJson& notification,
                                    const ConfigJson& item, const std::string& change_type) {
  auto topic = topics_.find({account, region});
  if (topic == topics_.end()) return;
  ConfigJson message = notification;
  std::string text = message.dump();
  if (text.size() > oversize_threshold_) {
    message = oversized(notification, change_type,
                        s3_location(account, region, item.value("resourceId", ""),
                                    clock_.now()));
    text = message.dump();
  }
  auto published = sns_.publish(topic->second, text, subject);
  if (!published) {
    spdlog::warn("The emulator's Config could not publish to '{}': {}", topic->second,
                 published.error().message);
    return;
  }
  notifications_.push_back(std::move(message));
}

Response ConfigRecorder::handle(const Caller& caller, const std::string& region,
                                const std::string& operation, const std::string& body) {
  if (operation != "GetResourceConfigHistory") {
    return config_error(400, "UnknownOperationException",
                        "The emulator does not serve the Config operation '" + operation + "'.");
  }
  if (!caller.may("config", operation)) {
    const std::string permission = "config:" + operation;
    return config_error(400, "AccessDeniedException",
                        "User: " + caller.arn + " is not authorized to perform: " + permission);
  }
  const nlohmann::json request =
      body.empty() ? nlohmann::json::object() : nlohmann::json::parse(body, nullptr, false);
  if (request.is_discarded() || !request.is_object()) {
    return config_error(400, "SerializationException", "The request body is not a JSON object.");
  }
  auto string_member = [&](const char* key) -> std::optional<std::string> {
    auto found = request.find(key);
    if (found == request.end() || !found->is_string()) return std::nullopt;
    return found->get<std::string>();
  };
  const auto type = string_member("resourceType");
  const auto id = string_member("resourceId");
  if (!type) return missing("resourceType");
  if (!id) return missing("resourceId");
  if (!type->starts_with("AWS::")) {
    return validation("1 validation error detected: Value '" + *type +
                      "' at 'resourceType' failed to satisfy constraint: Member must satisfy "
                      "enum value set");
  }
  int limit = kDefaultLimit;
  if (request.contains("limit")) {
    if (!request["limit"].is_number_integer() || request["limit"].get<int64_t>() < 0 ||
        request["limit"].get<int64_t>() > kMaxLimit) {
      return validation("1 validation error detected: Value at 'limit' failed to satisfy "
                        "constraint: Member must have value less than or equal to 100");
    }
    limit = request["limit"].get<int>();
    if (limit == 0) limit = kDefaultLimit;
  }
  const std::string order = string_member("chronologicalOrder").value_or("Reverse");
  if (order != "Reverse" && order != "Forward") {
    return validation("1 validation error detected: Value '" + order +
                      "' at 'chronologicalOrder' failed to satisfy constraint: Member must "
                      "satisfy enum value set: [Reverse, Forward]");
  }
  // Timestamps arrive as epoch seconds.
  auto time_member = [&](const char* key) -> std::optional<double> {
    auto found = request.find(key);
    if (found == request.end() || !found->is_number()) return std::nullopt;
    return found->get<double>();
  };
  const auto later = time_member("laterTime");
  const auto earlier = time_member("earlierTime");
  if (later && earlier && *earlier > *later) {
    return validation("The earlierTime must be before the laterTime.");
  }

  std::vector<ConfigJson> found;
  bool discovered = false;
  {
    std::lock_guard lock(mutex_);
    for (const ConfigJson& item : items_) {
      if (item.value("resourceType", "") != *type || item.value("resourceId", "") != *id ||
          item.value("awsAccountId", "") != caller.account_id ||
          item.value("awsRegion", "") != region) {
        continue;
      }
      discovered = true;
      ConfigJson api = api_configuration_item(item);
      const double captured = api["configurationItemCaptureTime"].get<double>();
      // The bounds are whole seconds; an item captured within a bound's second is in.
      if (later && captured >= *later + 1) continue;
      if (earlier && captured < *earlier) continue;
      found.push_back(std::move(api));
    }
  }
  if (!discovered) {
    return config_error(400, "ResourceNotDiscoveredException",
                        "Resource " + *id + " of resourceType:" + *type +
                            " is unknown or has not been discovered");
  }
  if (order == "Reverse") std::reverse(found.begin(), found.end());

  size_t start = 0;
  if (auto token = string_member("nextToken"); token && !token->empty()) {
    auto [end, error] = std::from_chars(token->data(), token->data() + token->size(), start);
    if (error != std::errc() || end != token->data() + token->size() || start > found.size()) {
      return config_error(400, "InvalidNextTokenException", "The nextToken is not valid.");
    }
  }
  ConfigJson page = ConfigJson::array();
  for (size_t i = start; i < found.size() && page.size() < static_cast<size_t>(limit); ++i) {
    page.push_back(std::move(found[i]));
  }
  ConfigJson answer = {{"configurationItems", std::move(page)}};
  if (start + limit < found.size()) answer["nextToken"] = std::to_string(start + limit);
  return config_json_answer(200, answer.dump());
}

tl::expected<ConfigJson, std::string> ConfigRecorder::apply_settings(const nlohmann::json& body) {
  if (!body.is_object()) return tl::unexpected(std::string("the body must be a JSON object"));
  std::optional<bool> recording;
  std::optional<size_t> threshold;
  std::optional<TopicParts> topic;
  std::string topic_arn;
  for (const auto& [key, value] : body.items()) {
    if (key == "recording") {
      if (!value.is_boolean()) return tl::unexpected(key + ": must be true or false");
      recording = value.get<bool>();
    } else if (key == "oversize_threshold") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0) {
        return tl::unexpected(key + ": must be a whole number, 0 or more");
      }
      threshold = value.get<size_t>();
    } else if (key == "sns_topic_arn") {
      if (value.is_string()) topic_arn = value.get<std::string>();
      topic = topic_parts(topic_arn);
      if (!topic) {
        return tl::unexpected(key + ": must be a topic ARN, arn:aws:sns:<region>:<account>:<name>");
      }
    } else {
      return tl::unexpected("unknown setting: " + key);
    }
  }
  // The topic first: naming one turns recording on, and an explicit "recording" wins.
  if (topic) {
    auto made = sns_.create_topic(topic->region, topic->account, topic->name);
    if (!made) return tl::unexpected("sns_topic_arn: " + made.error().message);
    deliver_to(topic->region, topic_arn);
  }
  if (threshold) set_oversize_threshold(*threshold);
  if (recording) set_recording(*recording);
  return settings_json();
}

ConfigJson ConfigRecorder::settings_json() const {
  std::lock_guard lock(mutex_);
  ConfigJson delivery = ConfigJson::array();
  for (const auto& [key, arn] : topics_) {
    delivery.push_back({{"account", key.first}, {"region", key.second}, {"sns_topic_arn", arn}});
  }
  return {{"recording", recording_},
          {"oversize_threshold", oversize_threshold_},
          {"delivery", std::move(delivery)}};
}

}  // namespace sgwatch::emulator
