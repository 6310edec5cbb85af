// `sgwatch watch` (or any command) in a thread of the test's process, stopped by request
// as SIGTERM would stop it.
#pragma once

#include <functional>
#include <thread>

#include "app/stop_signal.h"
#include "cli_runner.h"

namespace sgwatch::testing {

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
