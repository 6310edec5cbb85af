#include "core/cidr.h"

#include <iterator>

#include <fmt/compile.h>

#include <arpa/inet.h>

#include <charconv>

#include <fmt/format.h>

namespace sgwatch {

Result<Cidr> Cidr::parse(std::string_view text) {
  auto not_cidr = [&](std::string_view why) {
    return invalid(fmt::format("'{}' is not a CIDR block: {}", text, why));
  };
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return not_cidr("the /prefix length is missing");
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
    return not_cidr(fmt::format("'{}' is not an IPv4 or IPv6 address", address));
  }

  int prefix = -1;
  auto [end, ec] = std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(),
                                   prefix);
  if (prefix_text.empty() || ec != std::errc() || end != prefix_text.data() + prefix_text.size() ||
      prefix < 0 || prefix > max_prefix) {
    return not_cidr(fmt::format("the prefix length must be 0 to {}", max_prefix));
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
    auto name = [](Family f) { return f == Family::kIpv4 ? "IPv4" : "IPv6"; };
    return invalid(fmt::format("'{}' is an {} block where an {} block is expected", text,
                               name(cidr->family()), name(family)));
  }
  return cidr;
}

bool Cidr::contains(const Cidr& other) const {
  if (family_ != other.family_ || prefix_ > other.prefix_) return false;
  const int full_bytes = prefix_ / 8;
  for (int i = 0; i < full_bytes; ++i) {
    if (address_[i] != other.address_[i]) return false;
  }
  const int rest = prefix_ % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (address_[full_bytes] & mask) == (other.address_[full_bytes] & mask);
}

std::string Cidr::str() const {
  std::string out;
  append_to(out);
  return out;
}

void Cidr::append_to(std::string& out) const {
  auto sink = std::back_inserter(out);
  if (family_ == Family::kIpv4) {
    // inet_ntop goes through sprintf: this runs for every rule of every cycle.
    fmt::format_to(sink, FMT_COMPILE("{}.{}.{}.{}/{}"), address_[0], address_[1], address_[2],
                   address_[3], prefix_);
    return;
  }
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, address_.data(), buffer, sizeof buffer);
  fmt::format_to(sink, FMT_COMPILE("{}/{}"), buffer, prefix_);
}

}  // namespace sgwatch
