#include "state/store_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace sgwatch {

namespace {

// The pid the holder wrote, or "unknown" when the file is empty (the holder is between
// taking the lock and writing it) or unreadable.
std::string holder_pid(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string text = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  return digits ? text : std::string("unknown");
}

}  // namespace

Result<StoreLock> StoreLock::acquire(const std::string& store_path) {
  std::string lock_path = store_path + ".lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(ErrorCode::kIo, "cannot open the lock file '" + lock_path +
                                    "': " + std::strerror(errno));
  }
  int rc;
  do {
    rc = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int err = errno;
    if (err == EWOULDBLOCK) {
      std::string pid = holder_pid(fd);
      ::close(fd);
      return fail(ErrorCode::kBusy, "the store '" + store_path +
                                        "' is in use by another sgwatch process (pid " + pid +
                                        "); only one writer may run at a time");
    }
    ::close(fd);
    return fail(ErrorCode::kIo, "cannot lock '" + lock_path + "': " + std::strerror(err));
  }
  // The pid is only a hint for people; failing to write it does not weaken the lock.
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] ssize_t written = ::pwrite(fd, pid.data(), pid.size(), 0);
  }
  return StoreLock(fd, std::move(lock_path));
}

StoreLock::StoreLock(StoreLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), lock_path_(std::move(other.lock_path_)) {}

StoreLock& StoreLock::operator=(StoreLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
    lock_path_ = std::move(other.lock_path_);
  }
  return *this;
}

StoreLock::~StoreLock() { release(); }

void StoreLock::release() noexcept {
  if (fd_ < 0) return;
  // The file itself stays: unlinking it would let a process that already opened it lock
  // an orphaned inode while a third one locks a new file, and both would write. Emptying
  // it keeps a later reader from naming a pid that no longer holds anything.
  [[maybe_unused]] int rc = ::ftruncate(fd_, 0);
  ::close(fd_);  // drops the flock
  fd_ = -1;
}

}  // namespace sgwatch
