// SHA-256 and HMAC-SHA256 (OpenSSL) as lower-case hex, the form signatures and ids use.
#pragma once

#include <string>
#include <string_view>

namespace sgwatch {

std::string to_hex(const unsigned char* data, size_t size);
std::string sha256_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

}  // namespace sgwatch
