// A per-key limit of N calls in any one second, on the emulator's clock, as CloudTrail
// limits LookupEvents (two per second, per account, per region). A refused call does not
// use up the allowance. Not thread-safe: the owner serialises calls.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <string>

#include "core/clock.h"

namespace sgwatch::emulator {

class RateLimiter {
 public:
  explicit RateLimiter(size_t per_second) : per_second_(per_second) {}

  // True, and counted, when `key` has had fewer than the limit in the second before `now`.
  bool admit(const std::string& key, Timestamp now) {
    std::deque<Timestamp>& recent = recent_[key];
    while (!recent.empty() && now - recent.front() >= std::chrono::seconds(1)) {
      recent.pop_front();
    }
    if (recent.size() >= per_second_) return false;
    recent.push_back(now);
    return true;
  }

  void clear() { recent_.clear(); }

 private:
  size_t per_second_;
  std::map<std::string, std::deque<Timestamp>> recent_;
};

}  // namespace sgwatch::emulator
