// Faults the emulator injects into AWS API calls on request, so sgwatch's retries,
// timeouts and partial-read handling can be tested against a real protocol peer:
// throttling, server errors, slow replies, dropped connections and truncated bodies, at a
// rate or on the Nth matching call.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace sgwatch::emulator {

enum class FaultKind { kThrottle, kServerError, kSlow, kDrop, kTruncate };

struct FaultRule {
  FaultKind kind = FaultKind::kThrottle;
  std::string service;  // "ec2", "sts"; empty matches every service
  std::string action;   // "DescribeSecurityGroups"; empty matches every action
  double rate = 0;      // probability per matching call, when nth is 0
  int nth = 0;          // fire on the nth matching call (1-based) and every later one...
  int times = -1;       // ...at most this many times in all (-1: no limit)
  std::chrono::milliseconds delay{0};  // for kSlow
};

// Reads a rule from the admin endpoint's JSON:
// {"kind":"throttle|server-error|slow|drop|truncate","service":"ec2",
//  "action":"DescribeSecurityGroups","rate":0.5,"nth":2,"times":1,"delay_ms":200}
tl::expected<FaultRule, std::string> fault_from_json(const nlohmann::json& json);

class Faults {
 public:
  explicit Faults(uint64_t seed = 0);
  void add(FaultRule rule);
  void clear();
  // The fault to inject into this call, if any; counts the call against every rule it
  // matches.
  std::optional<FaultRule> pick(const std::string& service, const std::string& action);

 private:
  struct Active {
    FaultRule rule;
    int matched = 0;
    int fired = 0;
  };
  std::mutex mutex_;
  std::mt19937_64 random_;
  std::vector<Active> rules_;
};

}  // namespace sgwatch::emulator
