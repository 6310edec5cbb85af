// Asking long-running work to stop: a flag that waits can be woken by, and the hooks that
// turn SIGTERM and SIGINT into it (and SIGHUP into a reload). `watch` uses both; tests
// request a stop directly.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace sgwatch {

class ReloadRequest;

class StopSignal {
 public:
  // Idempotent; wakes every wait and runs the callbacks added so far, once.
  void request();
  bool requested() const { return requested_.load(); }
  // Sleeps for `duration` or until a stop is requested; true when stopped.
  bool wait_for(std::chrono::milliseconds duration);
  // Runs `callback` on request() (at once if already requested): cancelling transports.
  // Returns a handle for forget(), which whoever owns what the callback touches must call
  // before it goes away.
  size_t on_request(std::function<void()> callback);
  // After this returns, the callback neither runs nor is running.
  void forget(size_t handle);

 private:
  std::atomic<bool> requested_{false};
  std::mutex mutex_;  // guards callbacks_; held while they run, so forget() waits for them
  std::condition_variable woken_;
  std::map<size_t, std::function<void()>> callbacks_;
  size_t next_handle_ = 1;
};

// While alive, SIGTERM and SIGINT request `stop` (a second one ends the process at once,
// for an operator who means it), and SIGHUP requests `reload` when one is given. The
// previous handlers come back on destruction.
class SignalStop {
 public:
  explicit SignalStop(StopSignal& stop, ReloadRequest* reload = nullptr);
  ~SignalStop();
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;

 private:
  StopSignal& stop_;
  ReloadRequest* reload_;
  std::atomic<bool> done_{false};
  std::thread watcher_;  // turns the handler's flag into stop_.request()
};

}  // namespace sgwatch
