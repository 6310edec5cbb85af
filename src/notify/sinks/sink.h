// A destination's sending half. A sink makes one attempt to hand one alert over and says
// how it went; it never sleeps or retries itself: the outbox owns timing (backoff, jitter,
// Retry-After, max age).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "notify/alert.h"

namespace sgwatch {

struct DeliveryOutcome {
  enum class Kind {
    kOk,     // the destination accepted the alert
    kRetry,  // not now (unreachable, 5xx, 429, timeout): try again later
    kFatal,  // will never be accepted as it is (4xx, bad config): stop and keep the reason
  };
  Kind kind = Kind::kOk;
  // For kRetry: the destination's own wait (Retry-After), which the outbox honours.
  std::optional<std::chrono::milliseconds> retry_after;
  // For kRetry and kFatal: a sentence for logs and `sgwatch outbox`; never a secret.
  std::string reason;

  static DeliveryOutcome ok() { return {}; }
  static DeliveryOutcome retry(std::string reason,
                               std::optional<std::chrono::milliseconds> after = std::nullopt) {
    return {Kind::kRetry, after, std::move(reason)};
  }
  static DeliveryOutcome fatal(std::string reason) {
    return {Kind::kFatal, std::nullopt, std::move(reason)};
  }
};

// Thread-safety: a sink is used by its destination's one worker at a time.
class Sink {
 public:
  virtual ~Sink() = default;
  // One attempt. The alert's id is shown to the destination as its idempotency key.
  virtual DeliveryOutcome deliver(const Alert& alert) = 0;
  // For shutdown, from another thread: a deliver() in flight ends soon (as Retry), so
  // stopping never waits for a slow destination.
  virtual void cancel() {}
  // For logs: the kind and a redacted target ("webhook https://hooks.example.com/…").
  virtual std::string describe() const = 0;
};

}  // namespace sgwatch
