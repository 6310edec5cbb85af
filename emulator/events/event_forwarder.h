// An EventBridge rule with an SQS target, as sgwatch's users set one up:
//
//   {"source": ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"],
//    "detail": {"eventSource": ["ec2.amazonaws.com"],
//               "eventName": [AuthorizeSecurityGroupIngress, AuthorizeSecurityGroupEgress,
//                             RevokeSecurityGroupIngress, RevokeSecurityGroupEgress,
//                             ModifySecurityGroupRules,
//                             UpdateSecurityGroupRuleDescriptionsIngress,
//                             UpdateSecurityGroupRuleDescriptionsEgress,
//                             CreateSecurityGroup, DeleteSecurityGroup, CreateTags,
//                             DeleteTags]}}
//
// Each CloudTrail record of such a call (failed ones included: EventBridge delivers them,
// with errorCode set) becomes the event EventBridge sends:
//
//   {"version": "0", "id": "<uuid>", "detail-type": "AWS API Call via CloudTrail",
//    "source": "aws.ec2", "account": "<recipientAccountId>", "time": "<eventTime>",
//    "region": "<awsRegion>", "resources": [], "detail": <the CloudTrail record>}
//
// sent to every queue of a rule for the record's region and of the rules for all regions.
// Only what the trail records is forwarded (with trail recording off, nothing is), and it
// is forwarded at once, on the thread of the call, without the trail's delivery delay:
// EventBridge does not wait for CloudTrail's log files. A target queue that does not exist
// drops the event, counted.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sgwatch::emulator {

struct EventRule {
  std::string region;     // "" for every region
  std::string queue_arn;  // arn:aws:sqs:<region>:<account>:<name>
  bool operator==(const EventRule&) const = default;
};

class EventForwarder {
 public:
  // Sends one message body to a queue by ARN; false when there is no such queue.
  using Sink = std::function<bool(const std::string& queue_arn, const std::string& body)>;

  // `seed` non-zero makes event ids repeatable.
  EventForwarder(Sink sink, uint64_t seed = 0);

  // Adds a rule (once: adding it again changes nothing).
  void forward_to(const std::string& region, const std::string& queue_arn);
  void forward_all_regions_to(const std::string& queue_arn);
  std::vector<EventRule> rules() const;
  void clear();

  // Whether the rule's pattern matches a CloudTrail record.
  static bool matches(const nlohmann::ordered_json& record);
  // The EventBridge event for a record, with event id `id`.
  static nlohmann::ordered_json envelope(const nlohmann::ordered_json& record,
                                         const std::string& id);

  // Sends the event for `record` to every matching rule's queue; returns how many took it.
  size_t forward(const nlohmann::ordered_json& record);

  size_t forwarded() const;  // events a queue took
  size_t dropped() const;    // events whose queue did not exist

  // GET /_emulator/events: {"rules": [{"region", "queue"}], "forwarded", "dropped"}.
  nlohmann::ordered_json to_json() const;

 private:
  Sink sink_;
  mutable std::mutex mutex_;  // guards everything below
  std::mt19937_64 random_;
  std::vector<EventRule> rules_;
  size_t forwarded_ = 0;
  size_t dropped_ = 0;
};

}  // namespace sgwatch::emulator
