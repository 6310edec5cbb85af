// CIDR blocks as EC2 stores them. EC2 canonicalises what it is given: "100.68.0.18/18" is
// stored and described as "100.68.0.0/18", IPv6 blocks in RFC 5952 form, and a rule given
// in the non-canonical spelling duplicates one stored in the canonical spelling.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sgwatch::emulator {

// "a.b.c.d/n" with the host bits cleared, or nullopt when `text` is not an IPv4 CIDR. The
// prefix length is required, as EC2 requires it.
std::optional<std::string> canonical_ipv4_cidr(std::string_view text);

// "x:y::/n" in RFC 5952 form with the host bits cleared, or nullopt.
std::optional<std::string> canonical_ipv6_cidr(std::string_view text);

}  // namespace sgwatch::emulator
