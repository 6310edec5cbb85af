#include "app/change_record.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "builders.h"
#include "core/time_format.h"

namespace sgwatch::change_record_test {
namespace {

using nlohmann::json;
using testing::egress;
using testing::group;
using testing::ingress;
using testing::rule;

constexpr const char* kGroupId = "sg-0a1b2c3d4e5f60001";

constexpr const char* kDocumentedExample =
    R"({"account":"111122223333","added":[{"description":"RDP for dept B vendor","direction":"ingress","from_port":3389,"peer":{"cidr":"0.0.0.0/0","kind":"cidr"},"protocol":"tcp","rule_id":"sgr-0fedcba9876543210","to_port":3389,"world_open":true}],"fields_changed":[],"group_id":"sg-0123456789abcdef0","group_name":"web-dept-a","kind":"modified","modified":[],"observed_at":"2026-11-23T10:15:00.250Z","region":"us-east-1","removed":[],"schema":"sgwatch.change.v1","tags_changed":[],"vpc_id":"vpc-0a1b2c3d4e5f67890"})";

Timestamp at(const char* text) { return parse_time(text).value(); }

Scope department_a() {
  return Scope{testing::account("111122223333"), testing::region("us-east-1")};
}

Rule with_id(Rule r, const char* id) {
  r.id = RuleId::parse(id).value();
  return r;
}

// Ingress from another account's group in a peered VPC.
Rule from_peered_group() {
  GroupRef ref{testing::gid("sg-22222222"), testing::account("444455556666"),
               VpcId::parse("vpc-33333333").value(), PeeringId::parse("pcx-44444444").value()};
  return rule(Direction::kIngress, "tcp", 5432, 5432, ref, "reporting");
}

json record_of(const Group* before, const Group* after,
               const char* observed = "2026-11-23T10:15:00.250Z") {
  auto changes = diff(before, after);
  if (!changes) {
    ADD_FAILURE() << "diff found no change";
    return json();
  }
  return change_record(department_a(), *changes, at(observed));
}

TEST(ChangeRecord, CreatedGroupCarriesEveryRuleAndTag) {
  Group created = group(kGroupId,
                        {with_id(ingress("tcp", 3389, 3389, "0.0.0.0/0", "RDP"),
                                 "sgr-0123456789abcdef0"),
                         from_peered_group()},
                        {{"team", "a"}});
  json record = record_of(nullptr, &created);

  EXPECT_EQ(record["schema"], "sgwatch.change.v1");
  EXPECT_EQ(record["account"], "111122223333");
  EXPECT_EQ(record["region"], "us-east-1");
  EXPECT_EQ(record["group_id"], kGroupId);
  EXPECT_EQ(record["group_name"], "web");
  EXPECT_EQ(record["vpc_id"], "vpc-1a2b3c4d");
  EXPECT_EQ(record["kind"], "created");
  EXPECT_EQ(record["observed_at"], "2026-11-23T10:15:00.250Z");
  EXPECT_EQ(record["removed"], json::array());
  EXPECT_EQ(record["modified"], json::array());
  EXPECT_EQ(record["fields_changed"], json::array());
  EXPECT_EQ(record["tags_changed"], json::parse(R"([{"key":"team","before":null,"after":"a"}])"));

  // Canonical order: same direction and protocol, so by port (3389 before 5432).
  ASSERT_EQ(record["added"].size(), 2u);
  EXPECT_EQ(record["added"][0], json::parse(R"({
      "direction": "ingress", "protocol": "tcp", "from_port": 3389, "to_port": 3389,
      "peer": {"kind": "cidr", "cidr": "0.0.0.0/0"}, "world_open": true,
      "description": "RDP", "rule_id": "sgr-0123456789abcdef0"})"));
  EXPECT_EQ(record["added"][1], json::parse(R"({
      "direction": "ingress", "protocol": "tcp", "from_port": 5432, "to_port": 5432,
      "peer": {"kind": "group", "group_id": "sg-22222222", "user_id": "444455556666",
               "vpc_id": "vpc-33333333", "peering_id": "pcx-44444444"},
      "world_open": false, "description": "reporting", "rule_id": null})"));
}

TEST(ChangeRecord, DeletedGroupListsItsRulesAsRemoved) {
  Group gone = group(kGroupId, {egress("-1", 0, 0, "0.0.0.0/0")}, {{"team", "a"}});
  json record = record_of(&gone, nullptr);

  EXPECT_EQ(record["kind"], "deleted");
  EXPECT_EQ(record["group_name"], "web");  // the last known name
  EXPECT_EQ(record["added"], json::array());
  EXPECT_EQ(record["tags_changed"], json::parse(R"([{"key":"team","before":"a","after":null}])"));
  ASSERT_EQ(record["removed"].size(), 1u);
  // All traffic: EC2's "-1", and no ports at all.
  EXPECT_EQ(record["removed"][0], json::parse(R"({
      "direction": "egress", "protocol": "-1", "from_port": null, "to_port": null,
      "peer": {"kind": "cidr", "cidr": "0.0.0.0/0"}, "world_open": true,
      "description": "", "rule_id": null})"));
}

TEST(ChangeRecord, ModifiedGroupSeparatesAddedRemovedAndDescriptionEdits) {
  Group before = group(kGroupId,
                       {ingress("tcp", 22, 22, "10.0.0.0/8", "office"),
                        ingress("udp", 53, 53, "10.0.0.0/8")},
                       {{"env", "test"}, {"owner", "ops"}});
  Group after = group(kGroupId,
                      {ingress("tcp", 22, 22, "10.0.0.0/8", "VPN"),
                       ingress("tcp", 443, 443, "::/0", "web over IPv6")},
                      {{"env", "prod"}, {"cost-centre", "42"}});
  json record = record_of(&before, &after);

  EXPECT_EQ(record["kind"], "modified");
  ASSERT_EQ(record["added"].size(), 1u);
  EXPECT_EQ(record["added"][0]["peer"], json::parse(R"({"kind":"cidr","cidr":"::/0"})"));
  EXPECT_EQ(record["added"][0]["world_open"], true);
  EXPECT_EQ(record["added"][0]["from_port"], 443);

  ASSERT_EQ(record["removed"].size(), 1u);
  EXPECT_EQ(record["removed"][0]["protocol"], "udp");
  EXPECT_EQ(record["removed"][0]["world_open"], false);

  // A description-only edit is the rule after the change plus the description before it.
  ASSERT_EQ(record["modified"].size(), 1u);
  EXPECT_EQ(record["modified"][0], json::parse(R"({
      "direction": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22,
      "peer": {"kind": "cidr", "cidr": "10.0.0.0/8"}, "world_open": false,
      "description": "VPN", "previous_description": "office", "rule_id": null})"));

  // Tags in key order: added, changed, removed.
  EXPECT_EQ(record["tags_changed"], json::parse(R"([
      {"key": "cost-centre", "before": null, "after": "42"},
      {"key": "env", "before": "test", "after": "prod"},
      {"key": "owner", "before": "ops", "after": null}])"));
  EXPECT_EQ(record["fields_changed"], json::array());
}

TEST(ChangeRecord, GroupFieldChangesAndAMissingVpcAreNull) {
  Group before = group(kGroupId, {ingress("tcp", 22, 22, "10.0.0.0/8")});
  Group after = before;
  after.name = "web-old";
  after.description = "retired web servers";
  after.vpc.reset();
  json record = record_of(&before, &after);

  EXPECT_EQ(record["kind"], "modified");
  EXPECT_EQ(record["group_name"], "web-old");
  EXPECT_TRUE(record["vpc_id"].is_null()) << record["vpc_id"];
  EXPECT_EQ(record["added"], json::array());
  EXPECT_EQ(record["removed"], json::array());
  EXPECT_EQ(record["fields_changed"], json::parse(R"([
      {"field": "name", "before": "web", "after": "web-old"},
      {"field": "description", "before": "web servers", "after": "retired web servers"},
      {"field": "vpc", "before": "vpc-1a2b3c4d", "after": null}])"));
}

TEST(ChangeRecord, CreatedGroupWithoutVpc) {
  Group classic = group(kGroupId, {ingress("tcp", 80, 80, "0.0.0.0/0")});
  classic.vpc.reset();
  json record = record_of(nullptr, &classic);
  ASSERT_TRUE(record.contains("vpc_id"));
  EXPECT_TRUE(record["vpc_id"].is_null()) << record["vpc_id"];
}

TEST(ChangeRecord, PortsFollowTheProtocol) {
  Group created = group(
      kGroupId, {ingress("icmp", 8, 0, "10.0.0.0/8"), ingress("icmpv6", -1, -1, "::/0"),
                 ingress("47", 0, 0, "10.0.0.0/8"), ingress("udp", 1024, 2048, "10.0.0.0/8"),
                 rule(Direction::kIngress, "tcp", 443, 443,
                      PrefixListId::parse("pl-12345678").value())});
  json record = record_of(nullptr, &created);
  std::map<std::string, json> by_protocol;
  for (const json& r : record["added"]) by_protocol[r["protocol"].get<std::string>()] = r;
  ASSERT_EQ(by_protocol.size(), 5u) << record["added"];

  // icmp: type and code.
  EXPECT_EQ(by_protocol["icmp"]["from_port"], 8);
  EXPECT_EQ(by_protocol["icmp"]["to_port"], 0);
  // icmpv6, any type: -1/-1, not null.
  EXPECT_EQ(by_protocol["icmpv6"]["from_port"], -1);
  EXPECT_EQ(by_protocol["icmpv6"]["to_port"], -1);
  EXPECT_EQ(by_protocol["icmpv6"]["world_open"], true);
  // GRE by number: no ports.
  EXPECT_TRUE(by_protocol["47"]["from_port"].is_null());
  EXPECT_TRUE(by_protocol["47"]["to_port"].is_null());
  // A range.
  EXPECT_EQ(by_protocol["udp"]["from_port"], 1024);
  EXPECT_EQ(by_protocol["udp"]["to_port"], 2048);
  EXPECT_EQ(by_protocol["tcp"]["peer"],
            json::parse(R"({"kind":"prefix_list","prefix_list_id":"pl-12345678"})"));
  EXPECT_EQ(by_protocol["tcp"]["world_open"], false);
}

TEST(ChangeRecord, GroupReferenceInTheSameAccountNamesTheOwner) {
  // EC2 omits the account for a group in the same account; canonical form fills it in.
  Group created = group(kGroupId, {rule(Direction::kEgress, "tcp", 443, 443,
                                        GroupRef{testing::gid("sg-11111111"), {}, {}, {}})});
  json record = record_of(nullptr, &created);
  ASSERT_EQ(record["added"].size(), 1u);
  EXPECT_EQ(record["added"][0]["direction"], "egress");
  EXPECT_EQ(record["added"][0]["peer"], json::parse(R"({
      "kind": "group", "group_id": "sg-11111111", "user_id": "123456789012",
      "vpc_id": null, "peering_id": null})"));
}

TEST(ChangeRecord, ObservedAtAlwaysHasMilliseconds) {
  Group created = group(kGroupId, {ingress("tcp", 22, 22, "10.0.0.0/8")});
  EXPECT_EQ(record_of(nullptr, &created, "2026-11-23T10:15:00Z")["observed_at"],
            "2026-11-23T10:15:00.000Z");
  EXPECT_EQ(record_of(nullptr, &created, "2026-11-23T10:15:00.007Z")["observed_at"],
            "2026-11-23T10:15:00.007Z");
  EXPECT_EQ(record_of(nullptr, &created, "2026-11-23T11:15:00.500+01:00")["observed_at"],
            "2026-11-23T10:15:00.500Z");
}

TEST(ChangeRecord, HasExactlyTheDocumentedFields) {
  Group created = group(kGroupId, {ingress("tcp", 22, 22, "10.0.0.0/8")});
  json record = record_of(nullptr, &created);
  std::vector<std::string> keys;
  for (const auto& item : record.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"account", "added", "fields_changed", "group_id",
                                            "group_name", "kind", "modified", "observed_at",
                                            "region", "removed", "schema", "tags_changed",
                                            "vpc_id"}));
  keys.clear();
  for (const auto& item : record["added"][0].items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"description", "direction", "from_port", "peer",
                                            "protocol", "rule_id", "to_port", "world_open"}));
  // A record is one line of JSON Lines: compact output holds no newline.
  EXPECT_EQ(record.dump().find('\n'), std::string::npos);
}

// The change part of docs/JSONL.md's example (change_report_test.cc checks the whole line,
// with its caller and findings): department B opens RDP to the world on
// department A's group.
TEST(ChangeRecord, DocumentedExampleLine) {
  const auto [before, after] = testing::documented_rdp_change();
  json record = record_of(&before, &after, "2026-11-23T10:15:00.250Z");
  EXPECT_EQ(record.dump(), kDocumentedExample);
}

}  // namespace
}  // namespace sgwatch::change_record_test
