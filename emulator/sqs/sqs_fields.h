// Reading SQS inputs (in the JSON protocol's shape, see sqs_protocol.h) and checking them
// as SQS does, with SQS's error codes and wording. Numbers may come as JSON numbers (JSON
// protocol) or strings (Query). Pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "emulator/sqs/sqs_protocol.h"
#include "emulator/sqs/sqs_queue.h"

namespace sgwatch::emulator {

// The string at `name`, "" when absent or not a string.
std::string sqs_string(const nlohmann::json& input, const std::string& name);
// An integer in [low, high] at `name`, nullopt when absent; InvalidParameterValue otherwise.
tl::expected<std::optional<int>, SqsError> sqs_int(const nlohmann::json& input,
                                                   const std::string& name, int low, int high);
tl::expected<std::vector<std::string>, SqsError> sqs_string_list(const nlohmann::json& input,
                                                                 const std::string& name);
tl::expected<std::map<std::string, std::string>, SqsError> sqs_string_map(
    const nlohmann::json& input, const std::string& name);

SqsError sqs_missing(const std::string& parameter);  // MissingParameter
SqsError sqs_no_such_queue();                         // AWS.SimpleQueueService.NonExistentQueue
// Why SQS would refuse `body` in a queue with `settings`, or "" when it is acceptable.
std::string sqs_check_body(const std::string& body, const SqsQueueSettings& settings);

// `settings` with queue attributes applied (VisibilityTimeout, MessageRetentionPeriod,
// ReceiveMessageWaitTimeSeconds, DelaySeconds, MaximumMessageSize, RedrivePolicy; Policy
// and SQS's encryption attributes are accepted and ignored). Unknown names are
// InvalidAttributeName, bad values InvalidAttributeValue.
tl::expected<SqsQueueSettings, SqsError> sqs_settings_with(
    SqsQueueSettings settings, const std::map<std::string, std::string>& attributes);
bool sqs_settings_equal(const SqsQueueSettings& a, const SqsQueueSettings& b);

// Checks a batch's entries as SQS does: 1 to 10, each with an Id of at most 80 letters,
// digits, hyphens and underscores, no Id twice.
tl::expected<void, SqsError> sqs_check_batch(const nlohmann::json& input,
                                             const std::string& entry_name);

}  // namespace sgwatch::emulator
