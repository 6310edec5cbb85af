// One SQS standard queue of the emulator: its settings and messages, and what SQS does to
// them: a received message stays invisible for its visibility timeout and then comes back
// with its receive count raised; each receive hands out a new receipt handle; a message
// received maxReceiveCount times that becomes visible again is handed to the caller for its
// dead-letter queue instead of being delivered.
//
// Two clocks: timestamps that clients see (SentTimestamp, ApproximateFirstReceiveTimestamp,
// CreatedTimestamp) come from the emulator's Clock; visibility, delays and retention are
// measured on the steady clock, since they decide when a waiting ReceiveMessage wakes,
// and a waiting thread can only sleep in real time. A test on a ManualClock therefore
// still waits out a visibility timeout in real time, or ends it with
// ChangeMessageVisibility 0.
//
// Not thread-safe: SqsService holds its lock around every use.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"

namespace sgwatch::emulator {

using SteadyTime = std::chrono::steady_clock::time_point;

// A queue's settable attributes, with SQS's defaults.
struct SqsQueueSettings {
  int visibility_timeout = 30;              // seconds, 0..43200
  int message_retention_period = 345600;    // seconds, 60..1209600 (4 days by default)
  int receive_message_wait_time = 0;        // seconds, 0..20
  int delay_seconds = 0;                    // seconds, 0..900
  int maximum_message_size = 262144;        // bytes, 1024..262144
  std::string redrive_policy;               // the JSON as given, "" for none
  std::string dead_letter_target_arn;       // parsed from redrive_policy
  int max_receive_count = 0;                // parsed from redrive_policy; 0: no redrive
};

struct SqsMessage {
  uint64_t sequence = 0;  // order of sending
  std::string id;
  std::string body;
  std::string md5_of_body;  // lower-case hex
  Timestamp sent_at{};
  SteadyTime sent_steady{};
  SteadyTime visible_at{};
  int receive_count = 0;
  std::optional<Timestamp> first_received_at;
  std::string receipt_handle;  // of the latest receive; "" before the first
};

struct SqsQueueCounts {
  size_t visible = 0;              // ApproximateNumberOfMessages
  size_t in_flight = 0;            // ApproximateNumberOfMessagesNotVisible
  size_t delayed = 0;              // ApproximateNumberOfMessagesDelayed
  size_t moved_to_dead_letter = 0; // moved from this queue to its dead-letter queue, ever
};

// What a receipt handle refers to.
enum class SqsHandle {
  kCurrent,  // the latest receive of a message still in the queue
  kStale,    // an earlier receive of a message received again since
  kGone,     // a message deleted (or purged, expired, moved) since
  kUnknown,  // never handed out by this queue
};

class SqsQueue {
 public:
  SqsQueue(std::string name, std::string account, std::string region, std::string url,
           Timestamp created, SqsQueueSettings settings);

  const std::string& name() const { return name_; }
  const std::string& account() const { return account_; }
  const std::string& region() const { return region_; }
  const std::string& url() const { return url_; }
  // arn:aws:sqs:<region>:<account>:<name>
  std::string arn() const;
  Timestamp created() const { return created_; }
  Timestamp last_modified() const { return last_modified_; }
  const SqsQueueSettings& settings() const { return settings_; }
  void set_settings(SqsQueueSettings settings, Timestamp now);

  // Adds a message, visible after `delay` (the queue's DelaySeconds when nullopt).
  const SqsMessage& push(std::string id, std::string body, Timestamp now, SteadyTime steady,
                         std::optional<int> delay = std::nullopt);
  // Adds a message moved here from another queue's redrive, visible at once, its id and
  // sent time kept and its receive count reset.
  void adopt(SqsMessage message, SteadyTime steady);

  // Takes up to `max` messages visible at `steady`, oldest first, making each invisible
  // for `visibility` and giving it a handle from `new_handle`. When `redrive` is set,
  // messages already received max_receive_count times are removed and appended to
  // `dead_letters` instead. Messages past the retention period are dropped first.
  std::vector<SqsMessage> receive(size_t max, std::chrono::seconds visibility, Timestamp now,
                                  SteadyTime steady, bool redrive,
                                  const std::function<std::string()>& new_handle,
                                  std::vector<SqsMessage>& dead_letters);

  SqsHandle classify(const std::string& handle) const;
  // Deletes the message when `handle` is current; otherwise changes nothing. Returns what
  // the handle referred to.
  SqsHandle erase(const std::string& handle);
  // Makes the message of a current handle visible `timeout` from `steady`. Returns what the
  // handle referred to; only kCurrent changed anything.
  SqsHandle change_visibility(const std::string& handle, std::chrono::seconds timeout,
                              SteadyTime steady);
  void purge();

  SqsQueueCounts counts(SteadyTime steady) const;
  // When the next message becomes visible after `steady`, if any: a waiting receive sleeps
  // until then at the latest.
  std::optional<SteadyTime> next_visible_after(SteadyTime steady) const;
  // Every message's body, oldest first, visible or not.
  std::vector<std::string> bodies() const;

 private:
  void expire(SteadyTime steady);

  std::string name_;
  std::string account_;
  std::string region_;
  std::string url_;
  Timestamp created_;
  Timestamp last_modified_;
  SqsQueueSettings settings_;
  uint64_t next_sequence_ = 1;
  std::map<uint64_t, SqsMessage> messages_;                  // by sequence: oldest first
  std::unordered_map<std::string, uint64_t> handles_;        // every handle given out
  size_t moved_to_dead_letter_ = 0;
};

// Lower-case hex MD5 of `text`: MD5OfBody and MD5OfMessageBody, which SDKs check.
std::string sqs_md5_hex(const std::string& text);

}  // namespace sgwatch::emulator
