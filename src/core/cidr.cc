#include "core/cidr.h"

#include <arpa/inet.h>

#include <charconv>

namespace sgwatch {

Result<Cidr> Cidr::parse(std::string_view text) {
  auto quoted = [&] { return "'" + std::string(text) + "'"; };
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return invalid(quoted() + " is not a CIDR block: the /prefix length is missing");
  }
  std::string address(text.substr(0, slash));
  std::string_view prefix_text = text.substr(slash + 1);

  Cidr cidr;
  int max_prefix = 0;
  if (inet_pton(AF_INET, address.c_str(), cidr.address_.data()) == 1) {
    cidr.family_ = Family::kIpv4;
    max_prefix = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), cidr.address_.data()) == 1) {
    cidr.family_ = Family::kIpv6;
    max_prefix = 128;
  } else {
    return invalid(quoted() + " is not a CIDR block: '" + address +
                   "' is not an IPv4 or IPv6 address");
  }

  int prefix = -1;
  auto [end, ec] = std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(),
                                   prefix);
  if (prefix_text.empty() || ec != std::errc() || end != prefix_text.data() + prefix_text.size() ||
      prefix < 0 || prefix > max_prefix) {
    return invalid(quoted() + " is not a CIDR block: the prefix length must be 0 to " +
                   std::to_string(max_prefix));
  }
  cidr.prefix_ = static_cast<uint8_t>(prefix);

  // Clear the host bits so that equal ranges are equal values.
  int byte_count = max_prefix / 8;
  for (int i = 0; i < byte_count; ++i) {
    int bits_kept = std::min(8, std::max(0, prefix - i * 8));
    cidr.address_[i] &= static_cast<uint8_t>(0xFF00 >> bits_kept);
  }
  return cidr;
}

Result<Cidr> Cidr::parse(std::string_view text, Family family) {
  auto cidr = parse(text);
  if (!cidr) return cidr;
  if (cidr->family() != family) {
    return invalid("'" + std::string(text) + "' is an " +
                   (cidr->family() == Family::kIpv4 ? "IPv4" : "IPv6") + " block where an " +
                   (family == Family::kIpv4 ? "IPv4" : "IPv6") + " block is expected");
  }
  return cidr;
}

std::string Cidr::str() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(family_ == Family::kIpv4 ? AF_INET : AF_INET6, address_.data(), buffer,
            sizeof buffer);
  return std::string(buffer) + "/" + std::to_string(prefix_);
}

}  // namespace sgwatch
