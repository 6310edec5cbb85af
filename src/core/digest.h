// Digests and encodings over OpenSSL: SHA-256 and HMAC-SHA256 as lower-case hex, the form
// signatures and ids use, and base64.
#pragma once

#include <string>
#include <string_view>

namespace sgwatch {

std::string to_hex(const unsigned char* data, size_t size);
std::string sha256_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Base64 as RFC 4648 writes it: the standard alphabet, padded, with no line breaks.
std::string base64(std::string_view bytes);

}  // namespace sgwatch
