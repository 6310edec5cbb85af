#include "app/change_filter.h"

#include <gtest/gtest.h>

#include "builders.h"

namespace sgwatch::change_filter_test {
namespace {

using testing::gid;
using testing::ingress;

ChangeView view_of(std::vector<Rule> added, std::string actor_arn = "") {
  GroupDiff diff{gid("sg-0123456789abcdef0"), "web", std::nullopt, GroupChange::kModified,
                 std::move(added), {}, {}, {}, {}};
  ChangeEntry entry{1, Scope{testing::account("111122223333"), testing::region("eu-west-1")},
                    diff.group, Timestamp{}, Timestamp{}, AttributionState::kAttributed, {}, 1,
                    false, std::nullopt};
  ChangeView view{entry, diff, std::nullopt, {}};
  if (!actor_arn.empty()) {
    ApiCall call;
    call.actor.arn = actor_arn;
    call.actor.user_name = actor_arn.substr(actor_arn.rfind('/') + 1);
    view.calls.push_back(call);
  }
  return view;
}

TEST(ChangeFilter, PortsMatchRangesAndAllTraffic) {
  ChangeFilter filter;
  filter.port = 3389;
  EXPECT_TRUE(change_matches(filter, view_of({ingress("tcp", 3000, 4000, "10.0.0.0/8")}), {}));
  EXPECT_TRUE(change_matches(filter, view_of({ingress("-1", -1, -1, "10.0.0.0/8")}), {}));
  EXPECT_FALSE(change_matches(filter, view_of({ingress("tcp", 22, 22, "10.0.0.0/8")}), {}));
  EXPECT_FALSE(change_matches(filter, view_of({ingress("icmp", -1, -1, "10.0.0.0/8")}), {}));
}

TEST(ChangeFilter, CidrsMatchWhenEitherContainsTheOther) {
  ChangeFilter filter;
  filter.cidr = Cidr::parse("10.1.0.0/16").value();
  EXPECT_TRUE(change_matches(filter, view_of({ingress("tcp", 22, 22, "10.0.0.0/8")}), {}));
  EXPECT_TRUE(change_matches(filter, view_of({ingress("tcp", 22, 22, "10.1.2.0/24")}), {}));
  EXPECT_FALSE(change_matches(filter, view_of({ingress("tcp", 22, 22, "10.2.0.0/16")}), {}));
  EXPECT_FALSE(change_matches(filter, view_of({ingress("tcp", 22, 22, "::/0")}), {}));
}

TEST(ChangeFilter, ActorsMatchAnyPartIgnoringCase) {
  ChangeFilter filter;
  filter.actor = "DEPT-B";
  EXPECT_TRUE(change_matches(
      filter, view_of({}, "arn:aws:iam::111122223333:user/dept-b"), {}));
  EXPECT_FALSE(change_matches(filter, view_of({}, "arn:aws:iam::111122223333:user/alice"), {}));
  EXPECT_FALSE(change_matches(filter, view_of({}), {})) << "an unattributed change has no actor";
}

TEST(ChangeFilter, SeverityNeedsAFindingThatSevere) {
  ChangeFilter filter;
  filter.min_severity = Severity::kHigh;
  Finding high{"world-sensitive-port", Severity::kHigh, gid("sg-0123456789abcdef0"), "web",
               std::nullopt, "RDP"};
  Finding low = high;
  low.severity = Severity::kLow;
  EXPECT_TRUE(change_matches(filter, view_of({}), {low, high}));
  EXPECT_FALSE(change_matches(filter, view_of({}), {low}));
  EXPECT_FALSE(change_matches(filter, view_of({}), {}));
}

}  // namespace
}  // namespace sgwatch::change_filter_test
