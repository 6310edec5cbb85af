#include "emulator/ec2/ec2_cidr.h"

#include <gtest/gtest.h>

namespace sgwatch::emulator::ec2_cidr_test {
namespace {

TEST(Ec2Cidr, Ipv4KeepsCanonicalBlocks) {
  EXPECT_EQ(canonical_ipv4_cidr("0.0.0.0/0"), "0.0.0.0/0");
  EXPECT_EQ(canonical_ipv4_cidr("10.0.0.0/8"), "10.0.0.0/8");
  EXPECT_EQ(canonical_ipv4_cidr("203.0.113.7/32"), "203.0.113.7/32");
}

TEST(Ec2Cidr, Ipv4ClearsHostBitsAsEc2Does) {
  EXPECT_EQ(canonical_ipv4_cidr("100.68.0.18/18"), "100.68.0.0/18");
  EXPECT_EQ(canonical_ipv4_cidr("10.1.2.3/8"), "10.0.0.0/8");
  EXPECT_EQ(canonical_ipv4_cidr("192.168.1.255/0"), "0.0.0.0/0");
}

TEST(Ec2Cidr, Ipv4RejectsWhatEc2Rejects) {
  for (const char* text : {"10.0.0.0", "10.0.0.0/33", "10.0.0/8", "10.0.0.256/32", "a.b.c.d/8",
                           "10.0.0.0/", "/8", "10.0.0.0/8/8", " 10.0.0.0/8", "::/0",
                           "10.0.0.0/-1", "1.2.3.4.5/32", ""}) {
    EXPECT_FALSE(canonical_ipv4_cidr(text)) << text;
  }
}

TEST(Ec2Cidr, Ipv6IsCanonicalisedToRfc5952) {
  EXPECT_EQ(canonical_ipv6_cidr("::/0"), "::/0");
  EXPECT_EQ(canonical_ipv6_cidr("2001:DB8:0:0::/32"), "2001:db8::/32");
  EXPECT_EQ(canonical_ipv6_cidr("2001:db8:1234:5678::1/48"), "2001:db8:1234::/48");
  EXPECT_EQ(canonical_ipv6_cidr("0:0:0:0:0:0:0:0/0"), "::/0");
  EXPECT_EQ(canonical_ipv6_cidr("2001:0db8:0000:0001:0000:0000:0000:0001/128"),
            "2001:db8:0:1::1/128");
}

TEST(Ec2Cidr, Ipv6RejectsMalformedBlocks) {
  for (const char* text : {"2001:db8::", "2001:db8::/129", "2001:db8:::/32", "10.0.0.0/8",
                           "2001:db8::/x", "::ffff:1.2.3.4/128", "g::/16"}) {
    EXPECT_FALSE(canonical_ipv6_cidr(text)) << text;
  }
}

}  // namespace
}  // namespace sgwatch::emulator::ec2_cidr_test
