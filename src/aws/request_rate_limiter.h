// A client-side limit of N requests in any one second per key, so that sgwatch paces its
// own calls instead of running into the service's limit. CloudTrail's LookupEvents allows
// two requests per second per account and region and answers ThrottlingException beyond
// that; a lookup of many pages, or several scopes looked up at once, would otherwise spend
// its retries (and the shared retry quota) on throttles. The key is "account/region".
//
// A sliding window: the send times of the last N requests per key. Simpler than a token
// bucket and exact about "N in any second", which is how the service counts. Server-side
// throttles can still happen (clocks and network delays differ); the retry policy
// answers those.
//
// Thread-safe. Waiting happens outside the lock, so one key's wait never holds up another
// key. Time comes from `clock` and waiting from `sleep`: tests pass a sleep that records
// the wait and advances their clock. Precondition: after `sleep(d)` the clock has moved
// on by about `d`, or acquire() would wait forever.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"

namespace sgwatch {

class RequestRateLimiter {
 public:
  // Waits about the given time; false when the wait was cut short (shutdown).
  using Sleep = std::function<bool(std::chrono::milliseconds)>;

  // `per_second` below 1 is taken as 1.
  explicit RequestRateLimiter(const Clock& clock, Sleep sleep, int per_second = 2);

  // Waits until a request for `key` may go, and counts it as sent now. False when a
  // sleep was cut short: the caller must not send.
  [[nodiscard]] bool acquire(const std::string& key);

 private:
  // How long until a request for `key` may go; zero means it may go now, and it has
  // been counted. Precondition: mutex_ held.
  std::chrono::milliseconds try_take(const std::string& key, Timestamp now);

  const Clock& clock_;
  Sleep sleep_;
  const size_t per_second_;
  std::mutex mutex_;  // guards sent_
  // Per key, the send times within the last second, oldest first; at most per_second_.
  std::map<std::string, std::deque<Timestamp>> sent_;
};

}  // namespace sgwatch
