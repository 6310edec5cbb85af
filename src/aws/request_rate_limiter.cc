#include "aws/request_rate_limiter.h"

#include <algorithm>
#include <utility>

namespace sgwatch {
namespace {

constexpr std::chrono::milliseconds kWindow{1000};

}  // namespace

RequestRateLimiter::RequestRateLimiter(const Clock& clock, Sleep sleep, int per_second)
    : clock_(clock),
      sleep_(std::move(sleep)),
      per_second_(static_cast<size_t>(std::max(1, per_second))) {}

std::chrono::milliseconds RequestRateLimiter::try_take(const std::string& key, Timestamp now) {
  std::deque<Timestamp>& sent = sent_[key];
  // The same rule as the service's: a send a whole second ago no longer counts.
  while (!sent.empty() && now - sent.front() >= kWindow) sent.pop_front();
  if (sent.size() < per_second_) {
    sent.push_back(now);
    return std::chrono::milliseconds::zero();
  }
  // At most a window: a clock stepped backwards must not stall the caller for long.
  return std::min(kWindow, sent.front() + kWindow - now);
}

bool RequestRateLimiter::acquire(const std::string& key) {
  for (;;) {
    std::chrono::milliseconds wait;
    {
      std::lock_guard lock(mutex_);
      wait = try_take(key, clock_.now());
    }
    if (wait <= std::chrono::milliseconds::zero()) return true;
    // Another thread may take the slot meanwhile: the loop checks again after waiting.
    if (!sleep_(wait)) return false;
  }
}

}  // namespace sgwatch
