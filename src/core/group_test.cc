#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "builders.h"
#include "core/group.h"
#include "core/group_json.h"
#include "core/ip_permission.h"

namespace sgwatch::group_test {
namespace {

using testing::egress;
using testing::group;
using testing::ingress;

TEST(Canonical, RuleOrderDoesNotMatter) {
  Group a = group("sg-903004f8", {ingress("tcp", 22, 22, "10.0.0.0/8"),
                                  ingress("tcp", 443, 443, "0.0.0.0/0"),
                                  egress("-1", 0, 0, "0.0.0.0/0")});
  Group b = group("sg-903004f8", {egress("-1", 0, 0, "0.0.0.0/0"),
                                  ingress("tcp", 443, 443, "0.0.0.0/0"),
                                  ingress("tcp", 22, 22, "10.0.0.0/8")});
  EXPECT_TRUE(same_content(a, b));
  EXPECT_EQ(content_hash(a), content_hash(b));
  EXPECT_EQ(a.rules[0].direction, Direction::kIngress);
  EXPECT_EQ(a.rules.back().direction, Direction::kEgress);
}

// Stores compare new observations with hashes written by earlier versions: the encoding
// behind content_hash() must never change silently. The expected value is SHA-256 over
// the fields, each prefixed with its length as a little-endian uint64, computed outside
// sgwatch; a change here needs a store migration.
TEST(Canonical, TheHashEncodingIsStable) {
  Group a = group("sg-903004f8", {ingress("tcp", 22, 22, "10.0.0.0/8"),
                                  ingress("icmpv6", -1, -1, "2001:db8::/32"),
                                  egress("-1", 0, 0, "0.0.0.0/0")});
  a.tags["Owner"] = "dept-a";
  a.rules[0].description = "ssh";
  EXPECT_EQ(content_hash(a), "3afd11c3a1d637a1db6adc948fb0deff7be9191ce21463ea94bffdd09b2bd2d9");
}

TEST(Canonical, FirstDuplicateFindsAnIdListedTwice) {
  auto id = [](const char* text) { return GroupId::parse(text).value(); };
  EXPECT_EQ(first_duplicate({id("sg-22222222"), id("sg-11111111"), id("sg-33333333")}), std::nullopt);
  EXPECT_EQ(first_duplicate({id("sg-22222222"), id("sg-11111111"), id("sg-22222222")}),
            id("sg-22222222"));
  EXPECT_EQ(first_duplicate({}), std::nullopt);
}

TEST(Canonical, RuleIdsDoNotChangeTheHash) {
  Group a = group("sg-903004f8", {ingress("tcp", 22, 22, "10.0.0.0/8")});
  Group b = a;
  b.rules[0].id = RuleId::parse("sgr-abcdef01234567890").value();
  EXPECT_TRUE(same_content(a, b));
  EXPECT_EQ(content_hash(a), content_hash(b));
}

TEST(Canonical, EveryContentFieldChangesTheHash) {
  const Group base = group("sg-903004f8", {ingress("tcp", 22, 22, "10.0.0.0/8", "ssh")},
                           {{"Owner", "dept-a"}});
  std::vector<Group> variants(7, base);
  variants[0].name = "other";
  variants[1].description = "other";
  variants[2].vpc.reset();
  variants[3].owner = testing::account("210987654321");
  variants[4].tags["Owner"] = "dept-b";
  variants[5].rules[0].description = "ssh from office";
  variants[6].rules[0] = ingress("tcp", 23, 23, "10.0.0.0/8", "ssh");
  for (const Group& variant : variants) {
    EXPECT_FALSE(same_content(base, variant));
    EXPECT_NE(content_hash(base), content_hash(variant));
  }
}

TEST(Canonical, DuplicatesMergeKeepingDescriptionAndId) {
  Rule with_id = ingress("tcp", 22, 22, "10.0.0.0/8");
  with_id.id = RuleId::parse("sgr-abcdef01234567890").value();
  Group g = group("sg-903004f8", {ingress("tcp", 22, 22, "10.1.2.3/8", "office"), with_id,
                                  ingress("tcp", 22, 22, "10.0.0.0/8")});
  ASSERT_EQ(g.rules.size(), 1u);
  EXPECT_EQ(g.rules[0].description, "office");
  ASSERT_TRUE(g.rules[0].id);
  EXPECT_EQ(g.rules[0].id->str(), "sgr-abcdef01234567890");
}

TEST(Canonical, GroupReferenceWithoutAccountMeansTheOwner) {
  Rule implicit = testing::rule(Direction::kIngress, "tcp", 80, 80,
                                GroupRef{testing::gid("sg-11111111"), {}, {}, {}});
  Rule explicit_owner = testing::rule(
      Direction::kIngress, "tcp", 80, 80,
      GroupRef{testing::gid("sg-11111111"), testing::account("123456789012"), {}, {}});
  EXPECT_TRUE(same_content(group("sg-903004f8", {implicit}),
                           group("sg-903004f8", {explicit_owner})));
}

TEST(IpPermissions, FlattenIntoAtomicRulesAndBack) {
  IpPermission permission;
  permission.ip_protocol = "tcp";
  permission.from_port = 22;
  permission.to_port = 22;
  permission.ipv4_ranges = {{"203.0.113.0/24", "NY office"}, {"10.0.0.0/8", ""}};
  permission.ipv6_ranges = {{"2001:db8::/32", "v6"}};
  permission.prefix_lists = {{"pl-12345678", "s3"}};
  permission.group_pairs = {{"sg-11111111", "123456789012", "vpc-1a2b3c4d", "pcx-1a2b3c4d", "peer"}};
  auto rules = to_rules({permission}, Direction::kIngress, "IpPermissions");
  ASSERT_TRUE(rules) << rules.error().message;
  ASSERT_EQ(rules->size(), 5u);
  for (const Rule& r : *rules) {
    EXPECT_EQ(r.protocol, Protocol::tcp());
    EXPECT_EQ(r.ports, (PortRange{22, 22}));
  }

  Group g = group("sg-903004f8", *rules);
  auto back = to_ip_permissions(g.rules, Direction::kIngress);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].ip_protocol, "tcp");
  EXPECT_EQ(back[0].ipv4_ranges.size(), 2u);
  EXPECT_EQ(back[0].ipv6_ranges.size(), 1u);
  EXPECT_EQ(back[0].prefix_lists.size(), 1u);
  ASSERT_EQ(back[0].group_pairs.size(), 1u);
  EXPECT_EQ(back[0].group_pairs[0].peering_id, "pcx-1a2b3c4d");
  EXPECT_TRUE(to_ip_permissions(g.rules, Direction::kEgress).empty());

  // Round trip: the permissions flatten to the same canonical rules.
  auto again = to_rules(back, Direction::kIngress, "IpPermissions");
  ASSERT_TRUE(again);
  EXPECT_TRUE(same_content(g, group("sg-903004f8", *again)));
}

TEST(IpPermissions, SplitsByProtocolAndPorts) {
  Group g = group("sg-903004f8", {ingress("tcp", 22, 22, "10.0.0.0/8"),
                                  ingress("tcp", 443, 443, "0.0.0.0/0"),
                                  ingress("tcp", 22, 22, "192.168.0.0/16"),
                                  ingress("icmp", 8, -1, "0.0.0.0/0"),
                                  ingress("-1", 0, 0, "10.0.0.0/8")});
  auto permissions = to_ip_permissions(g.rules, Direction::kIngress);
  ASSERT_EQ(permissions.size(), 4u);
  EXPECT_EQ(permissions[0].ip_protocol, "-1");
  EXPECT_FALSE(permissions[0].from_port);
  EXPECT_EQ(permissions[1].ip_protocol, "icmp");
  EXPECT_EQ(permissions[1].from_port, 8);
  EXPECT_EQ(permissions[2].ipv4_ranges.size(), 2u);  // tcp/22 twice
}

TEST(IpPermissions, ErrorsNameTheField) {
  IpPermission permission;
  permission.ip_protocol = "tcp";
  permission.from_port = 22;
  permission.to_port = 22;
  permission.ipv4_ranges = {{"10.0.0.0/8", ""}, {"10.0.0.300/8", ""}};
  auto rules = to_rules({IpPermission{}, permission}, Direction::kIngress, "IpPermissions");
  ASSERT_FALSE(rules);  // the first has an empty protocol
  EXPECT_NE(rules.error().message.find("IpPermissions[0].IpProtocol"), std::string::npos);

  rules = to_rules({permission}, Direction::kIngress, "IpPermissions");
  ASSERT_FALSE(rules);
  EXPECT_NE(rules.error().message.find("IpPermissions[0].IpRanges[1].CidrIp"), std::string::npos)
      << rules.error().message;

  permission.ipv4_ranges.clear();
  permission.to_port = 70000;
  rules = to_rules({permission}, Direction::kEgress, "IpPermissionsEgress");
  ASSERT_FALSE(rules);
  EXPECT_NE(rules.error().message.find("IpPermissionsEgress[0].FromPort/ToPort: port 70000"),
            std::string::npos)
      << rules.error().message;
}

TEST(GroupJson, RoundTripsEveryPeerKind) {
  Rule v6 = testing::rule(Direction::kEgress, "icmpv6", -1, -1, Cidr::parse("::/0").value());
  Rule list = testing::rule(Direction::kEgress, "tcp", 443, 443,
                            PrefixListId::parse("pl-12345678").value(), "s3");
  Rule ref = testing::rule(Direction::kIngress, "udp", 53, 53,
                           GroupRef{testing::gid("sg-11111111"), testing::account("210987654321"),
                                    VpcId::parse("vpc-11111111").value(),
                                    PeeringId::parse("pcx-11111111").value()});
  Rule all = ingress("-1", 0, 0, "10.0.0.0/8", "everything \"quoted\" \u00e9");
  all.id = RuleId::parse("sgr-abcdef01234567890").value();
  Group g = group("sg-903004f8", {v6, list, ref, all}, {{"OwnerDL", "a@example.com"}});

  auto without_ids = group_from_json(group_to_json(g, false).dump());
  ASSERT_TRUE(without_ids) << without_ids.error().message;
  EXPECT_TRUE(same_content(g, *without_ids));
  EXPECT_FALSE(without_ids->rules[0].id);

  auto with_ids = group_from_json(group_to_json(g, true).dump());
  ASSERT_TRUE(with_ids);
  bool found_id = false;
  for (const Rule& r : with_ids->rules) found_id = found_id || r.id.has_value();
  EXPECT_TRUE(found_id);
}

TEST(GroupJson, CorruptContentIsAnErrorNotACrash) {
  EXPECT_FALSE(group_from_json("{"));
  EXPECT_FALSE(group_from_json("[]"));
  auto no_owner = group_from_json(R"({"id":"sg-903004f8","rules":[]})");
  ASSERT_FALSE(no_owner);
  EXPECT_NE(no_owner.error().message.find("owner"), std::string::npos);
  auto bad_rule = group_from_json(
      R"({"id":"sg-903004f8","owner":"123456789012","rules":[{"direction":"in","protocol":"tcp"}]})");
  ASSERT_FALSE(bad_rule);
  EXPECT_NE(bad_rule.error().message.find("rules[0].direction"), std::string::npos);
}

}  // namespace
}  // namespace sgwatch::group_test
