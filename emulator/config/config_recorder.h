// The emulator's AWS Config recorder for security groups: while recording, each successful
// EC2 call that changes a group (Create/DeleteSecurityGroup, Authorize*/Revoke*,
// ModifySecurityGroupRules, UpdateSecurityGroupRuleDescriptions*, Create/DeleteTags on
// sg- ids) becomes a configuration item of the group's state after the call (read back
// through EC2, as Config reads it), kept for GetResourceConfigHistory, and published as
// a ConfigurationItemChangeNotification to the region's delivery topic through the
// emulator's SNS (the Config JSON as the SNS Message string, Subject "[AWS Config:<region>]
// AWS::EC2::SecurityGroup <id> Created|Updated|Deleted in Account <account>").
// A Message longer than the oversize threshold (default 256 KiB, SNS's limit) is replaced
// by an OversizedConfigurationItemChangeNotification carrying a summary.
//
// Also serves Config's GetResourceConfigHistory in the JSON 1.1 protocol (X-Amz-Target
// "StarlingDoveService.GetResourceConfigHistory").
//
// Recording is off until deliver_to(), set_recording(true), the seed or the admin endpoint
// turns it on. Items are made whether or not a topic is set; they are published only to
// the topic set for their account and region.
//
// Thread-safe. observe() holds the recorder's lock while it reads the group and
// publishes, so items and notifications of one resource come out in order.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "core/clock.h"
#include "emulator/caller.h"
#include "emulator/config/config_item.h"
#include "emulator/ec2/ec2_mutation.h"
#include "emulator/http_types.h"
#include "emulator/sns/sns_service.h"

namespace sgwatch::emulator {

inline constexpr char kConfigTargetPrefix[] = "StarlingDoveService.";

// Reads a group's configuration now (sg_configuration_from_describe's form); nullopt when
// the group does not exist. Called without EC2's lock held.
using GroupReader = std::function<std::optional<ConfigJson>(
    const std::string& account, const std::string& region, const std::string& group_id)>;

class ConfigRecorder {
 public:
  // `clock` and `sns` must outlive the recorder.
  ConfigRecorder(const Clock& clock, SnsService& sns, GroupReader reader);

  void set_recording(bool on);
  bool recording() const;
  // Turns recording on, and publishes the items of `region` in the topic's account to
  // `topic_arn` (arn:aws:sns:<region>:<account>:<name>). Replaces any earlier topic there.
  void deliver_to(const std::string& region, const std::string& topic_arn);
  void set_oversize_threshold(size_t bytes);

  // What the EC2 observer calls after every mutating call; `event_id` is the call's
  // CloudTrail eventID ("" when the trail did not record it). Failed calls are ignored.
  void observe(const MutationRecord& call, const std::string& event_id);

  // Every configuration item made (notification form), oldest first.
  std::vector<ConfigJson> items() const;
  // Every message published (the SNS Message, parsed), oldest first.
  std::vector<ConfigJson> notifications() const;
  void clear();

  // One Config API call, `operation` from X-Amz-Target (GetResourceConfigHistory).
  Response handle(const Caller& caller, const std::string& region, const std::string& operation,
                  const std::string& body);

  // POST /_emulator/config: any of {"recording": bool, "sns_topic_arn": "...",
  // "oversize_threshold": n}; answers the settings as settings_json() writes them. Unknown
  // keys and wrong types are errors.
  tl::expected<ConfigJson, std::string> apply_settings(const nlohmann::json& body);
  // {"recording", "oversize_threshold", "delivery": [{"account", "region", "sns_topic_arn"}]}
  ConfigJson settings_json() const;

 private:
  using ResourceKey = std::pair<std::string, std::string>;  // account/region, group id
  struct Resource {
    ConfigJson last;  // the newest item, null before the first
    int64_t last_state_id = 0;
    std::optional<Timestamp> created;
  };

  void record_locked(const MutationRecord& call, const std::string& group_id,
                     const std::string& event_id);
  void publish_locked(const std::string& account, const std::string& region,
                      const std::string& subject, const ConfigJson& notification,
                      const ConfigJson& item, const std::string& change_type);

  const Clock& clock_;
  SnsService& sns_;
  GroupReader reader_;
  mutable std::mutex mutex_;  // guards everything below
  bool recording_ = false;
  size_t oversize_threshold_ = 256 * 1024;
  std::map<std::pair<std::string, std::string>, std::string> topics_;  // (account, region)
  std::map<ResourceKey, Resource> resources_;
  std::vector<ConfigJson> items_;
  std::vector<ConfigJson> notifications_;
};

// The operation an X-Amz-Target header names for Config; "" when it names none.
std::string config_operation(const std::string& target);

// Config's JSON error: HTTP `status`, body {"__type": type, "message": message}.
Response config_error(int status, const std::string& type, const std::string& message);

}  // namespace sgwatch::emulator
