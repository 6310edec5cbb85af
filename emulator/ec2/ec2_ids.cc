#include "emulator/ec2/ec2_ids.h"

#include <array>

namespace sgwatch::emulator {
namespace {

constexpr std::string_view kHex = "0123456789abcdef";

uint64_t initial_seed(uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device entropy;
  return (static_cast<uint64_t>(entropy()) << 32) ^ entropy();
}

void append_hex(std::string& out, uint64_t value, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(value >> shift) & 0xf];
}

}  // namespace

IdSource::IdSource(uint64_t seed) : random_(initial_seed(seed)) {}

std::string IdSource::next(std::string_view prefix) {
  std::string id;
  id.reserve(prefix.size() + 18);
  id.append(prefix);
  id += '-';
  // 17 digits are 68 bits: one digit from a second draw, sixteen from the first.
  append_hex(id, random_() & 0xf, 1);
  append_hex(id, random_(), 16);
  return id;
}

std::string IdSource::request_id() {
  const uint64_t high = random_();
  const uint64_t low = random_();
  std::string id;
  id.reserve(36);
  append_hex(id, high >> 32, 8);
  id += '-';
  append_hex(id, (high >> 16) & 0xffff, 4);
  id += '-';
  append_hex(id, 0x4000 | (high & 0x0fff), 4);  // version 4, as AWS's request ids are
  id += '-';
  append_hex(id, 0x8000 | ((low >> 48) & 0x3fff), 4);
  id += '-';
  append_hex(id, low & 0xffffffffffffULL, 12);
  return id;
}

bool is_resource_id(std::string_view id, std::string_view prefix) {
  if (id.size() <= prefix.size() + 1 || id.substr(0, prefix.size()) != prefix ||
      id[prefix.size()] != '-') {
    return false;
  }
  const std::string_view digits = id.substr(prefix.size() + 1);
  if (digits.size() != 8 && digits.size() != 17) return false;
  return digits.find_first_not_of(kHex) == std::string_view::npos;
}

}  // namespace sgwatch::emulator
