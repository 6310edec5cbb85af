// Resource and request ids the way EC2 spells them: a prefix and 17 lowercase hex digits
// ("sg-0a1b2c3d4e5f60718"), and UUID-shaped request ids. A non-zero seed makes the sequence
// repeatable, so tests and the demo can name ids in advance.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace sgwatch::emulator {

class IdSource {
 public:
  // seed 0 draws a seed from the system's entropy source.
  explicit IdSource(uint64_t seed);

  // prefix + "-" + 17 hex digits, e.g. next("sg") -> "sg-0c5e1f7a9b2d3e481". Not thread-safe.
  std::string next(std::string_view prefix);
  // "8d5e4f2a-1b3c-4d5e-9f60-718293a4b5c6". Not thread-safe.
  std::string request_id();

 private:
  std::mt19937_64 random_;
};

// True when `id` is `prefix-` followed by 8 or 17 lowercase hex digits (EC2's short and
// long id formats).
bool is_resource_id(std::string_view id, std::string_view prefix);

}  // namespace sgwatch::emulator
