#include "core/protocol.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace sgwatch {

Result<Protocol> Protocol::parse(std::string_view text) {
  auto is = [text](std::string_view name) {
    return std::equal(text.begin(), text.end(), name.begin(), name.end(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  };
  if (is("tcp")) return Protocol(kTcp);
  if (is("udp")) return Protocol(kUdp);
  if (is("icmp")) return Protocol(kIcmp);
  if (is("icmpv6")) return Protocol(kIcmpv6);
  if (is("-1") || is("all")) return Protocol(kAll);
  int number = -2;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size() && number >= 0 &&
      number <= 255) {
    return Protocol(number);
  }
  return invalid(fmt::format(
      "unknown IP protocol '{}' (expected tcp, udp, icmp, icmpv6, -1 or a number 0-255)", text));
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
