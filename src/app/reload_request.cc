#include "app/reload_request.h"

namespace sgwatch {

void ReloadRequest::request() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
  }
  woken_.notify_all();
}

bool ReloadRequest::take() {
  std::lock_guard lock(mutex_);
  const bool was = pending_;
  pending_ = false;
  return was;
}

bool ReloadRequest::wait_for(std::chrono::milliseconds duration, StopSignal& stop) {
  // The stop callback takes this mutex, so it cannot slip in between the predicate's check
  // and the wait: a stop requested at any point ends the wait.
  const size_t handle = stop.on_request([this] {
    std::lock_guard lock(mutex_);
    woken_.notify_all();
  });
  bool reload = false;
  {
    std::unique_lock lock(mutex_);
    woken_.wait_for(lock, duration, [&] { return pending_ || stop.requested(); });
    reload = pending_ && !stop.requested();
  }
  stop.forget(handle);
  return reload;
}

}  // namespace sgwatch
