// How the outbox retries: exponential backoff with jitter between sends of an alert the
// destination could not take, unless it said when to come back (Retry-After), and how long
// an alert is tried before it is given up as failed.
#pragma once

#include <chrono>

namespace sgwatch {

struct OutboxSettings {
  std::chrono::milliseconds first_retry{std::chrono::seconds(1)};
  std::chrono::milliseconds max_retry{std::chrono::minutes(5)};
  // Counted from the alert's creation; a Retry outcome after that fails the alert.
  std::chrono::milliseconds max_age{std::chrono::hours(24)};
};

// The wait before try `attempts + 1`, after `attempts` (>= 1) failed ones: the doubling
// delay capped at max_retry, of which a random half is taken off ("equal jitter"), so
// destinations that fail together are not all retried at the same instant. `unit` is a
// random number in [0, 1).
std::chrono::milliseconds retry_delay(int attempts, const OutboxSettings& settings, double unit);

}  // namespace sgwatch
