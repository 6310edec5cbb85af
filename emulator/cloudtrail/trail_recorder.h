// The emulator's CloudTrail: every EC2 call the emulator answers, as a CloudTrail record
// (trail_record.h), kept in memory and served by LookupEvents (lookup_events.h).
//
// What real CloudTrail does that tests need to meet: records reach LookupEvents only some
// time after the call (the delivery delay, measured on the emulator's clock; default 0),
// logging can be stopped (nothing is recorded while it is off), and LookupEvents allows two
// calls per second per account and region. Read-only calls (Describe*) are recorded too,
// as CloudTrail does, so clients must filter them out; only the newest are kept (a cap,
// default 1000), since benchmarks make tens of thousands of them. Write events are kept up
// to a larger cap (default 100,000), the oldest dropped first.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "core/clock.h"
#include "emulator/cloudtrail/rate_limiter.h"
#include "emulator/cloudtrail/trail_record.h"
#include "emulator/ec2/ec2_mutation.h"

namespace sgwatch::emulator {

struct TrailSettings {
  bool recording = true;  // false: as after StopLogging, calls are not recorded
  std::chrono::seconds delivery_delay{0};
  bool read_only_events = true;  // false: Describe* calls are not recorded
  size_t max_read_only_events = 1000;
  size_t max_write_events = 100000;
  bool lookup_rate_limit = true;  // false: LookupEvents is never throttled
};

using TrailEventPtr = std::shared_ptr<const TrailEvent>;

class TrailRecorder {
 public:
  // `seed` non-zero makes event ids repeat from run to run.
  TrailRecorder(const Clock& clock, uint64_t seed);

  // Records one call at the clock's current time, if recording is on. What Ec2Service's
  // observers call. Returns the record's eventID, or "" when nothing was recorded (so that
  // the Config recorder can name the event in relatedEvents).
  std::string record(const MutationRecord& call);

  TrailSettings settings() const;
  void set_recording(bool on);
  // Applies to calls recorded from now on; those already recorded keep their delivery time.
  void set_delivery_delay(std::chrono::seconds delay);
  void set_read_only_events(bool on);
  void set_lookup_rate_limit(bool on);
  // Changes every setting at once (caps included); trims stored events to the new caps.
  void apply(const TrailSettings& settings);

  // The stored event with this eventID (delivered or not), or null; newest write events
  // are searched first, so the one just recorded is found at once.
  TrailEventPtr find(const std::string& event_id) const;
  // Every stored event, delivered or not, oldest first.
  std::vector<TrailEventPtr> events() const;
  // The delivered events for which `wanted` holds, newest first (by eventTime, then by
  // recording order).
  std::vector<TrailEventPtr> delivered(
      const std::function<bool(const TrailEvent&)>& wanted) const;
  // Forgets every event (and the rate limiter's history).
  void clear();

  // LookupEvents' rate limit: true when a call from `account` in `region` may go ahead now.
  bool admit_lookup(const std::string& account, const std::string& region);

  // What GET /_emulator/trail answers: the settings, every record in CloudTrail's log file
  // shape ({"Records": [...]}, oldest first), and the ids of those not yet delivered.
  nlohmann::ordered_json to_json() const;

 private:
  std::string new_event_id();  // precondition: mutex_ held
  void trim();                 // precondition: mutex_ held

  const Clock& clock_;
  mutable std::mutex mutex_;  // guards everything below
  TrailSettings settings_;
  std::mt19937_64 random_;
  uint64_t next_sequence_ = 1;
  std::deque<TrailEventPtr> writes_;  // oldest first
  std::deque<TrailEventPtr> reads_;   // oldest first
  RateLimiter lookups_{2};
};

// Reads POST /_emulator/trail's body into `settings`: any of "recording",
// "delivery_delay_seconds", "read_only_events", "max_read_only_events", "max_write_events",
// "lookup_rate_limit". Unknown keys and wrong types are errors.
tl::expected<TrailSettings, std::string> trail_settings_from_json(const nlohmann::json& body,
                                                                  TrailSettings settings);
nlohmann::ordered_json trail_settings_to_json(const TrailSettings& settings);

}  // namespace sgwatch::emulator
