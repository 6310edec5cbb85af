// Subscription attributes as the emulator's SNS serves them. RawMessageDelivery is the one
// that can be set, by Subscribe's Attributes or by SetSubscriptionAttributes, each with
// SNS's own wording for a mistake; GetSubscriptionAttributes lists it with what the
// subscription is.
#pragma once

#include <map>
#include <string>

#include <tl/expected.hpp>

#include "emulator/caller.h"
#include "emulator/http_types.h"
#include "emulator/sns/sns_service.h"

namespace sgwatch::emulator {

// SetSubscriptionAttributes' AttributeName and AttributeValue: RawMessageDelivery's new
// value.
tl::expected<bool, SnsError> raw_message_delivery_setting(const std::string& name,
                                                          const std::string& value);

// Subscribe's Attributes.entry.N.key and .value (N from 1, up to the first missing key):
// whether RawMessageDelivery is "true"; false when not given.
tl::expected<bool, SnsError> subscribe_raw_message_delivery(const Params& params);

// What GetSubscriptionAttributes lists: SubscriptionArn, TopicArn, Owner, Protocol,
// Endpoint, RawMessageDelivery, PendingConfirmation, ConfirmationWasAuthenticated (true
// only for a queue, which SNS confirms itself). `subscription.arn` is the subscription's
// own ARN, also while it is pending.
std::map<std::string, std::string> subscription_attribute_list(
    const SnsSubscriptionInfo& subscription);

// GetSubscriptionAttributes and SetSubscriptionAttributes from the Query API, through
// `sns`'s C++ interface; the subscription must be of `caller`'s account.
Response serve_subscription_attributes(SnsService& sns, const Caller& caller,
                                       const std::string& action, const Params& params);

}  // namespace sgwatch::emulator
