// What sgwatch does with a CloudTrail event an EventBridge rule delivered (through an SQS
// queue now, whatever carries it later): the targeted refresh. The event names the groups
// a call touched; each is read at once in the event's account and region and recorded if
// it changed (Observer::refresh_group), with the event itself kept first so it attributes
// the change without a CloudTrail lookup. A refused call is kept too: an attempt alert.
//
// The event only says which groups to read, never what they hold: the read is the truth,
// so a late, repeated or out-of-order event can at worst read a group that did not change.
//
// A call that stops, deletes or updates a CloudTrail trail is told as a health alert
// (Observer::keep_trail_change): it blinds attribution.
//
// Thread-safe: events may be taken from several threads at once.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "app/observer.h"
#include "sources/queue_message.h"

namespace sgwatch {

struct EventIntakeResult {
  std::string what;  // a few words for the log
  bool recorded = false;  // a revision or an attempt alert was stored: wake the outbox
};

// Running totals since start, for logs and metrics.
struct EventIntakeCounts {
  std::atomic<uint64_t> events{0};        // security-group calls taken in
  std::atomic<uint64_t> refreshed{0};     // groups read by a targeted refresh
  std::atomic<uint64_t> recorded{0};      // reads that gave a new revision
  std::atomic<uint64_t> attempts{0};      // refused calls
  std::atomic<uint64_t> other_call{0};    // calls that cannot change a security group
  std::atomic<uint64_t> not_observed{0};  // accounts not observed, scopes without a baseline
  std::atomic<uint64_t> unresolved{0};    // calls naming no group id (a rule tag, a name only)
  std::atomic<uint64_t> trail_changes{0};  // StopLogging, DeleteTrail, UpdateTrail: told
};

class EventIntake {
 public:
  explicit EventIntake(Observer& observer);  // must outlive the intake

  // `source` names the message in errors. kInvalidInput: the event itself is unusable;
  // any other error: AWS or the store failed, and the event should come again.
  Result<EventIntakeResult> take(const CloudTrailEventMessage& event, std::string_view source);

  const EventIntakeCounts& counts() const { return counts_; }

 private:
  Observer& observer_;
  EventIntakeCounts counts_;
};

}  // namespace sgwatch
