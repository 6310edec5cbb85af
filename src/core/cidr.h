// An IPv4 or IPv6 CIDR block, normalised to its network address: "10.1.2.3/8" parses to
// the same value as "10.0.0.0/8", because EC2 treats them as the same range.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace sgwatch {

class Cidr {
 public:
  enum class Family : uint8_t { kIpv4 = 4, kIpv6 = 6 };

  // Accepts "address/prefix" only; a bare address is an error (EC2 demands the prefix).
  static Result<Cidr> parse(std::string_view text);
  // Same, but also requires the given family, so an IPv6 block in IpRanges is caught.
  static Result<Cidr> parse(std::string_view text, Family family);

  Family family() const { return family_; }
  int prefix_length() const { return prefix_; }
  // True for 0.0.0.0/0 and ::/0: every address of the family.
  bool is_world() const { return prefix_ == 0; }
  // True when every address of `other` is in this block (same family only).
  bool contains(const Cidr& other) const;
  // Canonical text: network address (RFC 5952 form for IPv6) and prefix.
  std::string str() const;
  void append_to(std::string& out) const;  // str(), appended

  auto operator<=>(const Cidr&) const = default;
  bool operator==(const Cidr&) const = default;

 private:
  Family family_ = Family::kIpv4;
  uint8_t prefix_ = 0;
  std::array<uint8_t, 16> address_{};  // network byte order; IPv4 uses the first 4
};

}  // namespace sgwatch
