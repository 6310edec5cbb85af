// Time as sgwatch sees it: UTC instants with millisecond precision, read through a Clock
// so that tests control it instead of sleeping.
#pragma once

#include <chrono>

namespace sgwatch {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};

// A clock that moves only when told. Not thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_(start) {}
  Timestamp now() const override { return now_; }
  void set(Timestamp t) { now_ = t; }
  void advance(std::chrono::milliseconds by) { now_ += by; }

 private:
  Timestamp now_;
};

}  // namespace sgwatch
