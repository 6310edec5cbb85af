#include "app/stop_signal.h"

#include <csignal>

#include "app/reload_request.h"

namespace sgwatch {

void StopSignal::request() {
  {
    std::lock_guard lock(mutex_);
    if (requested_.exchange(true)) return;
    for (auto& [handle, callback] : callbacks_) callback();
  }
  woken_.notify_all();
}

bool StopSignal::wait_for(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return woken_.wait_for(lock, duration, [this] { return requested_.load(); });
}

size_t StopSignal::on_request(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  const size_t handle = next_handle_++;
  if (requested_) {
    callback();
  } else {
    callbacks_.emplace(handle, std::move(callback));
  }
  return handle;
}

void StopSignal::forget(size_t handle) {
  std::lock_guard lock(mutex_);
  callbacks_.erase(handle);
}

namespace {

// A signal handler may only touch lock-free atomics; the watcher thread does the rest.
std::atomic<int> signals_received{0};
std::atomic<int> hangups_received{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int number) {
  if (signals_received.fetch_add(1) > 0) {
    std::signal(number, SIG_DFL);
    std::raise(number);
  }
}

extern "C" void on_hangup_signal(int) { hangups_received.fetch_add(1); }

struct sigaction previous_term, previous_int, previous_hup;

}  // namespace

SignalStop::SignalStop(StopSignal& stop, ReloadRequest* reload) : stop_(stop), reload_(reload) {
  signals_received = 0;
  hangups_received = 0;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, &previous_term);
  sigaction(SIGINT, &action, &previous_int);
  if (reload_ != nullptr) {
    struct sigaction hangup {};
    hangup.sa_handler = on_hangup_signal;
    sigemptyset(&hangup.sa_mask);
    hangup.sa_flags = SA_RESTART;
    sigaction(SIGHUP, &hangup, &previous_hup);
  }
  watcher_ = std::thread([this] {
    while (!done_.load()) {
      if (signals_received.load() > 0) {
        stop_.request();
        return;
      }
      if (reload_ != nullptr && hangups_received.exchange(0) > 0) reload_->request();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
}

SignalStop::~SignalStop() {
  done_ = true;
  watcher_.join();
  sigaction(SIGTERM, &previous_term, nullptr);
  sigaction(SIGINT, &previous_int, nullptr);
  if (reload_ != nullptr) sigaction(SIGHUP, &previous_hup, nullptr);
}

}  // namespace sgwatch
