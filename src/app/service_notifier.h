// Telling systemd how the service is doing (Type=notify): ready once the first
// configuration runs, reloading while a new one is put in place, stopping, and alive
// (WATCHDOG=1) at least every half WatchdogSec. Outside systemd ($NOTIFY_SOCKET unset)
// every call does nothing.
#pragma once

#include <chrono>
#include <string_view>

namespace sgwatch {

class ServiceNotifier {
 public:
  ServiceNotifier();  // reads the watchdog interval systemd asks for, if any

  void ready(std::string_view status);
  void reloading();
  void stopping();
  void status(std::string_view text);
  void alive();  // does nothing without a watchdog

  // How often alive() must be called: half the watchdog interval; zero without a watchdog.
  std::chrono::milliseconds alive_every() const { return alive_every_; }

 private:
  void send(const std::string& state);
  std::chrono::milliseconds alive_every_{0};
};

}  // namespace sgwatch
