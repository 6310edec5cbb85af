// One event of the emulator's trail: the CloudTrail record of an EC2 call (eventVersion
// 1.08, as CloudTrail writes it to S3 and returns it in LookupEvents' CloudTrailEvent),
// with the fields LookupEvents filters and lists kept beside it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "emulator/caller.h"
#include "emulator/ec2/ec2_mutation.h"

namespace sgwatch::emulator {

// A resource LookupEvents names for an event ("AWS::EC2::SecurityGroup", "sg-...").
struct TrailResource {
  std::string type;
  std::string name;
  bool operator==(const TrailResource&) const = default;
};

struct TrailEvent {
  uint64_t sequence = 0;  // order of recording; orders events within one second
  std::string event_id;
  std::string event_name;
  std::string event_source;  // "ec2.amazonaws.com"
  bool read_only = false;
  std::string account_id;  // the caller's account, which receives the record
  std::string region;
  std::string username;  // as LookupEvents lists it: the user, or the role session's name
  std::string access_key_id;
  std::chrono::sys_seconds event_time;  // CloudTrail records whole seconds
  Timestamp delivered_at;               // from then on LookupEvents returns it
  std::vector<TrailResource> resources;
  nlohmann::ordered_json record;  // the CloudTrail record itself
};

// Builds the event for one EC2 call made at `event_time`. Fails nothing: a call the
// emulator answered can always be recorded.
TrailEvent trail_event(const MutationRecord& call, std::chrono::sys_seconds event_time,
                       std::string event_id);

// CloudTrail's userIdentity for a caller (IAMUser or AssumedRole).
nlohmann::ordered_json trail_user_identity(const Caller& caller);

// The name LookupEvents lists as Username: an IAM user's name, a role session's name.
std::string trail_username(const Caller& caller);

// "2026-11-23T10:15:00Z".
std::string trail_time(std::chrono::sys_seconds time);

}  // namespace sgwatch::emulator
