// The AWS SDKs' "standard" retry mode: up to N attempts, exponential backoff with full
// jitter capped at 20 s, and a retry quota shared by all calls of a client so that an
// outage does not turn into a retry storm. Pure: time and randomness come from outside.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <random>

namespace sgwatch {

enum class RetryReason { kThrottling, kTransient, kTimeout, kConnection };

class RetryPolicy {
 public:
  static constexpr int kInitialQuota = 500;
  static constexpr int kRetryCost = 5;
  static constexpr int kTimeoutRetryCost = 10;
  static constexpr std::chrono::milliseconds kMaxBackoff{20000};

  explicit RetryPolicy(int max_attempts = 3, uint64_t seed = 0);

  // After attempt number `attempt` (1-based) failed for `reason`: how long to wait before
  // the next one, or nullopt to give up (attempts used up, or the quota is empty). A
  // Retry-After the service sent replaces the computed backoff when larger.
  std::optional<std::chrono::milliseconds> next_delay(
      int attempt, RetryReason reason,
      std::optional<std::chrono::milliseconds> retry_after = std::nullopt);
  // After a successful attempt; `retried` says whether a retry led to it (which refunds
  // its cost) or it succeeded at once (which earns one token back).
  void on_success(bool retried, RetryReason last_reason = RetryReason::kTransient);

  int max_attempts() const { return max_attempts_; }
  int quota() const;

 private:
  const int max_attempts_;
  mutable std::mutex mutex_;
  std::mt19937_64 random_;
  int quota_ = kInitialQuota;
};

}  // namespace sgwatch
