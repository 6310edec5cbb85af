// Whether a host or a socket address is loopback, for the policies that let plain or test
// traffic go only to this machine: the host text is checked before connecting, and the
// address each socket would connect to is checked again, since a name may resolve anywhere.
#pragma once

#include <sys/socket.h>

#include <string_view>

namespace sgwatch {

// "localhost" (in any case), an IPv4 literal in 127.0.0.0/8, or ::1 or an IPv4-mapped
// 127.x.x.x, with or without the brackets a URL puts around IPv6. A name other than
// "localhost" is not loopback here, whatever it resolves to.
bool is_loopback_host(std::string_view host);

// An IPv4 address in 127.0.0.0/8, ::1, or an IPv4-mapped 127.x.x.x; any other family is not.
bool is_loopback_address(const sockaddr* address);

}  // namespace sgwatch
