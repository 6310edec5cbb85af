#include "emulator/sns/sns_subscription_attributes.h"

#include "emulator/sns/sns_query.h"

namespace sgwatch::emulator {

using sns_query::add_text;
using sns_query::error_response;
using sns_query::invalid;
using sns_query::param;

tl::expected<bool, SnsError> raw_message_delivery_setting(const std::string& name,
                                                          const std::string& value) {
  if (name != "RawMessageDelivery") return tl::unexpected(invalid("AttributeName"));
  if (value != "true" && value != "false") {
    return tl::unexpected(invalid("Attribute RawMessageDelivery: Invalid value [" + value +
                                  "]. Must be true or false."));
  }
  return value == "true";
}

tl::expected<bool, SnsError> subscribe_raw_message_delivery(const Params& params) {
  bool raw = false;
  for (int n = 1; params.count("Attributes.entry." + std::to_string(n) + ".key") != 0; ++n) {
    const std::string key = param(params, "Attributes.entry." + std::to_string(n) + ".key");
    const std::string value = param(params, "Attributes.entry." + std::to_string(n) + ".value");
    if (key != "RawMessageDelivery") return tl::unexpected(invalid("Attributes Reason: " + key));
    if (value != "true" && value != "false") {
      return tl::unexpected(
          invalid("Attributes Reason: RawMessageDelivery: Invalid value [" + value + "]"));
    }
    raw = value == "true";
  }
  return raw;
}

std::map<std::string, std::string> subscription_attribute_list(
    const SnsSubscriptionInfo& subscription) {
  return {{"SubscriptionArn", subscription.arn},
          {"TopicArn", subscription.topic_arn},
          {"Owner", subscription.owner},
          {"Protocol", subscription.protocol},
          {"Endpoint", subscription.endpoint},
          {"RawMessageDelivery", subscription.raw_message_delivery ? "true" : "false"},
          {"PendingConfirmation", subscription.confirmed ? "false" : "true"},
          {"ConfirmationWasAuthenticated", subscription.protocol == "sqs" ? "true" : "false"}};
}

Response serve_subscription_attributes(SnsService& sns, const Caller& caller,
                                       const std::string& action, const Params& params) {
  const std::string arn = param(params, "SubscriptionArn");
  if (arn.empty()) return error_response(invalid("SubscriptionArn"));
  auto parts = sns_query::arn_parts(arn);
  if (!parts) return error_response(invalid("SubscriptionArn"));
  if (parts->account != caller.account_id) {
    return sns_error(403, "AuthorizationError",
                     "User: " + caller.arn + " is not authorized to perform: SNS:" + action +
                         " on resource: " + arn);
  }
  if (action == "SetSubscriptionAttributes") {
    auto set = sns.set_subscription_attribute(arn, param(params, "AttributeName"),
                                              param(params, "AttributeValue"));
    return set ? sns_query::empty_answer(action) : error_response(set.error());
  }
  auto attributes = sns.subscription_attributes(arn);
  if (!attributes) return error_response(attributes.error());
  pugi::xml_document doc;
  pugi::xml_node map = sns_query::begin(doc, action).append_child("Attributes");
  for (const auto& [key, value] : *attributes) {
    pugi::xml_node entry = map.append_child("entry");
    add_text(entry, "key", key);
    add_text(entry, "value", value);
  }
  return sns_query::finish(doc);
}

}  // namespace sgwatch::emulator
