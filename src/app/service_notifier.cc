#include "app/service_notifier.h"

#include <cstring>
#include <string>

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

namespace sgwatch {

ServiceNotifier::ServiceNotifier() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) > 0 && usec > 0) {
    alive_every_ = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::microseconds(usec / 2));
    if (alive_every_.count() == 0) alive_every_ = std::chrono::milliseconds(1);
  }
}

void ServiceNotifier::send(const std::string& state) {
  // Failing to reach systemd is not a fault of the service: only the debug log says so.
  if (int result = sd_notify(/*unset_environment=*/0, state.c_str()); result < 0) {
    spdlog::debug("Could not notify systemd ({}): {}", state, std::strerror(-result));
  }
}

void ServiceNotifier::ready(std::string_view status) {
  send("READY=1\nSTATUS=" + std::string(status));
}

void ServiceNotifier::reloading() { send("RELOADING=1\nSTATUS=Reloading the config"); }

void ServiceNotifier::stopping() { send("STOPPING=1\nSTATUS=Stopping"); }

void ServiceNotifier::status(std::string_view text) { send("STATUS=" + std::string(text)); }

void ServiceNotifier::alive() {
  // Only when systemd watches: pinging after every cycle otherwise fills the socket's
  // buffer of a manager that reads states but keeps no watchdog, and sd_notify blocks.
  if (alive_every_.count() > 0) send("WATCHDOG=1");
}

}  // namespace sgwatch
