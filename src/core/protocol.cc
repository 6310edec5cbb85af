#include "core/protocol.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sgwatch {

Result<Protocol> Protocol::parse(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "tcp") return Protocol(kTcp);
  if (lower == "udp") return Protocol(kUdp);
  if (lower == "icmp") return Protocol(kIcmp);
  if (lower == "icmpv6") return Protocol(kIcmpv6);
  if (lower == "-1" || lower == "all") return Protocol(kAll);
  int number = -2;
  auto [end, ec] = std::from_chars(lower.data(), lower.data() + lower.size(), number);
  if (!lower.empty() && ec == std::errc() && end == lower.data() + lower.size() && number >= 0 &&
      number <= 255) {
    return Protocol(number);
  }
  return invalid("unknown IP protocol '" + std::string(text) +
                 "' (expected tcp, udp, icmp, icmpv6, -1 or a number 0-255)");
}

std::string Protocol::ec2_name() const {
  switch (number_) {
    case kTcp: return "tcp";
    case kUdp: return "udp";
    case kIcmp: return "icmp";
    case kIcmpv6: return "icmpv6";
    default: return std::to_string(number_);
  }
}

std::string Protocol::display_name() const { return is_all() ? "all" : ec2_name(); }

}  // namespace sgwatch
