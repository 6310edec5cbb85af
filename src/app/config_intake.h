// What sgwatch does with an AWS Config message, wherever it arrived from (the SNS endpoint
// now, an SQS queue later): a ConfigurationItemChangeNotification about a security group
// becomes a GroupObservation for the Observer; an oversized one is fetched whole with
// GetResourceConfigHistory first. Items of other resources, other message types, empty
// updates and items whose configurationStateId was taken in already are counted and left.
//
// Thread-safe: messages may be taken from several threads at once.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "app/observer.h"
#include "aws/config_client.h"

namespace sgwatch {

// What became of one message.
struct ConfigIntakeResult {
  std::string what;  // a few words for the log: "recorded sg-... in 1234 eu-west-1", ...
  bool recorded = false;
};

// Running totals since start, for logs and metrics.
struct ConfigIntakeCounts {
  std::atomic<uint64_t> items{0};            // security-group items taken in
  std::atomic<uint64_t> recorded{0};         // that gave a new revision
  std::atomic<uint64_t> seen_state{0};       // configurationStateId not newer than one taken in
  std::atomic<uint64_t> empty_update{0};     // an update with no changed property
  std::atomic<uint64_t> oversized{0};        // fetched with GetResourceConfigHistory
  std::atomic<uint64_t> other_resource{0};   // items of other resource types
  std::atomic<uint64_t> other_message{0};    // compliance, snapshot delivery, ...
  std::atomic<uint64_t> not_observed{0};     // stale, before the baseline, or unwatched
};

class ConfigIntake {
 public:
  // Both must outlive the intake.
  ConfigIntake(Observer& observer, ConfigApi& config);

  // How far a message's content may be believed.
  enum class Trust {
    kSigned,    // it came in an SNS envelope whose signature verified
    // Unsigned (raw SNS delivery to a queue): anyone the queue lets send could have written
    // it, so an item only names its group, which is read from EC2 (Observer::refresh_group),
    // and its configurationStateId is not remembered.
    kUnsigned,
  };

  // `message`: the Config JSON (an SNS Message, already unwrapped); `source` names it in
  // errors. kInvalidInput: the message itself is wrong (do not retry it); any other
  // error: the store or AWS failed, and the message should come again.
  Result<ConfigIntakeResult> take(std::string_view message, std::string_view source,
                                  Trust trust = Trust::kSigned);

  const ConfigIntakeCounts& counts() const { return counts_; }

 private:
  Result<ConfigIntakeResult> take_item(const ConfigItem& item, std::string_view source,
                                       Trust trust);

  Observer& observer_;
  ConfigApi& config_;
  ConfigIntakeCounts counts_;
};

}  // namespace sgwatch
