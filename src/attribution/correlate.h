// Which CloudTrail calls made an observed change of one security group. Pure: no I/O, no
// clock; the caller gathers the calls and the rule ids the store knows.
//
// Contract:
//   - A diff is split into parts: the group's creation or deletion, each added rule, each
//     removed rule, each modified rule (description), each tag change, each field change.
//   - A call counts only when it succeeded (not ApiCall::attempt()), its account (when the
//     record has one) is the scope's, its region (when the record has one) is the scope's,
//     its event_time lies in the window (both ends inclusive), and one of its effects names
//     diff.group.
//   - Each part is matched against every counting call; every call that explains at least
//     one part is listed, oldest first. Several calls may explain one part. A call that did
//     the opposite to a part (a Revoke of a rule now added, an Authorize of one now removed,
//     DeleteTags of a tag now set, CreateTags of one now gone) between the part's first and
//     last explaining calls is listed too, as part of the story (added, revoked and added
//     again: all three), but explains nothing on its own. One before the first explaining
//     call is history the previous observation already saw. A counting call that does
//     neither is not listed.
//   - What explains what:
//       creation        CreateSecurityGroup; it also explains the default egress rule
//                       (egress, all traffic, 0.0.0.0/0) that EC2 adds to a created group
//       deletion        DeleteSecurityGroup; it also explains every removed rule and tag
//       added rule      Authorize* listing the rule (same identity) or naming its id;
//                       ModifySecurityGroupRules naming its id (or, with no id known, listing
//                       it by identity ignoring direction: the record does not say it)
//       removed rule    Revoke* listing it or naming its id; ModifySecurityGroupRules naming
//                       its id; DeleteSecurityGroup (of a group seen deleted)
//       description     UpdateSecurityGroupRuleDescriptions* listing the rule or naming its
//                       id; ModifySecurityGroupRules as for an added rule
//       tag             CreateTags setting the key to the new value; DeleteTags of the key
//                       (of its old value, when the call names one); a CreateSecurityGroup
//                       whose effect carries the tag (TagSpecification)
//       field           "vpc": Associate/DisassociateSecurityGroupVpc (of the old or new VPC,
//                       when the call names one); "name", "description", "vpc": a
//                       CreateSecurityGroup giving the new value; anything else: nothing
//   - A rule's ids are Rule::id and rule_ids[Rule::key_string()]: ids are learned separately
//     from rules, so either may be the one a call names.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/diff.h"
#include "core/ids.h"
#include "core/scope.h"
#include "trail/api_call.h"

namespace sgwatch {

// Bounds on eventTime for calls that may have made a change: from the previous observation
// of the scope to this one, widened by the allowed clock skew on both sides (the caller
// widens). Both ends are inclusive.
struct ChangeWindow {
  Timestamp from;
  Timestamp to;
};

struct Correlation {
  // Indexes into `calls` of the successful calls that explain at least one part of the
  // change, oldest first (by event_time, then index).
  std::vector<size_t> calls;
  // True when every part of the change is explained by some call (so also for an empty
  // diff).
  bool complete = false;
  // The parts nothing explains, for people: "ingress tcp/22 from 0.0.0.0/0 added",
  // "tag Owner changed", "group deleted"...
  std::vector<std::string> unexplained;
};

// Which of `calls` made `diff`, a change of one group observed in `scope`. Only successful
// calls of the scope's account and region, with event_time inside `window`, touching
// diff.group, count. `rule_ids` are the ids the store knows for the group's rules, keyed by
// Rule::key_string() (ids of removed rules stay there), so a call that names rules only by
// id (RevokeSecurityGroupIngress with securityGroupRuleIds, ModifySecurityGroupRules,
// UpdateSecurityGroupRuleDescriptions by id) still matches.
Correlation correlate(const GroupDiff& diff, const Scope& scope, ChangeWindow window,
                      std::span<const ApiCall> calls,
                      const std::map<std::string, RuleId>& rule_ids);

}  // namespace sgwatch
