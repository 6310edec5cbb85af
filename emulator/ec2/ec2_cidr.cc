#include "emulator/ec2/ec2_cidr.h"

#include <arpa/inet.h>

#include <array>
#include <cstdint>

namespace sgwatch::emulator {
namespace {

// A decimal number of 1 to `max_digits` digits, no sign, no blanks.
std::optional<int> parse_decimal(std::string_view text, size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Splits "address/prefix"; nullopt when there is no single '/'.
std::optional<std::pair<std::string_view, std::string_view>> split_prefix(
    std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos || text.find('/', slash + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return std::pair{text.substr(0, slash), text.substr(slash + 1)};
}

void clear_host_bits(uint8_t* bytes, size_t size, int prefix) {
  for (size_t i = 0; i < size; ++i) {
    const int bits_kept = prefix - static_cast<int>(i) * 8;
    if (bits_kept >= 8) continue;
    bytes[i] = bits_kept <= 0 ? 0 : static_cast<uint8_t>(bytes[i] & (0xff << (8 - bits_kept)));
  }
}

}  // namespace

std::optional<std::string> canonical_ipv4_cidr(std::string_view text) {
  const auto parts = split_prefix(text);
  if (!parts) return std::nullopt;
  const auto prefix = parse_decimal(parts->second, 2);
  if (!prefix || *prefix > 32) return std::nullopt;

  std::array<uint8_t, 4> bytes{};
  std::string_view rest = parts->first;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const size_t dot = rest.find('.');
    const bool last = i + 1 == bytes.size();
    if (last != (dot == std::string_view::npos)) return std::nullopt;
    const auto octet = parse_decimal(last ? rest : rest.substr(0, dot), 3);
    if (!octet || *octet > 255) return std::nullopt;
    bytes[i] = static_cast<uint8_t>(*octet);
    if (!last) rest = rest.substr(dot + 1);
  }
  clear_host_bits(bytes.data(), bytes.size(), *prefix);
  return std::to_string(bytes[0]) + "." + std::to_string(bytes[1]) + "." +
         std::to_string(bytes[2]) + "." + std::to_string(bytes[3]) + "/" +
         std::to_string(*prefix);
}

std::optional<std::string> canonical_ipv6_cidr(std::string_view text) {
  const auto parts = split_prefix(text);
  if (!parts) return std::nullopt;
  const auto prefix = parse_decimal(parts->second, 3);
  if (!prefix || *prefix > 128) return std::nullopt;
  // Dotted-quad tails ("::ffff:1.2.3.4") are valid IPv6 text, but not something a
  // security group rule is given; refusing them keeps the canonical form simple.
  if (parts->first.find('.') != std::string_view::npos) return std::nullopt;

  const std::string address(parts->first);
  std::array<uint8_t, 16> bytes{};
  if (inet_pton(AF_INET6, address.c_str(), bytes.data()) != 1) return std::nullopt;
  clear_host_bits(bytes.data(), bytes.size(), *prefix);
  // glibc's inet_ntop writes RFC 5952 text: lowercase, no leading zeros, the longest run
  // of two or more zero groups as "::".
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (inet_ntop(AF_INET6, bytes.data(), out.data(), out.size()) == nullptr) return std::nullopt;
  return std::string(out.data()) + "/" + std::to_string(*prefix);
}

}  // namespace sgwatch::emulator
