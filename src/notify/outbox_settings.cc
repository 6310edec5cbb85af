#include "notify/outbox_settings.h"

#include <algorithm>

namespace sgwatch {

std::chrono::milliseconds retry_delay(int attempts, const OutboxSettings& settings, double unit) {
  auto delay = settings.first_retry;
  for (int i = 1; i < attempts && delay < settings.max_retry; ++i) delay *= 2;
  delay = std::min(delay, settings.max_retry);
  const double jitter = std::clamp(unit, 0.0, 1.0) * static_cast<double>(delay.count()) / 2;
  return delay - std::chrono::milliseconds(static_cast<int64_t>(jitter));
}

}  // namespace sgwatch
