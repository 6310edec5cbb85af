#include "emulator/sqs/sqs_fields.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace sgwatch::emulator {
namespace {

SqsError sqs_invalid_value(const std::string& name, const std::string& value, const std::string& why) {
  return SqsError{400, "InvalidParameterValue",
                  "Value " + value + " for parameter " + name + " is invalid. Reason: " + why};
}

bool all_digits(const std::string& text) {
  return !text.empty() && text.size() <= 9 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

// A queue attribute's number in [low, high]; SQS names the attribute when it refuses one.
tl::expected<int, SqsError> attribute_int(const std::string& name, const std::string& value,
                                          int low, int high) {
  if (!all_digits(value) || std::stoi(value) < low || std::stoi(value) > high) {
    return tl::unexpected(
        SqsError{400, "InvalidAttributeValue", "Invalid value for the parameter " + name + "."});
  }
  return std::stoi(value);
}

tl::expected<void, SqsError> apply_redrive(SqsQueueSettings& settings, const std::string& value) {
  if (value.empty()) {
    settings.redrive_policy.clear();
    settings.dead_letter_target_arn.clear();
    settings.max_receive_count = 0;
    return {};
  }
  const SqsError bad{400, "InvalidAttributeValue",
                     "Value " + value + " for parameter RedrivePolicy is invalid. Reason: "
                     "Redrive policy is not a valid JSON map with deadLetterTargetArn and "
                     "maxReceiveCount."};
  const nlohmann::json policy = nlohmann::json::parse(value, nullptr, false);
  if (!policy.is_object() || !policy.contains("deadLetterTargetArn") ||
      !policy["deadLetterTargetArn"].is_string() || !policy.contains("maxReceiveCount")) {
    return tl::unexpected(bad);
  }
  const nlohmann::json& count = policy["maxReceiveCount"];
  std::string text = count.is_string() ? count.get<std::string>()
                                       : count.is_number_integer() ? count.dump() : "";
  if (!all_digits(text) || std::stoi(text) < 1 || std::stoi(text) > 1000) {
    return tl::unexpected(bad);
  }
  const std::string arn = policy["deadLetterTargetArn"];
  if (!arn.starts_with("arn:aws:sqs:")) return tl::unexpected(bad);
  settings.redrive_policy = value;
  settings.dead_letter_target_arn = arn;
  settings.max_receive_count = std::stoi(text);
  return {};
}

}  // namespace

std::string sqs_string(const nlohmann::json& input, const std::string& name) {
  auto found = input.find(name);
  return found != input.end() && found->is_string() ? found->get<std::string>() : "";
}

tl::expected<std::optional<int>, SqsError> sqs_int(const nlohmann::json& input,
                                                   const std::string& name, int low, int high) {
  auto found = input.find(name);
  if (found == input.end() || found->is_null()) return std::optional<int>();
  long long value = 0;
  if (found->is_number_integer()) {
    value = found->get<long long>();
  } else if (found->is_string() && all_digits(found->get<std::string>())) {
    value = std::stoll(found->get<std::string>());
  } else {
    const std::string text = found->is_string() ? found->get<std::string>() : found->dump();
    return tl::unexpected(sqs_invalid_value(name, text, "Must be a whole number."));
  }
  if (value < low || value > high) {
    return tl::unexpected(sqs_invalid_value(name, std::to_string(value),
                                        "Must be between " + std::to_string(low) + " and " +
                                            std::to_string(high) + ", if provided."));
  }
  return std::optional<int>(static_cast<int>(value));
}

tl::expected<std::vector<std::string>, SqsError> sqs_string_list(const nlohmann::json& input,
                                                                 const std::string& name) {
  std::vector<std::string> out;
  auto found = input.find(name);
  if (found == input.end() || found->is_null()) return out;
  if (!found->is_array()) return tl::unexpected(sqs_invalid_value(name, found->dump(), "Must be a list."));
  for (const auto& item : *found) {
    if (!item.is_string()) return tl::unexpected(sqs_invalid_value(name, item.dump(), "Must be a string."));
    out.push_back(item.get<std::string>());
  }
  return out;
}

tl::expected<std::map<std::string, std::string>, SqsError> sqs_string_map(
    const nlohmann::json& input, const std::string& name) {
  std::map<std::string, std::string> out;
  auto found = input.find(name);
  if (found == input.end() || found->is_null()) return out;
  if (!found->is_object()) return tl::unexpected(sqs_invalid_value(name, found->dump(), "Must be a map."));
  for (const auto& [key, value] : found->items()) {
    if (!value.is_string()) {
      return tl::unexpected(sqs_invalid_value(name + "." + key, value.dump(), "Must be a string."));
    }
    out[key] = value.get<std::string>();
  }
  return out;
}

SqsError sqs_missing(const std::string& parameter) {
  return SqsError{400, "MissingParameter",
                  "The request must contain the parameter " + parameter + "."};
}

SqsError sqs_no_such_queue() {
  return SqsError{400, "AWS.SimpleQueueService.NonExistentQueue",
                  "The specified queue does not exist."};
}

std::string sqs_check_body(const std::string& body, const SqsQueueSettings& settings) {
  if (body.empty()) return "The request must contain the parameter MessageBody.";
  if (body.size() > static_cast<size_t>(settings.maximum_message_size)) {
    return "One or more parameters are invalid. Reason: Message must be shorter than " +
           std::to_string(settings.maximum_message_size) + " bytes.";
  }
  return "";
}

tl::expected<SqsQueueSettings, SqsError> sqs_settings_with(
    SqsQueueSettings settings, const std::map<std::string, std::string>& attributes) {
  for (const auto& [name, value] : attributes) {
    tl::expected<int, SqsError> number = 0;
    if (name == "VisibilityTimeout") {
      number = attribute_int(name, value, 0, 43200);
      if (number) settings.visibility_timeout = *number;
    } else if (name == "MessageRetentionPeriod") {
      number = attribute_int(name, value, 60, 1209600);
      if (number) settings.message_retention_period = *number;
    } else if (name == "ReceiveMessageWaitTimeSeconds") {
      number = attribute_int(name, value, 0, 20);
      if (number) settings.receive_message_wait_time = *number;
    } else if (name == "DelaySeconds") {
      number = attribute_int(name, value, 0, 900);
      if (number) settings.delay_seconds = *number;
    } else if (name == "MaximumMessageSize") {
      number = attribute_int(name, value, 1024, 262144);
      if (number) settings.maximum_message_size = *number;
    } else if (name == "RedrivePolicy") {
      if (auto applied = apply_redrive(settings, value); !applied) {
        return tl::unexpected(applied.error());
      }
    } else if (name != "Policy" && name != "KmsMasterKeyId" &&
               name != "KmsDataKeyReusePeriodSeconds" && name != "SqsManagedSseEnabled" &&
               name != "RedriveAllowPolicy") {
      return tl::unexpected(
          SqsError{400, "InvalidAttributeName", "Unknown Attribute " + name + "."});
    }
    if (!number) return tl::unexpected(number.error());
  }
  return settings;
}

bool sqs_settings_equal(const SqsQueueSettings& a, const SqsQueueSettings& b) {
  return a.visibility_timeout == b.visibility_timeout &&
         a.message_retention_period == b.message_retention_period &&
         a.receive_message_wait_time == b.receive_message_wait_time &&
         a.delay_seconds == b.delay_seconds && a.maximum_message_size == b.maximum_message_size &&
         a.redrive_policy == b.redrive_policy;
}

tl::expected<void, SqsError> sqs_check_batch(const nlohmann::json& input,
                                             const std::string& entry_name) {
  auto entries = input.find("Entries");
  if (entries == input.end() || !entries->is_array() || entries->empty()) {
    return tl::unexpected(SqsError{400, "AWS.SimpleQueueService.EmptyBatchRequest",
                                   "There should be at least one " + entry_name +
                                       " in the request."});
  }
  if (entries->size() > 10) {
    return tl::unexpected(SqsError{400, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                                   "Maximum number of entries per request are 10. You have sent " +
                                       std::to_string(entries->size()) + "."});
  }
  std::set<std::string> seen;
  for (const auto& entry : *entries) {
    const std::string id = entry.is_object() ? sqs_string(entry, "Id") : "";
    const bool valid = !id.empty() && id.size() <= 80 &&
                       std::all_of(id.begin(), id.end(), [](unsigned char c) {
                         return std::isalnum(c) || c == '-' || c == '_';
                       });
    if (!valid) {
      return tl::unexpected(SqsError{400, "AWS.SimpleQueueService.InvalidBatchEntryId",
                                     "A batch entry id can only contain alphanumeric characters, "
                                     "hyphens and underscores. It can be at most 80 letters "
                                     "long."});
    }
    if (!seen.insert(id).second) {
      return tl::unexpected(SqsError{400, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
                                     "Id " + id + " repeated."});
    }
  }
  return {};
}

}  // namespace sgwatch::emulator
