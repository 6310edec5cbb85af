#include <gtest/gtest.h>

#include "core/cidr.h"
#include "core/ids.h"
#include "core/port_range.h"
#include "core/protocol.h"

namespace sgwatch::value_types_test {
namespace {

TEST(Ids, AcceptsRealShapes) {
  EXPECT_TRUE(GroupId::parse("sg-903004f8"));
  EXPECT_TRUE(GroupId::parse("sg-0123456789abcdef0"));
  EXPECT_TRUE(RuleId::parse("sgr-abcdef01234567890"));
  EXPECT_TRUE(VpcId::parse("vpc-1a2b3c4d"));
  EXPECT_TRUE(PrefixListId::parse("pl-12345678"));
  EXPECT_TRUE(AccountId::parse("123456789012"));
  for (const char* region : {"us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1",
                             "ap-southeast-4", "us-isob-east-1"}) {
    EXPECT_TRUE(Region::parse(region)) << region;
  }
}

TEST(Ids, RejectsWrongShapesWithAMessage) {
  for (const char* bad : {"sg-", "sg-123", "sg-903004F8", "sgr-903004f8", "sg-903004f8 ",
                          "sg-0123456789abcdef", "vpc-903004f8"}) {
    auto id = GroupId::parse(bad);
    ASSERT_FALSE(id) << bad;
    EXPECT_NE(id.error().message.find("security group id"), std::string::npos);
  }
  EXPECT_FALSE(RuleId::parse("sg-abcdef01234567890"));
  for (const char* bad : {"12345678901", "1234567890123", "12345678901a", ""}) {
    EXPECT_FALSE(AccountId::parse(bad)) << bad;
  }
  for (const char* bad : {"us-east", "US-EAST-1", "useast1", "us--east-1", "-east-1", "us-east-",
                          "us-east-1a", ""}) {
    EXPECT_FALSE(Region::parse(bad)) << bad;
  }
}

struct CidrCase {
  const char* text;
  const char* canonical;
};

TEST(Cidr, NormalisesToTheNetworkAddress) {
  const CidrCase cases[] = {
      {"10.1.2.3/8", "10.0.0.0/8"},
      {"10.0.0.0/8", "10.0.0.0/8"},
      {"208.236.235.254/0", "0.0.0.0/0"},
      {"192.168.1.77/32", "192.168.1.77/32"},
      {"172.16.255.1/12", "172.16.0.0/12"},
      {"203.0.113.130/25", "203.0.113.128/25"},
      {"2001:DB8::1/32", "2001:db8::/32"},
      {"2001:0db8:0000:0000:0000:0000:0000:0001/128", "2001:db8::1/128"},
      {"::/0", "::/0"},
      {"2001:db8:abcd:12ff::/56", "2001:db8:abcd:1200::/56"},
  };
  for (const auto& c : cases) {
    auto cidr = Cidr::parse(c.text);
    ASSERT_TRUE(cidr) << c.text << ": " << cidr.error().message;
    EXPECT_EQ(cidr->str(), c.canonical) << c.text;
  }
  EXPECT_EQ(Cidr::parse("10.1.2.3/8").value(), Cidr::parse("10.0.0.0/8").value());
  EXPECT_TRUE(Cidr::parse("208.236.235.254/0")->is_world());
  EXPECT_TRUE(Cidr::parse("::/0")->is_world());
  EXPECT_FALSE(Cidr::parse("0.0.0.0/1")->is_world());
}

TEST(Cidr, ContainsBlocksWithinItsPrefix) {
  auto cidr = [](const char* text) { return Cidr::parse(text).value(); };
  EXPECT_TRUE(cidr("10.0.0.0/8").contains(cidr("10.1.2.0/24")));
  EXPECT_TRUE(cidr("10.1.2.0/24").contains(cidr("10.1.2.0/24")));
  EXPECT_FALSE(cidr("10.1.2.0/24").contains(cidr("10.0.0.0/8")));
  EXPECT_TRUE(cidr("10.128.0.0/9").contains(cidr("10.200.0.0/16")));
  EXPECT_FALSE(cidr("10.128.0.0/9").contains(cidr("10.100.0.0/16")));
  EXPECT_TRUE(cidr("0.0.0.0/0").contains(cidr("192.0.2.1/32")));
  EXPECT_FALSE(cidr("0.0.0.0/0").contains(cidr("::/0"))) << "families never mix";
  EXPECT_TRUE(cidr("2001:db8::/32").contains(cidr("2001:db8:1::/48")));
}

TEST(Cidr, RejectsMalformedBlocks) {
  for (const char* bad : {"10.0.0.0", "10.0.0.300/8", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8",
                          "10.0.0.0/", "10.0.0.0/8x", "::/129", "2001:db8::g/32", "", "/0"}) {
    EXPECT_FALSE(Cidr::parse(bad)) << bad;
  }
  auto wrong_family = Cidr::parse("::/0", Cidr::Family::kIpv4);
  ASSERT_FALSE(wrong_family);
  EXPECT_NE(wrong_family.error().message.find("IPv6"), std::string::npos);
}

TEST(Protocol, NamesAndNumbersAreOneValue) {
  EXPECT_EQ(Protocol::parse("6").value(), Protocol::parse("tcp").value());
  EXPECT_EQ(Protocol::parse("TCP").value(), Protocol::tcp());
  EXPECT_EQ(Protocol::parse("17").value(), Protocol::udp());
  EXPECT_EQ(Protocol::parse("58")->ec2_name(), "icmpv6");
  EXPECT_EQ(Protocol::parse("all").value(), Protocol::all());
  EXPECT_EQ(Protocol::parse("-1")->ec2_name(), "-1");
  EXPECT_EQ(Protocol::parse("-1")->display_name(), "all");
  EXPECT_EQ(Protocol::parse("47")->ec2_name(), "47");
  for (const char* bad : {"tcpp", "256", "-2", "", "6x", "sctp"}) {
    auto p = Protocol::parse(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_NE(p.error().message.find("unknown IP protocol"), std::string::npos);
  }
}

TEST(PortRange, ValidatesPerProtocol) {
  EXPECT_EQ(PortRange::make(Protocol::tcp(), 22, 22).value(), (PortRange{22, 22}));
  EXPECT_EQ(PortRange::make(Protocol::udp(), 0, 65535).value(), (PortRange{0, 65535}));
  EXPECT_FALSE(PortRange::make(Protocol::tcp(), 0, 65536));
  EXPECT_FALSE(PortRange::make(Protocol::tcp(), -1, -1));
  EXPECT_FALSE(PortRange::make(Protocol::tcp(), 100, 99));
  EXPECT_FALSE(PortRange::make(Protocol::tcp(), std::nullopt, 22));
  // icmp: type/code, -1 for any; any type means any code.
  EXPECT_EQ(PortRange::make(Protocol::icmp(), 8, 0).value(), (PortRange{8, 0}));
  EXPECT_EQ(PortRange::make(Protocol::icmp(), -1, 5).value(), (PortRange{-1, -1}));
  EXPECT_EQ(PortRange::make(Protocol::icmp(), std::nullopt, std::nullopt).value(),
            (PortRange{-1, -1}));
  EXPECT_FALSE(PortRange::make(Protocol::icmp(), 256, 0));
  // Ports are ignored for all-traffic and other protocols, so they normalise away.
  EXPECT_EQ(PortRange::make(Protocol::all(), 0, 65535).value(), PortRange{});
  EXPECT_EQ(PortRange::make(Protocol::parse("47").value(), 1, 2).value(), PortRange{});
}

TEST(PortRange, DescribesTraffic) {
  EXPECT_EQ(describe_traffic(Protocol::tcp(), {3389, 3389}), "tcp/3389");
  EXPECT_EQ(describe_traffic(Protocol::udp(), {1000, 2000}), "udp/1000-2000");
  EXPECT_EQ(describe_traffic(Protocol::icmp(), {-1, -1}), "icmp (all types)");
  EXPECT_EQ(describe_traffic(Protocol::icmp(), {8, -1}), "icmp type 8 (all codes)");
  EXPECT_EQ(describe_traffic(Protocol::icmp(), {3, 4}), "icmp type 3 code 4");
  EXPECT_EQ(describe_traffic(Protocol::all(), {}), "all traffic");
  EXPECT_EQ(describe_traffic(Protocol::parse("47").value(), {}), "protocol 47");
}

}  // namespace
}  // namespace sgwatch::value_types_test
