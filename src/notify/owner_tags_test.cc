#include "notify/owner_tags.h"

#include <gtest/gtest.h>

namespace sgwatch::owner_tags_test {
namespace {

using Tags = std::map<std::string, std::string>;
using Strings = std::vector<std::string>;

TEST(OwnerTags, NotifyTag) {
  struct Case {
    const char* what;
    Tags tags;
    bool by_default;
    bool notify;
    size_t problems;
  };
  const Case cases[] = {
      {"absent: the default", {}, true, true, 0},
      {"absent: the default (off)", {}, false, false, 0},
      {"Yes", {{"NotifyOnChange", "Yes"}}, false, true, 0},
      {"No", {{"NotifyOnChange", "No"}}, true, false, 0},
      {"any case, spaces around", {{"NotifyOnChange", " nO "}}, true, false, 0},
      {"YES", {{"NotifyOnChange", "YES"}}, false, true, 0},
      {"true is not yes", {{"NotifyOnChange", "true"}}, false, false, 1},
      {"garbage: the default", {{"NotifyOnChange", "maybe"}}, true, true, 1},
      {"empty: the default", {{"NotifyOnChange", ""}}, true, true, 1},
      {"key case matters", {{"notifyonchange", "No"}}, true, true, 0},
  };
  for (const Case& c : cases) {
    OwnerPolicy policy = read_owner_tags(c.tags, OwnerTagNames{}, c.by_default);
    EXPECT_EQ(policy.notify, c.notify) << c.what;
    EXPECT_EQ(policy.problems.size(), c.problems) << c.what;
  }
}

TEST(OwnerTags, GarbageIsNamedInTheProblem) {
  OwnerPolicy policy = read_owner_tags({{"NotifyOnChange", "maybe"}}, OwnerTagNames{}, true);
  ASSERT_EQ(policy.problems.size(), 1u);
  EXPECT_EQ(policy.problems[0],
            "tag NotifyOnChange is 'maybe', which is neither Yes nor No; taken as absent "
            "(owners are told)");
}

TEST(OwnerTags, Addresses) {
  struct Case {
    const char* value;
    Strings addresses;
    Strings problems;
  };
  const Case cases[] = {
      {"a@x.com; b@y.org,bad",
       {"a@x.com", "b@y.org"},
       {"tag OwnerDL: 'bad' is not an email address; left out"}},
      {"  team@example.com  ", {"team@example.com"}, {}},
      {"a@x.com,,; ;a@x.com;A@X.COM", {"a@x.com"}, {}},
      {"", {}, {}},
      {"Team <team@example.com>, c@z.net",
       {"c@z.net"},
       {"tag OwnerDL: 'Team <team@example.com>' is not an email address; left out"}},
      {"a@b@x.com;@x.com;a@localhost;a@.com;a@x.",
       {},
       {"tag OwnerDL: 'a@b@x.com' is not an email address; left out",
        "tag OwnerDL: '@x.com' is not an email address; left out",
        "tag OwnerDL: 'a@localhost' is not an email address; left out",
        "tag OwnerDL: 'a@.com' is not an email address; left out",
        "tag OwnerDL: 'a@x.' is not an email address; left out"}},
  };
  for (const Case& c : cases) {
    OwnerPolicy policy = read_owner_tags({{"OwnerDL", c.value}}, OwnerTagNames{}, true);
    EXPECT_EQ(policy.addresses, c.addresses) << c.value;
    EXPECT_EQ(policy.problems, c.problems) << c.value;
  }
}

TEST(OwnerTags, ConfiguredTagNames) {
  OwnerTagNames names{"alerts", "owner-email"};
  OwnerPolicy policy = read_owner_tags(
      {{"alerts", "no"}, {"owner-email", "ops@example.com"}, {"OwnerDL", "x@y.com"}}, names, true);
  EXPECT_FALSE(policy.notify);
  EXPECT_EQ(policy.addresses, Strings{"ops@example.com"});
}

TEST(OwnerTags, EmailAddressCheck) {
  for (const char* good : {"a@x.com", "first.last+tag@mail.example.co.uk", "ops@ex-ample.org"}) {
    EXPECT_TRUE(is_email_address(good)) << good;
  }
  for (const char* bad : {"", "a", "a@", "@x.com", "a@x", "a b@x.com", "a@x.com\n", "<a@x.com>",
                          "a@@x.com", "a\t@x.com", "jane..doe@x.com", "ops@mail_relay.x.com",
                          "jöran@x.com"}) {
    EXPECT_FALSE(is_email_address(bad)) << bad;
  }
}

}  // namespace
}  // namespace sgwatch::owner_tags_test
