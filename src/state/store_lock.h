// The single-writer lock of a store: at most one sgwatch process writes a store at a
// time. It is an flock(2) on "<store>.lock", which the kernel drops when the holder exits
// or crashes, so there is never a stale lock to clean up by hand. The file holds the
// holder's pid, for the message another process shows when it finds the store in use.
//
// flock locks belong to the open file description: a second acquire() of the same store
// from the same process conflicts too.
#pragma once

#include <string>

#include "core/error.h"

namespace sgwatch {

class StoreLock {
 public:
  // Takes the lock without waiting. kBusy when another holder has it; kIo when the lock
  // file cannot be opened. The lock file's directory must exist.
  static Result<StoreLock> acquire(const std::string& store_path);

  StoreLock(StoreLock&& other) noexcept;
  StoreLock& operator=(StoreLock&& other) noexcept;
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock();  // releases the lock

  // The lock file, "<store_path>.lock".
  const std::string& lock_path() const { return lock_path_; }

 private:
  StoreLock(int fd, std::string lock_path) : fd_(fd), lock_path_(std::move(lock_path)) {}
  void release() noexcept;

  int fd_ = -1;
  std::string lock_path_;
};

}  // namespace sgwatch
