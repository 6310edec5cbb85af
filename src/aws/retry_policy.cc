#include "aws/retry_policy.h"

#include <algorithm>

namespace sgwatch {
namespace {

int cost_of(RetryReason reason) {
  return reason == RetryReason::kTimeout ? RetryPolicy::kTimeoutRetryCost : RetryPolicy::kRetryCost;
}

}  // namespace

RetryPolicy::RetryPolicy(int max_attempts, uint64_t seed)
    : max_attempts_(std::max(1, max_attempts)),
      random_(seed != 0 ? seed : std::random_device()()) {}

std::optional<std::chrono::milliseconds> RetryPolicy::next_delay(
    int attempt, RetryReason reason, std::optional<std::chrono::milliseconds> retry_after) {
  std::lock_guard lock(mutex_);
  if (attempt >= max_attempts_) return std::nullopt;
  int cost = cost_of(reason);
  if (quota_ < cost) return std::nullopt;
  quota_ -= cost;
  // Full jitter: a random fraction of min(2^(attempt-1) s, 20 s).
  std::chrono::milliseconds ceiling =
      std::min(kMaxBackoff, std::chrono::milliseconds(1000LL << std::min(attempt - 1, 15)));
  std::uniform_real_distribution<double> fraction(0.0, 1.0);
  auto delay = std::chrono::milliseconds(
      static_cast<int64_t>(fraction(random_) * static_cast<double>(ceiling.count())));
  if (retry_after && *retry_after > delay) delay = std::min(*retry_after, kMaxBackoff);
  return delay;
}

void RetryPolicy::on_success(bool retried, RetryReason last_reason) {
  std::lock_guard lock(mutex_);
  quota_ = std::min(kInitialQuota, quota_ + (retried ? cost_of(last_reason) : 1));
}

int RetryPolicy::quota() const {
  std::lock_guard lock(mutex_);
  return quota_;
}

}  // namespace sgwatch
