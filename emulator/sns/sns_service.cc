#include "emulator/sns/sns_service.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include <date/date.h>
#include <fmt/format.h>
#include <pugixml.hpp>

#include "emulator/sns/sns_query.h"
#include "emulator/sns/sns_subscription_attributes.h"

namespace sgwatch::emulator {
namespace {

using sns_query::add_text;
using sns_query::begin;
using sns_query::empty_answer;
using sns_query::error_response;
using sns_query::finish;
using sns_query::invalid;
using sns_query::not_found;
using sns_query::param;

constexpr int kPageSize = 100;  // ListTopics and ListSubscriptionsByTopic, as SNS pages

constexpr std::array<const char*, 11> kActions = {
    "CreateTopic",       "ListTopics",  "GetTopicAttributes",
    "SetTopicAttributes", "Subscribe",   "ConfirmSubscription",
    "ListSubscriptionsByTopic", "Unsubscribe", "Publish",
    "GetSubscriptionAttributes", "SetSubscriptionAttributes"};

// SNS's topic names: 1-256 letters, digits, hyphens and underscores.
bool valid_topic_name(const std::string& name) {
  return !name.empty() && name.size() <= 256 &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_';
         });
}

// The topic a subscription ARN belongs to: everything before its last ':'.
std::string topic_of_subscription(const std::string& subscription_arn) {
  const size_t colon = subscription_arn.rfind(':');
  return colon == std::string::npos ? "" : subscription_arn.substr(0, colon);
}

}  // namespace

bool is_sns_action(const std::string& action) {
  return std::find(kActions.begin(), kActions.end(), action) != kActions.end();
}

SnsService::SnsService(const Clock& clock, uint64_t seed)
    : clock_(clock),
      signer_(clock),
      random_(seed != 0 ? seed ^ 0x736e'7300'0000'0000ULL : std::random_device()()) {}

SnsService::~SnsService() { stop(); }

void SnsService::set_endpoint(const std::string& endpoint) {
  std::lock_guard lock(mutex_);
  endpoint_ = endpoint;
}

std::string SnsService::certificate_url() const {
  std::lock_guard lock(mutex_);
  return endpoint_ + kSnsCertificatePath;
}

std::string SnsService::uuid_locked() {
  const uint64_t high = random_();
  const uint64_t low = random_();
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff,
                     high & 0x0fff, ((low >> 48) & 0x3fff) | 0x8000, low & 0xffff'ffff'ffffULL);
}

std::string SnsService::timestamp() const {
  return date::format("%FT%TZ", clock_.now());  // milliseconds: "2026-03-06T19:31:32.895Z"
}

SnsService::Topic* SnsService::find_topic_locked(const std::string& arn) {
  auto found = topics_.find(arn);
  return found == topics_.end() ? nullptr : &found->second;
}

// --- C++ interface ---

tl::expected<std::string, SnsError> SnsService::create_topic(const std::string& region,
                                                             const std::string& account,
                                                             const std::string& name) {
  if (!valid_topic_name(name)) {
    return tl::unexpected(invalid("Topic Name"));
  }
  const std::string arn = "arn:aws:sns:" + region + ":" + account + ":" + name;
  std::lock_guard lock(mutex_);
  Topic& topic = topics_[arn];
  if (topic.arn.empty()) {
    topic.arn = arn;
    topic.region = region;
    topic.account = account;
    topic.attributes = {{"SignatureVersion", "1"}, {"DisplayName", ""}};
  }
  return arn;
}

bool SnsService::has_topic(const std::string& topic_arn) const {
  std::lock_guard lock(mutex_);
  return topics_.count(topic_arn) != 0;
}

tl::expected<void, SnsError> SnsService::set_topic_attribute(const std::string& topic_arn,
                                                             const std::string& name,
                                                             const std::string& value) {
  static const std::array<const char*, 4> kSettable = {"SignatureVersion", "DisplayName",
                                                       "Policy", "DeliveryPolicy"};
  if (std::find(kSettable.begin(), kSettable.end(), name) == kSettable.end()) {
    return tl::unexpected(invalid("AttributeName"));
  }
  if (name == "SignatureVersion" && value != "1" && value != "2") {
    return tl::unexpected(
        invalid("Attribute SignatureVersion: Invalid value [" + value + "]. Valid values: 1, 2"));
  }
  std::lock_guard lock(mutex_);
  Topic* topic = find_topic_locked(topic_arn);
  if (topic == nullptr) return tl::unexpected(not_found("Topic does not exist"));
  topic->attributes[name] = value;
  return {};
}

tl::expected<std::string, SnsError> SnsService::subscribe(const std::string& topic_arn,
                                                          const std::string& endpoint,
                                                          const std::string& protocol,
                                                          bool raw_message_delivery) {
  const std::string scheme = endpoint.substr(0, endpoint.find("://"));
  const std::string kind = protocol.empty() ? (endpoint.starts_with("arn:aws:sqs:") ? "sqs" : scheme)
                                            : protocol;
  if (kind == "sqs") {
    if (!is_sqs_queue_arn(endpoint)) return tl::unexpected(invalid("SQS endpoint ARN"));
  } else if (kind != "http" && kind != "https") {
    return tl::unexpected(
        invalid("The emulator delivers only to http and https endpoints and SQS queues"));
  } else if (scheme != kind || endpoint.size() <= kind.size() + 3) {
    return tl::unexpected(invalid("Endpoint must match the specified protocol"));
  }
  std::lock_guard lock(mutex_);
  Topic* topic = find_topic_locked(topic_arn);
  if (topic == nullptr) return tl::unexpected(not_found("Topic does not exist"));
  // Subscribing an endpoint again gives the same subscription, confirmed or not.
  for (Subscription& existing : topic->subscriptions) {
    if (existing.endpoint == endpoint && existing.protocol == kind) {
      if (!existing.confirmed) deliver_confirmation_locked(*topic, existing, "SubscriptionConfirmation");
      if (raw_message_delivery) existing.raw = true;
      return existing.arn;
    }
  }
  Subscription subscription;
  subscription.arn = topic_arn + ":" + uuid_locked();
  subscription.protocol = kind;
  subscription.endpoint = endpoint;
  subscription.raw = raw_message_delivery;
  // SNS's tokens are long hex strings.
  while (subscription.token.size() < 256) subscription.token += fmt::format("{:016x}", random_());
  // A queue needs no confirmation: SNS confirms it at once when the queue lets it send.
  subscription.confirmed = kind == "sqs";
  topic->subscriptions.push_back(subscription);
  if (!subscription.confirmed) {
    deliver_confirmation_locked(*topic, subscription, "SubscriptionConfirmation");
  }
  return subscription.arn;
}

std::pair<SnsService::Topic*, SnsService::Subscription*> SnsService::find_subscription_locked(
    const std::string& subscription_arn) {
  Topic* topic = find_topic_locked(topic_of_subscription(subscription_arn));
  if (topic == nullptr) return {nullptr, nullptr};
  for (Subscription& subscription : topic->subscriptions) {
    if (subscription.arn == subscription_arn) return {topic, &subscription};
  }
  return {nullptr, nullptr};
}

tl::expected<void, SnsError> SnsService::set_subscription_attribute(
    const std::string& subscription_arn, const std::string& name, const std::string& value) {
  auto raw = raw_message_delivery_setting(name, value);
  if (!raw) return tl::unexpected(raw.error());
  std::lock_guard lock(mutex_);
  auto [topic, subscription] = find_subscription_locked(subscription_arn);
  if (subscription == nullptr) return tl::unexpected(not_found("Subscription does not exist"));
  subscription->raw = *raw;
  return {};
}

tl::expected<std::map<std::string, std::string>, SnsError> SnsService::subscription_attributes(
    const std::string& subscription_arn) const {
  std::lock_guard lock(mutex_);
  auto [topic, subscription] =
      const_cast<SnsService*>(this)->find_subscription_locked(subscription_arn);
  if (subscription == nullptr) return tl::unexpected(not_found("Subscription does not exist"));
  return subscription_attribute_list(SnsSubscriptionInfo{
      subscription->arn, topic->arn, subscription->protocol, subscription->endpoint,
      topic->account, subscription->confirmed, subscription->raw});
}

void SnsService::set_queue_sink(QueueSink sink) {
  std::lock_guard lock(mutex_);
  queues_.set_sink(std::move(sink));
}

size_t SnsService::queue_deliveries() const {
  std::lock_guard lock(mutex_);
  return queues_.delivered();
}

size_t SnsService::dropped_queue_deliveries() const {
  std::lock_guard lock(mutex_);
  return queues_.dropped();
}

tl::expected<std::string, SnsError> SnsService::confirm(const std::string& topic_arn,
                                                        const std::string& token) {
  std::lock_guard lock(mutex_);
  Topic* topic = find_topic_locked(topic_arn);
  if (topic == nullptr) return tl::unexpected(not_found("Topic does not exist"));
  for (Subscription& subscription : topic->subscriptions) {
    if (subscription.token == token) {
      subscription.confirmed = true;
      return subscription.arn;
    }
  }
  return tl::unexpected(invalid("Token"));
}

tl::expected<void, SnsError> SnsService::unsubscribe(const std::string& subscription_arn) {
  std::lock_guard lock(mutex_);
  Topic* topic = find_topic_locked(topic_of_subscription(subscription_arn));
  if (topic == nullptr) return tl::unexpected(not_found("Subscription does not exist"));
  auto& list = topic->subscriptions;
  auto found = std::find_if(list.begin(), list.end(), [&](const Subscription& s) {
    return s.arn == subscription_arn;
  });
  if (found == list.end()) return tl::unexpected(not_found("Subscription does not exist"));
  const Subscription gone = *found;
  list.erase(found);
  deliver_confirmation_locked(*topic, gone, "UnsubscribeConfirmation");
  return {};
}

tl::expected<std::string, SnsError> SnsService::publish(const std::string& topic_arn,
                                                        const std::string& message,
                                                        const std::string& subject) {
  if (message.empty()) return tl::unexpected(invalid("Empty message"));
  if (message.size() > 256 * 1024) {
    return tl::unexpected(invalid("Message too long"));
  }
  std::lock_guard lock(mutex_);
  Topic* topic = find_topic_locked(topic_arn);
  if (topic == nullptr) return tl::unexpected(not_found("Topic does not exist"));
  const std::string id = uuid_locked();
  for (const Subscription& subscription : topic->subscriptions) {
    if (!subscription.confirmed) continue;
    nlohmann::ordered_json envelope = {{"Type", "Notification"},
                                       {"MessageId", id},
                                       {"TopicArn", topic_arn}};
    if (!subject.empty()) envelope["Subject"] = subject;
    envelope["Message"] = message;
    envelope["Timestamp"] = timestamp();
    if (subscription.protocol != "sqs") {
      deliver_locked(*topic, subscription, std::move(envelope));
      continue;
    }
    // A queue gets what an HTTP endpoint would, or with RawMessageDelivery the message alone.
    queues_.deliver(subscription.endpoint,
                    subscription.raw ? message
                                     : sign_locked(*topic, subscription, std::move(envelope)));
  }
  return id;
}

std::vector<SnsSubscriptionInfo> SnsService::subscriptions(const std::string& topic_arn) const {
  std::lock_guard lock(mutex_);
  std::vector<SnsSubscriptionInfo> out;
  auto topic = topics_.find(topic_arn);
  if (topic == topics_.end()) return out;
  for (const Subscription& s : topic->second.subscriptions) {
    out.push_back(SnsSubscriptionInfo{s.confirmed ? s.arn : "PendingConfirmation", topic_arn,
                                      s.protocol, s.endpoint, topic->second.account,
                                      s.confirmed, s.raw});
  }
  return out;
}

std::string SnsService::deliveries_json() const {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const SnsDelivery& d : deliveries()) {
    list.push_back({{"subscription_arn", d.subscription_arn},
                    {"endpoint", d.endpoint},
                    {"message_type", d.message_type},
                    {"message_id", d.message_id},
                    {"status", d.status},
                    {"attempt", d.attempt}});
  }
  return nlohmann::ordered_json{{"deliveries", list}}.dump();
}

// --- Delivery ---

void SnsService::deliver_confirmation_locked(const Topic& topic, const Subscription& subscription,
                                             const std::string& type) {
  const bool subscribing = type == "SubscriptionConfirmation";
  nlohmann::ordered_json envelope = {{"Type", type},
                                     {"MessageId", uuid_locked()},
                                     {"Token", subscription.token},
                                     {"TopicArn", topic.arn}};
  // SNS's own wording.
  envelope["Message"] =
      subscribing ? "You have chosen to subscribe to the topic " + topic.arn +
                        ".\nTo confirm the subscription, visit the SubscribeURL included in "
                        "this message."
                  : "You have chosen to deactivate subscription " + subscription.arn +
                        ".\nTo cancel this operation and restore the subscription, visit the "
                        "SubscribeURL included in this message.";
  envelope["SubscribeURL"] = endpoint_ + "/?Action=ConfirmSubscription&TopicArn=" + topic.arn +
                             "&Token=" + subscription.token;
  envelope["Timestamp"] = timestamp();
  deliver_locked(topic, subscription, std::move(envelope));
}

void SnsService::deliver_locked(const Topic& topic, const Subscription& subscription,
                                nlohmann::ordered_json message) {
  const std::string type = message["Type"];
  const std::string id = message["MessageId"];
  std::string body = sign_locked(topic, subscription, std::move(message));
  deliverer_.enqueue(SnsOutgoing{subscription.endpoint, subscription.arn, topic.arn, type, id,
                                 std::move(body), type == "Notification"});
}

std::string SnsService::sign_locked(const Topic& topic, const Subscription& subscription,
                                    nlohmann::ordered_json message) {
  auto version = topic.attributes.find("SignatureVersion");
  const std::string signature_version =
      version == topic.attributes.end() ? "1" : version->second;
  const std::string type = message["Type"];
  // The signature covers the fields already present; the rest are added after.
  const std::string signature = signer_.sign(sns_string_to_sign(message), signature_version);
  message["SignatureVersion"] = signature_version;
  message["Signature"] = signature;
  message["SigningCertURL"] = endpoint_ + kSnsCertificatePath;
  if (type == "Notification") {
    message["UnsubscribeURL"] =
        endpoint_ + "/?Action=Unsubscribe&SubscriptionArn=" + subscription.arn;
  }
  return message.dump(2);
}

// --- Query API ---

Response SnsService::handle(const Caller& caller, const std::string& region,
                            const Params& params) {
  const std::string action = param(params, "Action");
  if (!is_sns_action(action)) {
    return sns_error(400, "InvalidAction", "Could not find operation " + action +
                                               " for version 2010-03-31");
  }
  if (!caller.may("sns", action)) {
    return sns_error(403, "AuthorizationError",
                     "User: " + caller.arn + " is not authorized to perform: SNS:" + action);
  }
  if (action == "CreateTopic") return api_create_topic(caller, region, params);
  if (action == "ListTopics") return api_list_topics(caller, region, params);
  if (action == "ConfirmSubscription") return api_confirm(params);
  if (action == "Unsubscribe") return api_unsubscribe(params);
  if (action == "GetSubscriptionAttributes" || action == "SetSubscriptionAttributes") {
    return serve_subscription_attributes(*this, caller, action, params);
  }

  // The rest name a topic, which must be the caller's and in the region signed for.
  const std::string topic_arn = param(params, "TopicArn");
  if (topic_arn.empty()) return error_response(invalid("TopicArn"));
  auto parts = sns_query::arn_parts(topic_arn);
  if (!parts || parts->region != region) return error_response(invalid("TopicArn"));
  if (parts->account != caller.account_id) {
    return sns_error(403, "AuthorizationError",
                     "User: " + caller.arn + " is not authorized to perform: SNS:" + action +
                         " on resource: " + topic_arn);
  }
  if (!has_topic(topic_arn)) return error_response(not_found("Topic does not exist"));

  if (action == "GetTopicAttributes") return api_get_topic_attributes(caller, params);
  if (action == "ListSubscriptionsByTopic") return api_list_subscriptions(caller, params);
  if (action == "SetTopicAttributes") {
    auto set = set_topic_attribute(topic_arn, param(params, "AttributeName"),
                                   param(params, "AttributeValue"));
    return set ? empty_answer(action) : error_response(set.error());
  }
  if (action == "Subscribe") return api_subscribe(caller, topic_arn, params);
  // Publish.
  if (params.count("Message") == 0) return error_response(invalid("Message"));
  auto id = publish(topic_arn, param(params, "Message"), param(params, "Subject"));
  if (!id) return error_response(id.error());
  pugi::xml_document doc;
  add_text(begin(doc, action), "MessageId", *id);
  return finish(doc);
}

Response SnsService::api_subscribe(const Caller&, const std::string& topic_arn,
                                   const Params& params) {
  auto raw = subscribe_raw_message_delivery(params);
  if (!raw) return error_response(raw.error());
  const std::string protocol = param(params, "Protocol");
  auto arn = subscribe(topic_arn, param(params, "Endpoint"), protocol, *raw);
  if (!arn) return error_response(arn.error());
  // A subscription confirmed at once (a queue) is always named; others only when asked.
  const bool return_arn = param(params, "ReturnSubscriptionArn") == "true" || protocol == "sqs";
  pugi::xml_document doc;
  add_text(begin(doc, "Subscribe"), "SubscriptionArn", return_arn ? *arn : "pending confirmation");
  return finish(doc);
}

Response SnsService::handle_unsigned(const Params& params) {
  const std::string action = param(params, "Action");
  if (action == "ConfirmSubscription") return api_confirm(params);
  if (action == "Unsubscribe") return api_unsubscribe(params);
  return sns_error(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
}

Response SnsService::api_create_topic(const Caller& caller, const std::string& region,
                                      const Params& params) {
  auto arn = create_topic(region, caller.account_id, param(params, "Name"));
  if (!arn) return error_response(arn.error());
  pugi::xml_document doc;
  add_text(begin(doc, "CreateTopic"), "TopicArn", *arn);
  return finish(doc);
}

Response SnsService::api_list_topics(const Caller& caller, const std::string& region,
                                     const Params& params) {
  // The token is the ARN to continue from: topics are listed in ARN order.
  const std::string next = param(params, "NextToken");
  pugi::xml_document doc;
  pugi::xml_node result = begin(doc, "ListTopics");
  pugi::xml_node list = result.append_child("Topics");
  std::lock_guard lock(mutex_);
  int listed = 0;
  for (auto it = topics_.lower_bound(next); it != topics_.end(); ++it) {
    const Topic& topic = it->second;
    if (topic.account != caller.account_id || topic.region != region) continue;
    if (listed == kPageSize) {
      add_text(result, "NextToken", topic.arn);
      break;
    }
    add_text(list.append_child("member"), "TopicArn", topic.arn);
    ++listed;
  }
  return finish(doc);
}

Response SnsService::api_get_topic_attributes(const Caller& caller, const Params& params) {
  const std::string arn = param(params, "TopicArn");
  pugi::xml_document doc;
  pugi::xml_node map = begin(doc, "GetTopicAttributes").append_child("Attributes");
  std::lock_guard lock(mutex_);
  Topic* topic = find_topic_locked(arn);
  if (topic == nullptr) return error_response(not_found("Topic does not exist"));
  std::map<std::string, std::string> attributes = topic->attributes;
  int confirmed = 0;
  int pending = 0;
  for (const Subscription& s : topic->subscriptions) (s.confirmed ? confirmed : pending)++;
  attributes["TopicArn"] = arn;
  attributes["Owner"] = caller.account_id;
  attributes["SubscriptionsConfirmed"] = std::to_string(confirmed);
  attributes["SubscriptionsPending"] = std::to_string(pending);
  attributes["SubscriptionsDeleted"] = "0";
  for (const auto& [key, value] : attributes) {
    pugi::xml_node entry = map.append_child("entry");
    add_text(entry, "key", key);
    add_text(entry, "value", value);
  }
  return finish(doc);
}

Response SnsService::api_list_subscriptions(const Caller&, const Params& params) {
  const std::vector<SnsSubscriptionInfo> all = subscriptions(param(params, "TopicArn"));
  size_t start = 0;
  if (const std::string token = param(params, "NextToken"); !token.empty()) {
    auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), start);
    if (error != std::errc() || end != token.data() + token.size() || start > all.size()) {
      return error_response(invalid("NextToken"));
    }
  }
  pugi::xml_document doc;
  pugi::xml_node result = begin(doc, "ListSubscriptionsByTopic");
  pugi::xml_node list = result.append_child("Subscriptions");
  for (size_t i = start; i < all.size(); ++i) {
    if (i - start == static_cast<size_t>(kPageSize)) {
      add_text(result, "NextToken", std::to_string(i));
      break;
    }
    pugi::xml_node member = list.append_child("member");
    add_text(member, "TopicArn", all[i].topic_arn);
    add_text(member, "Protocol", all[i].protocol);
    add_text(member, "SubscriptionArn", all[i].arn);
    add_text(member, "Owner", all[i].owner);
    add_text(member, "Endpoint", all[i].endpoint);
  }
  return finish(doc);
}

Response SnsService::api_confirm(const Params& params) {
  const std::string topic_arn = param(params, "TopicArn");
  if (topic_arn.empty()) return error_response(invalid("TopicArn"));
  if (params.count("Token") == 0) return error_response(invalid("Token"));
  auto arn = confirm(topic_arn, param(params, "Token"));
  if (!arn) return error_response(arn.error());
  pugi::xml_document doc;
  add_text(begin(doc, "ConfirmSubscription"), "SubscriptionArn", *arn);
  return finish(doc);
}

Response SnsService::api_unsubscribe(const Params& params) {
  const std::string arn = param(params, "SubscriptionArn");
  if (arn.empty()) return error_response(invalid("SubscriptionArn"));
  auto done = unsubscribe(arn);
  return done ? empty_answer("Unsubscribe") : error_response(done.error());
}

}  // namespace sgwatch::emulator
