// systemd's side of sd_notify for tests: a datagram socket that a program under test is
// pointed at through NOTIFY_SOCKET, and the states it sent ("READY=1\nSTATUS=...").
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <string>

namespace sgwatch::testing {

class NotifySocket {
 public:
  // `path` must be short enough for a socket address (about 100 bytes).
  explicit NotifySocket(std::string path) : path_(std::move(path)) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      if (fd_ >= 0) close(fd_);
      fd_ = -1;
    }
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
    unlink(path_.c_str());
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  bool ok() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

  // The next datagram, or nothing if none came within `timeout`.
  std::optional<std::string> receive(std::chrono::milliseconds timeout) {
    pollfd waiting{fd_, POLLIN, 0};
    if (poll(&waiting, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    char buffer[4096];
    const ssize_t size = recv(fd_, buffer, sizeof(buffer), 0);
    if (size < 0) return std::nullopt;
    return std::string(buffer, static_cast<size_t>(size));
  }

  // Reads datagrams until one contains `state` (like "READY=1"); false if none did within
  // `timeout`. Those read before it are skipped.
  bool wait_for(const std::string& state, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (auto now = std::chrono::steady_clock::now(); now < deadline;
         now = std::chrono::steady_clock::now()) {
      auto message = receive(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
      if (message && message->find(state) != std::string::npos) return true;
    }
    return false;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace sgwatch::testing
