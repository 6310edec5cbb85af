// The emulator's SNS: topics and HTTP/HTTPS subscriptions in SNS's Query API (Version
// 2010-03-31, signed for the service "sns", answers in SNS's XML), and deliveries signed as
// SNS signs them (sns_signer.h), POSTed from a background thread (sns_delivery.h).
//
// Served: CreateTopic (idempotent by name), ListTopics, GetTopicAttributes,
// SetTopicAttributes (SignatureVersion "1" or "2", DisplayName, Policy and
// DeliveryPolicy kept as given), Subscribe (protocol http, https or sqs; Attributes
// RawMessageDelivery), ConfirmSubscription, ListSubscriptionsByTopic, Unsubscribe, Publish
// (Message, Subject), GetSubscriptionAttributes and SetSubscriptionAttributes
// (RawMessageDelivery; sns_subscription_attributes.h).
//
// A subscription starts pending: Subscribe answers "pending confirmation" and delivers a
// SubscriptionConfirmation whose SubscribeURL is
//   <endpoint>/?Action=ConfirmSubscription&TopicArn=<arn>&Token=<token>
// A plain GET of that URL, unsigned as real SNS allows, confirms it (handle_unsigned()).
// Only confirmed subscriptions get Notifications. Unsubscribe removes the subscription and
// delivers an UnsubscribeConfirmation; the UnsubscribeURL of each Notification
// (<endpoint>/?Action=Unsubscribe&SubscriptionArn=<arn>) may also be fetched unsigned.
//
// An "sqs" subscription's endpoint is a queue ARN. It is confirmed at once, with no
// SubscriptionConfirmation, as SNS does for a queue whose policy lets the topic send (the
// emulator has no queue policies: any queue, of any account, is accepted). Publish hands
// it, synchronously and through the queue sink (set_queue_sink(), so that SNS does not
// depend on SQS; sns_queue_delivery.h), the signed Notification envelope an HTTP endpoint
// would get (same fields, same signer), or with RawMessageDelivery "true" the Message
// alone. When the queue does not exist the delivery is dropped and counted
// (dropped_queue_deliveries()).
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "core/clock.h"
#include "emulator/caller.h"
#include "emulator/http_types.h"
#include "emulator/sns/sns_delivery.h"
#include "emulator/sns/sns_query.h"  // SnsError, sns_error()
#include "emulator/sns/sns_queue_delivery.h"
#include "emulator/sns/sns_signer.h"

namespace sgwatch::emulator {

// Where the signing certificate is served (no signature needed).
inline constexpr char kSnsCertificatePath[] =
    "/_emulator/sns/SimpleNotificationService-emulator.pem";

struct SnsSubscriptionInfo {
  std::string arn;  // "PendingConfirmation" until confirmed, as SNS lists it
  std::string topic_arn;
  std::string protocol;
  std::string endpoint;
  std::string owner;  // the account
  bool confirmed = false;
  bool raw_message_delivery = false;
};

class SnsService {
 public:
  // Takes one message for a queue by ARN; false when there is no such queue.
  using QueueSink = SnsQueueDelivery::Sink;

  // `seed` non-zero makes message ids, tokens and subscription ids repeatable (the signing
  // key never is). `clock` must outlive the service.
  explicit SnsService(const Clock& clock, uint64_t seed = 0);
  ~SnsService();
  SnsService(const SnsService&) = delete;
  SnsService& operator=(const SnsService&) = delete;

  // The emulator's base URL ("http://127.0.0.1:PORT"), for SubscribeURL, UnsubscribeURL
  // and SigningCertURL. Set once the server has its port.
  void set_endpoint(const std::string& endpoint);
  // <endpoint>/_emulator/sns/SimpleNotificationService-emulator.pem
  std::string certificate_url() const;
  std::string certificate_pem() { return signer_.certificate_pem(); }

  // One verified Query call of `caller`, signed for `region`.
  Response handle(const Caller& caller, const std::string& region, const Params& params);
  // ConfirmSubscription and Unsubscribe by URL, without a signature (what a GET of
  // SubscribeURL or UnsubscribeURL does). Other actions are refused.
  Response handle_unsigned(const Params& params);

  // --- The same, from C++ (tests, the seed, the Config recorder). ---

  // Returns the topic's ARN, arn:aws:sns:<region>:<account>:<name>; an existing topic of
  // that name is returned as is.
  tl::expected<std::string, SnsError> create_topic(const std::string& region,
                                                   const std::string& account,
                                                   const std::string& name);
  bool has_topic(const std::string& topic_arn) const;
  // "SignatureVersion" ("1" or "2"), "DisplayName", "Policy", "DeliveryPolicy".
  tl::expected<void, SnsError> set_topic_attribute(const std::string& topic_arn,
                                                   const std::string& name,
                                                   const std::string& value);
  // Subscribes an http(s) endpoint and delivers the SubscriptionConfirmation, or (protocol
  // "sqs") a queue ARN, confirmed at once; returns the subscription's ARN (for http(s), the
  // one it will have once confirmed). `raw_message_delivery` sets RawMessageDelivery.
  tl::expected<std::string, SnsError> subscribe(const std::string& topic_arn,
                                                const std::string& endpoint,
                                                const std::string& protocol = "",
                                                bool raw_message_delivery = false);
  // "RawMessageDelivery" ("true" or "false"), the one subscription attribute served.
  tl::expected<void, SnsError> set_subscription_attribute(const std::string& subscription_arn,
                                                          const std::string& name,
                                                          const std::string& value);
  // What GetSubscriptionAttributes lists: SubscriptionArn, TopicArn, Owner, Protocol,
  // Endpoint, RawMessageDelivery, PendingConfirmation, ConfirmationWasAuthenticated.
  tl::expected<std::map<std::string, std::string>, SnsError> subscription_attributes(
      const std::string& subscription_arn) const;
  // Where "sqs" subscriptions deliver (the emulator points it at its SQS). Unset, they
  // drop every delivery. Call before publishing.
  void set_queue_sink(QueueSink sink);
  // Messages an "sqs" subscription handed to its queue, and those dropped because the
  // queue did not exist.
  size_t queue_deliveries() const;
  size_t dropped_queue_deliveries() const;
  // Confirms by token; returns the subscription's ARN.
  tl::expected<std::string, SnsError> confirm(const std::string& topic_arn,
                                              const std::string& token);
  // Removes a subscription and delivers an UnsubscribeConfirmation.
  tl::expected<void, SnsError> unsubscribe(const std::string& subscription_arn);
  // Queues a Notification for every confirmed subscription; returns the message id.
  // `subject` "" means none.
  tl::expected<std::string, SnsError> publish(const std::string& topic_arn,
                                              const std::string& message,
                                              const std::string& subject = "");
  std::vector<SnsSubscriptionInfo> subscriptions(const std::string& topic_arn) const;

  // Every delivery attempt, oldest first (also GET /_emulator/sns/deliveries).
  std::vector<SnsDelivery> deliveries() const { return deliverer_.deliveries(); }
  void clear_deliveries() { deliverer_.clear(); }
  bool wait_for_deliveries(size_t n, std::chrono::milliseconds timeout) const {
    return deliverer_.wait_for(n, timeout);
  }
  // GET /_emulator/sns/deliveries: {"deliveries": [{"subscription_arn", "endpoint",
  // "message_type", "message_id", "status", "attempt"}]}.
  std::string deliveries_json() const;

  // Ends the delivery thread; later deliveries are dropped. Idempotent.
  void stop() { deliverer_.stop(); }

 private:
  struct Subscription {
    std::string arn;
    std::string protocol;
    std::string endpoint;
    std::string token;
    bool confirmed = false;
    bool raw = false;  // RawMessageDelivery
  };
  struct Topic {
    std::string arn;
    std::string region;
    std::string account;
    std::map<std::string, std::string> attributes;
    std::vector<Subscription> subscriptions;  // in the order made
  };

  Response api_create_topic(const Caller& caller, const std::string& region,
                            const Params& params);
  Response api_list_topics(const Caller& caller, const std::string& region,
                           const Params& params);
  Response api_get_topic_attributes(const Caller& caller, const Params& params);
  Response api_list_subscriptions(const Caller& caller, const Params& params);
  Response api_confirm(const Params& params);
  Response api_unsubscribe(const Params& params);
  Response api_subscribe(const Caller& caller, const std::string& topic_arn,
                         const Params& params);

  // Signs `message` (adding SignatureVersion, Signature, SigningCertURL, and
  // UnsubscribeURL for a Notification) and returns the envelope's text. Caller holds mutex_.
  std::string sign_locked(const Topic& topic, const Subscription& subscription,
                          nlohmann::ordered_json message);
  // Signs `message` and queues it for HTTP delivery. Caller holds mutex_.
  void deliver_locked(const Topic& topic, const Subscription& subscription,
                      nlohmann::ordered_json message);
  // The topic and subscription of a subscription ARN; nulls when there is none.
  std::pair<Topic*, Subscription*> find_subscription_locked(const std::string& subscription_arn);
  void deliver_confirmation_locked(const Topic& topic, const Subscription& subscription,
                                   const std::string& type);
  Topic* find_topic_locked(const std::string& arn);
  std::string uuid_locked();
  std::string timestamp() const;

  const Clock& clock_;
  SnsSigner signer_;
  mutable std::mutex mutex_;  // guards everything below
  std::mt19937_64 random_;
  std::string endpoint_;
  std::map<std::string, Topic> topics_;  // by ARN
  SnsQueueDelivery queues_;  // "sqs" subscriptions' hand-over to their queues
  SnsDeliverer deliverer_;  // last: its thread stops first
};

// Whether `action` is one of SNS's, so that a request the emulator cannot verify still
// gets SNS's error shape.
bool is_sns_action(const std::string& action);

}  // namespace sgwatch::emulator
