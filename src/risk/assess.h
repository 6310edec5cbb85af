// Judging rules against a RiskPolicy. Pure: no I/O, no clock; the same group and policy always
// give the same findings in the same order.
//
// What is judged, per rule (codes in risk_policy.h):
//   - ingress from the world (0.0.0.0/0 or ::/0): one finding, the most severe that applies and
//     is not exempted, of world-all-traffic, world-sensitive-port, world-wide-port-range and
//     world-open (ties go to that order);
//   - ingress from a very wide block that is not the world: wide-cidr;
//   - egress of all traffic to the world: egress-world-all;
//   - a rule naming a group of another account than the group's owner: cross-account-reference;
// and per group: a VPC's `default` group with any rule: default-group-rules. Prefix-list peers
// are not judged: their contents are not known here.
#pragma once

#include <vector>

#include "core/diff.h"
#include "core/group.h"
#include "risk/finding.h"
#include "risk/risk_policy.h"

namespace sgwatch {

// The findings one rule of `group` causes (`group` gives the context: owner, tags, name).
std::vector<Finding> assess_rule(const Rule& rule, const Group& group, const RiskPolicy& policy);

// The findings of the group as it is: most severe first, then in rule order (a finding about the
// whole group before those about its rules).
std::vector<Finding> assess_group(const Group& group, const RiskPolicy& policy);

// The findings of every group, most severe first (stable: in group order within a severity).
std::vector<Finding> assess_groups(const std::vector<Group>& groups, const RiskPolicy& policy);

// The findings a change brings: those of its added rules (judged in `after`'s context), plus
// default-group-rules for each rule added to a `default` group. A rule whose description
// alone changed brings nothing new: its findings were there before. `after` is the group
// after the change; nullptr (a deletion) gives none. Most severe first, then in the diff's order.
std::vector<Finding> findings_introduced(const GroupDiff& diff, const Group* after,
                                         const RiskPolicy& policy);

}  // namespace sgwatch
