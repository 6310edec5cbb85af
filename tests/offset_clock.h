// The system clock moved forward by an offset the test sets: time still flows (so real
// waits such as a rate limiter's still end), and a test can jump minutes ahead at once.
// Thread-safe, so an emulator and sgwatch can share it.
#pragma once

#include <atomic>
#include <chrono>

#include "core/clock.h"

namespace sgwatch::testing {

class OffsetClock final : public Clock {
 public:
  Timestamp now() const override { return system_.now() + offset(); }
  void advance(std::chrono::milliseconds by) { offset_ms_ += by.count(); }
  std::chrono::milliseconds offset() const { return std::chrono::milliseconds(offset_ms_.load()); }

 private:
  SystemClock system_;
  std::atomic<int64_t> offset_ms_{0};
};

}  // namespace sgwatch::testing
