#include "aws/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include <string>

namespace sgwatch {
namespace {

bool is_loopback_v4(const in_addr& v4) { return (ntohl(v4.s_addr) >> 24) == 127; }

bool is_loopback_v6(const in6_addr& v6) {
  return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  std::string bare(host);
  if (strcasecmp(bare.c_str(), "localhost") == 0) return true;
  if (bare.size() >= 2 && bare.front() == '[' && bare.back() == ']') {
    bare = bare.substr(1, bare.size() - 2);
  }
  in_addr v4{};
  if (inet_pton(AF_INET, bare.c_str(), &v4) == 1) return is_loopback_v4(v4);
  in6_addr v6{};
  if (inet_pton(AF_INET6, bare.c_str(), &v6) == 1) return is_loopback_v6(v6);
  return false;
}

bool is_loopback_address(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    return is_loopback_v4(reinterpret_cast<const sockaddr_in*>(address)->sin_addr);
  }
  if (address->sa_family == AF_INET6) {
    return is_loopback_v6(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr);
  }
  return false;
}

}  // namespace sgwatch
