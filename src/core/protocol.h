// An IP protocol as EC2 names it: "tcp", "udp", "icmp", "icmpv6", a number 0-255, or
// "-1" (all protocols). Numbers with a name are the same value as the name ("6" is tcp),
// since EC2 itself reports them by name.
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "core/error.h"

namespace sgwatch {

class Protocol {
 public:
  static constexpr int kAll = -1;
  static constexpr int kIcmp = 1;
  static constexpr int kTcp = 6;
  static constexpr int kUdp = 17;
  static constexpr int kIcmpv6 = 58;

  // Accepts the names above (any case), "all", "-1", and "0".."255".
  static Result<Protocol> parse(std::string_view text);
  static Protocol all() { return Protocol(kAll); }
  static Protocol tcp() { return Protocol(kTcp); }
  static Protocol udp() { return Protocol(kUdp); }
  static Protocol icmp() { return Protocol(kIcmp); }

  int number() const { return number_; }
  bool is_all() const { return number_ == kAll; }
  bool has_ports() const { return number_ == kTcp || number_ == kUdp; }
  bool is_icmp() const { return number_ == kIcmp || number_ == kIcmpv6; }
  // EC2's spelling: "tcp", "udp", "icmp", "icmpv6", "-1", or the number.
  std::string ec2_name() const;
  // For people: like ec2_name() but "all" for -1.
  std::string display_name() const;

  auto operator<=>(const Protocol&) const = default;
  bool operator==(const Protocol&) const = default;

 private:
  explicit Protocol(int number) : number_(number) {}
  int number_;
};

}  // namespace sgwatch
