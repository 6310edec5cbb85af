#include "core/diff.h"

#include <gtest/gtest.h>

#include "builders.h"

namespace sgwatch::diff_test {
namespace {

using testing::egress;
using testing::group;
using testing::ingress;
using testing::rule;

Rule from_group(const char* protocol, int from, int to, const char* group_id,
                std::optional<std::string> user = std::nullopt) {
  GroupRef ref{testing::gid(group_id), {}, {}, {}};
  if (user) ref.user = testing::account(*user);
  return rule(Direction::kIngress, protocol, from, to, ref);
}
Rule from_prefix_list(const char* id, std::string description = "") {
  return rule(Direction::kIngress, "tcp", 443, 443, PrefixListId::parse(id).value(),
              std::move(description));
}

std::vector<std::string> summaries(const std::vector<Rule>& rules) {
  std::vector<std::string> out;
  for (const Rule& r : rules) out.push_back(r.summary());
  return out;
}

struct RuleDiffCase {
  const char* name;
  std::vector<Rule> before;
  std::vector<Rule> after;
  std::vector<std::string> added;
  std::vector<std::string> removed;
  size_t modified;
};

TEST(Diff, RuleLevelTable) {
  const std::vector<RuleDiffCase> cases = {
      {"no change", {ingress("tcp", 22, 22, "10.0.0.0/8")}, {ingress("tcp", 22, 22, "10.0.0.0/8")},
       {}, {}, 0},
      {"reordering is no change",
       {ingress("tcp", 22, 22, "10.0.0.0/8"), ingress("tcp", 80, 80, "0.0.0.0/0")},
       {ingress("tcp", 80, 80, "0.0.0.0/0"), ingress("tcp", 22, 22, "10.0.0.0/8")}, {}, {}, 0},
      {"non-canonical CIDR is the same rule", {ingress("tcp", 22, 22, "10.0.0.0/8")},
       {ingress("tcp", 22, 22, "10.1.2.3/8")}, {}, {}, 0},
      {"duplicate ranges are one rule", {ingress("tcp", 22, 22, "10.0.0.0/8")},
       {ingress("tcp", 22, 22, "10.0.0.0/8"), ingress("tcp", 22, 22, "10.0.0.0/8")}, {}, {}, 0},
      {"RDP from the world added", {ingress("tcp", 443, 443, "0.0.0.0/0")},
       {ingress("tcp", 443, 443, "0.0.0.0/0"), ingress("tcp", 3389, 3389, "0.0.0.0/0")},
       {"ingress tcp/3389 from 0.0.0.0/0"}, {}, 0},
      {"rule removed", {ingress("tcp", 22, 22, "10.0.0.0/8"), ingress("udp", 53, 53, "10.0.0.0/8")},
       {ingress("tcp", 22, 22, "10.0.0.0/8")}, {}, {"ingress udp/53 from 10.0.0.0/8"}, 0},
      {"port range widened is a removal and an addition", {ingress("tcp", 80, 80, "0.0.0.0/0")},
       {ingress("tcp", 80, 443, "0.0.0.0/0")}, {"ingress tcp/80-443 from 0.0.0.0/0"},
       {"ingress tcp/80 from 0.0.0.0/0"}, 0},
      {"description only is a modification", {ingress("tcp", 22, 22, "10.0.0.0/8", "office")},
       {ingress("tcp", 22, 22, "10.0.0.0/8", "VPN")}, {}, {}, 1},
      {"IPv6 world added", {}, {ingress("tcp", 22, 22, "::/0")}, {"ingress tcp/22 from ::/0"}, {},
       0},
      {"IPv6 non-canonical is the same", {ingress("tcp", 22, 22, "2001:db8::/32")},
       {ingress("tcp", 22, 22, "2001:DB8:0::1/32")}, {}, {}, 0},
      {"all traffic added", {}, {ingress("-1", 0, 0, "10.0.0.0/8")},
       {"ingress all traffic from 10.0.0.0/8"}, {}, 0},
      {"-1 ports ignored", {ingress("-1", 0, 0, "10.0.0.0/8")}, {ingress("all", 1, 2, "10.0.0.0/8")},
       {}, {}, 0},
      {"icmp code changed", {ingress("icmp", 8, 0, "0.0.0.0/0")},
       {ingress("icmp", 8, -1, "0.0.0.0/0")}, {"ingress icmp type 8 (all codes) from 0.0.0.0/0"},
       {"ingress icmp type 8 code 0 from 0.0.0.0/0"}, 0},
      {"direction matters", {ingress("tcp", 443, 443, "0.0.0.0/0")},
       {egress("tcp", 443, 443, "0.0.0.0/0")}, {"egress tcp/443 to 0.0.0.0/0"},
       {"ingress tcp/443 from 0.0.0.0/0"}, 0},
      {"prefix list added", {}, {from_prefix_list("pl-12345678")},
       {"ingress tcp/443 from prefix list pl-12345678"}, {}, 0},
      {"prefix list description", {from_prefix_list("pl-12345678", "a")},
       {from_prefix_list("pl-12345678", "b")}, {}, {}, 1},
      {"group reference added", {}, {from_group("tcp", 5432, 5432, "sg-11111111")},
       {"ingress tcp/5432 from sg-11111111 (account 123456789012)"}, {}, 0},
      {"reference to another account is another rule",
       {from_group("tcp", 5432, 5432, "sg-11111111")},
       {from_group("tcp", 5432, 5432, "sg-11111111", "210987654321")},
       {"ingress tcp/5432 from sg-11111111 (account 210987654321)"},
       {"ingress tcp/5432 from sg-11111111 (account 123456789012)"}, 0},
      {"implicit owner equals explicit owner", {from_group("tcp", 5432, 5432, "sg-11111111")},
       {from_group("tcp", 5432, 5432, "sg-11111111", "123456789012")}, {}, {}, 0},
      {"empty to empty", {}, {}, {}, {}, 0},
      {"everything removed", {ingress("tcp", 22, 22, "10.0.0.0/8"), egress("-1", 0, 0, "0.0.0.0/0")},
       {}, {}, {"ingress tcp/22 from 10.0.0.0/8", "egress all traffic to 0.0.0.0/0"}, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Group before = group("sg-903004f8", c.before);
    Group after = group("sg-903004f8", c.after);
    auto d = diff(&before, &after);
    if (c.added.empty() && c.removed.empty() && c.modified == 0) {
      EXPECT_FALSE(d.has_value());
      continue;
    }
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->change, GroupChange::kModified);
    EXPECT_EQ(summaries(d->added), c.added);
    EXPECT_EQ(summaries(d->removed), c.removed);
    EXPECT_EQ(d->modified.size(), c.modified);
  }
}

TEST(Diff, DescriptionModificationKeepsBothSides) {
  Group before = group("sg-903004f8", {ingress("tcp", 22, 22, "10.0.0.0/8", "office")});
  Group after = group("sg-903004f8", {ingress("tcp", 22, 22, "10.0.0.0/8", "VPN")});
  auto d = diff(&before, &after);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->modified.size(), 1u);
  EXPECT_EQ(d->modified[0].before.description, "office");
  EXPECT_EQ(d->modified[0].after.description, "VPN");
}

TEST(Diff, RuleIdsAloneAreNoChange) {
  Group before = group("sg-903004f8", {ingress("tcp", 22, 22, "10.0.0.0/8")});
  Group after = before;
  after.rules[0].id = RuleId::parse("sgr-abcdef01234567890").value();
  EXPECT_FALSE(diff(&before, &after));
}

TEST(Diff, CreatedAndDeleted) {
  Group g = group("sg-903004f8", {ingress("tcp", 22, 22, "10.0.0.0/8")}, {{"Team", "a"}});
  auto created = diff(nullptr, &g);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->change, GroupChange::kCreated);
  EXPECT_EQ(created->added.size(), 1u);
  ASSERT_EQ(created->tags.size(), 1u);
  EXPECT_FALSE(created->tags[0].before);

  auto deleted = diff(&g, nullptr);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->change, GroupChange::kDeleted);
  EXPECT_EQ(deleted->removed.size(), 1u);
  EXPECT_EQ(deleted->group, g.id);

  Group empty = group("sg-903004f8", {});
  auto created_empty = diff(nullptr, &empty);
  ASSERT_TRUE(created_empty);  // a new group is a change even with no rules
  EXPECT_FALSE(created_empty->empty());
  EXPECT_FALSE(diff(nullptr, nullptr));
}

TEST(Diff, TagsAddedRemovedChanged) {
  Group before = group("sg-903004f8", {}, {{"NotifyOnChange", "Yes"}, {"Old", "x"}, {"Team", "a"}});
  Group after = group("sg-903004f8", {}, {{"NotifyOnChange", "No"}, {"New", "y"}, {"Team", "a"}});
  auto d = diff(&before, &after);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->tags.size(), 3u);
  EXPECT_EQ(d->tags[0].key, "New");
  EXPECT_FALSE(d->tags[0].before);
  EXPECT_EQ(d->tags[0].after, "y");
  EXPECT_EQ(d->tags[1].key, "NotifyOnChange");
  EXPECT_EQ(d->tags[1].before, "Yes");
  EXPECT_EQ(d->tags[1].after, "No");
  EXPECT_EQ(d->tags[2].key, "Old");
  EXPECT_FALSE(d->tags[2].after);
  EXPECT_TRUE(d->added.empty());
}

TEST(Diff, GroupFields) {
  Group before = group("sg-903004f8", {});
  Group after = before;
  after.description = "renamed";
  auto d = diff(&before, &after);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->fields.size(), 1u);
  EXPECT_EQ(d->fields[0].field, "description");
  EXPECT_EQ(d->fields[0].after, "renamed");
}

}  // namespace
}  // namespace sgwatch::diff_test
