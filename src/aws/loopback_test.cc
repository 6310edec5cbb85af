#include "aws/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include <string>

namespace sgwatch::loopback_test {
namespace {

// The socket address libcurl would hand over for the literal `text`.
sockaddr_storage address_of(const std::string& text) {
  sockaddr_storage storage{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    return storage;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  EXPECT_EQ(inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr), 1) << text;
  v6->sin6_family = AF_INET6;
  return storage;
}

bool loopback_address(const std::string& text) {
  const sockaddr_storage storage = address_of(text);
  return is_loopback_address(reinterpret_cast<const sockaddr*>(&storage));
}

TEST(LoopbackTest, Addresses) {
  for (const char* yes : {"127.0.0.1", "127.255.1.2", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(loopback_address(yes)) << yes;
  }
  for (const char* no : {"10.0.0.1", "::ffff:10.0.0.1", "8.8.8.8", "::", "0.0.0.0"}) {
    EXPECT_FALSE(loopback_address(no)) << no;
  }
  sockaddr unix_socket{};
  unix_socket.sa_family = AF_UNIX;
  EXPECT_FALSE(is_loopback_address(&unix_socket));
}

TEST(LoopbackTest, HostTexts) {
  for (const char* yes : {"localhost", "LocalHost", "127.0.0.1", "127.255.1.2", "::1", "[::1]",
                          "::ffff:127.0.0.1", "[::ffff:127.0.0.1]"}) {
    EXPECT_TRUE(is_loopback_host(yes)) << yes;
  }
  // Names other than "localhost" may resolve anywhere; the address check decides those.
  for (const char* no : {"", "10.0.0.1", "::ffff:10.0.0.1", "8.8.8.8", "::", "[::]",
                         "localhost.example.com", "[localhost]", "127.0.0.1.example.com"}) {
    EXPECT_FALSE(is_loopback_host(no)) << no;
  }
}

}  // namespace
}  // namespace sgwatch::loopback_test
