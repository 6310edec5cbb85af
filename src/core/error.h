// Errors as values. Every fallible operation at an I/O or parsing boundary returns
// Result<T> (tl::expected<T, Error>); Status is Result<void>. Exceptions thrown by
// libraries are caught in the adapter that calls them and turned into an Error.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace sgwatch {

enum class ErrorCode {
  kInvalidInput,  // the caller's data is wrong: bad JSON, bad CIDR, unknown flag value
  kNotFound,      // the thing asked for does not exist
  kBusy,          // someone else holds what we need (the store's writer lock)
  kIo,            // the file system or a database call failed
  kIncompatible,  // a file we must not touch: foreign store, newer schema
  kExpiredCredentials,  // AWS refused the credentials as expired: refresh them, try again
  kCancelled,           // shutdown stopped the work; not a failure of what was asked
};

struct Error {
  ErrorCode code;
  std::string message;  // a sentence naming what and where; never holds secrets

  // Returns a copy whose message is "`where`: message", for adding context on the way up.
  [[nodiscard]] Error within(const std::string& where) const {
    return Error{code, where + ": " + message};
  }
};

template <typename T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}
inline tl::unexpected<Error> invalid(std::string message) {
  return fail(ErrorCode::kInvalidInput, std::move(message));
}

}  // namespace sgwatch
