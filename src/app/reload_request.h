// Asking `watch` to read its config again (SIGHUP, `systemctl reload`). The request is
// sticky until taken, so one that arrives while a cycle runs is acted on when it ends, and
// a wait wakes for it at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "app/stop_signal.h"

namespace sgwatch {

class ReloadRequest {
 public:
  // Idempotent until taken: several requests before a take() make one reload.
  void request();
  // True once for the requests made since the last take().
  bool take();
  // Sleeps for `duration`, or until a reload is requested (true) or `stop` is (false).
  bool wait_for(std::chrono::milliseconds duration, StopSignal& stop);

 private:
  std::mutex mutex_;
  std::condition_variable woken_;
  bool pending_ = false;
};

}  // namespace sgwatch
