// The emulator's CloudTrail API: LookupEvents in the JSON 1.1 protocol (POST /, the
// operation named by X-Amz-Target, errors as {"__type", "message"}), rate-limited as
// CloudTrail limits it. The trail itself is TrailRecorder.
#pragma once

#include <string>

#include "core/clock.h"
#include "emulator/caller.h"
#include "emulator/cloudtrail/trail_recorder.h"
#include "emulator/http_types.h"

namespace sgwatch::emulator {

inline constexpr char kCloudTrailTargetPrefix[] =
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";

class CloudTrailService {
 public:
  CloudTrailService(TrailRecorder& trail, const Clock& clock) : trail_(trail), clock_(clock) {}

  // One call: `operation` from X-Amz-Target ("LookupEvents"), `body` the JSON request.
  Response handle(const Caller& caller, const std::string& region, const std::string& operation,
                  const std::string& body);

 private:
  TrailRecorder& trail_;
  const Clock& clock_;
};

// The operation an X-Amz-Target header names for CloudTrail; "" when it names none.
std::string cloudtrail_operation(const std::string& target);

// CloudTrail's error: HTTP `status`, body {"__type": type, "message": message}.
Response cloudtrail_error(int status, const std::string& type, const std::string& message);

}  // namespace sgwatch::emulator
