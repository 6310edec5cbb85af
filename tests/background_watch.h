// `sgwatch watch` (or any command) in a thread of the test's process, stopped by request
// as SIGTERM would stop it; and waiting, in real time but bounded, for what it does.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

#include "app/stop_signal.h"
#include "cli_runner.h"

namespace sgwatch::testing {

// Polls `done` every 10 ms until it holds or `limit` passes; returns its last answer.
inline bool wait_until(const std::function<bool()>& done,
                       std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

class BackgroundWatch {
 public:
  // `run` runs the command with the stop signal it is given, and returns when it stops.
  explicit BackgroundWatch(std::function<CliOutcome(StopSignal*)> run)
      : thread_([this, run = std::move(run)] { outcome_ = run(&stop_); }) {}
  CliOutcome stop() {
    stop_.request();
    thread_.join();
    return outcome_;
  }
  ~BackgroundWatch() {
    if (thread_.joinable()) stop();
  }

 private:
  StopSignal stop_;
  CliOutcome outcome_{};
  std::thread thread_;
};

}  // namespace sgwatch::testing
