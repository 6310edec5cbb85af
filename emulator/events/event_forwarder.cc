#include "emulator/events/event_forwarder.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace sgwatch::emulator {
namespace {

constexpr std::array<const char*, 11> kEventNames = {
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "ModifySecurityGroupRules",
    "UpdateSecurityGroupRuleDescriptionsIngress",
    "UpdateSecurityGroupRuleDescriptionsEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
    "CreateTags",
    "DeleteTags"};

std::string text(const nlohmann::ordered_json& record, const char* key) {
  auto found = record.find(key);
  return found != record.end() && found->is_string() ? found->get<std::string>() : "";
}

}  // namespace

EventForwarder::EventForwarder(Sink sink, uint64_t seed)
    : sink_(std::move(sink)),
      random_(seed != 0 ? seed ^ 0x6576'656e'7400'0000ULL : std::random_device()()) {}

void EventForwarder::forward_to(const std::string& region, const std::string& queue_arn) {
  std::lock_guard lock(mutex_);
  const EventRule rule{region, queue_arn};
  if (std::find(rules_.begin(), rules_.end(), rule) == rules_.end()) rules_.push_back(rule);
}

void EventForwarder::forward_all_regions_to(const std::string& queue_arn) {
  forward_to("", queue_arn);
}

std::vector<EventRule> EventForwarder::rules() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

void EventForwarder::clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
  forwarded_ = 0;
  dropped_ = 0;
}

bool EventForwarder::matches(const nlohmann::ordered_json& record) {
  if (!record.is_object() || text(record, "eventSource") != "ec2.amazonaws.com") return false;
  const std::string name = text(record, "eventName");
  return std::find(kEventNames.begin(), kEventNames.end(), name) != kEventNames.end();
}

nlohmann::ordered_json EventForwarder::envelope(const nlohmann::ordered_json& record,
                                                const std::string& id) {
  return {{"version", "0"},
          {"id", id},
          {"detail-type", "AWS API Call via CloudTrail"},
          {"source", "aws.ec2"},
          {"account", text(record, "recipientAccountId")},
          {"time", text(record, "eventTime")},
          {"region", text(record, "awsRegion")},
          {"resources", nlohmann::ordered_json::array()},
          {"detail", record}};
}

size_t EventForwarder::forward(const nlohmann::ordered_json& record) {
  if (!matches(record)) return 0;
  const std::string region = text(record, "awsRegion");
  std::vector<std::string> targets;
  std::string id;
  {
    std::lock_guard lock(mutex_);
    for (const EventRule& rule : rules_) {
      if ((rule.region.empty() || rule.region == region) &&
          std::find(targets.begin(), targets.end(), rule.queue_arn) == targets.end()) {
        targets.push_back(rule.queue_arn);
      }
    }
    if (targets.empty()) return 0;
    const uint64_t high = random_();
    const uint64_t low = random_();
    id = fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff,
                     high & 0x0fff, ((low >> 48) & 0x3fff) | 0x8000, low & 0xffff'ffff'ffffULL);
  }
  // One event, one id, for every target, as one EventBridge event matched by one rule
  // with several targets.
  const std::string body = envelope(record, id).dump();
  size_t sent = 0;
  for (const std::string& arn : targets) {
    if (sink_(arn, body)) ++sent;
  }
  std::lock_guard lock(mutex_);
  forwarded_ += sent;
  dropped_ += targets.size() - sent;
  return sent;
}

size_t EventForwarder::forwarded() const {
  std::lock_guard lock(mutex_);
  return forwarded_;
}

size_t EventForwarder::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

nlohmann::ordered_json EventForwarder::to_json() const {
  std::lock_guard lock(mutex_);
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (const EventRule& rule : rules_) {
    rules.push_back({{"region", rule.region.empty() ? "*" : rule.region},
                     {"queue", rule.queue_arn}});
  }
  return {{"rules", std::move(rules)}, {"forwarded", forwarded_}, {"dropped", dropped_}};
}

}  // namespace sgwatch::emulator
