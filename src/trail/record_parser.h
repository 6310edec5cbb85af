// One CloudTrail record (the JSON object CloudTrail writes per API call, whichever
// container it arrived in) to an ApiCall. The parser validates what it keeps: ids, CIDRs,
// protocols and ports go through the same core types as every other source, so a rule
// from CloudTrail compares equal to the same rule from DescribeSecurityGroups.
//
// Accepted shapes of the security-group payloads (eventSource ec2.amazonaws.com):
//   - Authorize/RevokeSecurityGroupIngress/Egress and UpdateSecurityGroupRuleDescriptions*:
//     requestParameters.groupId (or groupName), ipPermissions.items[] with ipRanges,
//     ipv6Ranges, prefixListIds and groups, each `{items:[...]}`; ports as numbers or
//     strings; the older top-level form (cidrIp, ipProtocol, fromPort, toPort,
//     sourceSecurityGroupName/OwnerId); responseElements.securityGroupRuleSet.items[]
//     (rule ids, and the rules when the request had none); and for the description
//     updates securityGroupRuleDescriptions.items[]{securityGroupRuleId, description}.
//   - ModifySecurityGroupRules: requestParameters.ModifySecurityGroupRulesRequest in
//     PascalCase; SecurityGroupRule may be one object or a list, and scalars may be
//     wrapped in one-element lists or {"content": ...}. The record does not say whether a
//     modified rule is ingress or egress: its rules are left kIngress, and the rule id
//     (always in rule_ids and Rule::id) is what names it.
//   - CreateSecurityGroup, DeleteSecurityGroup, CreateTags/DeleteTags (sg- and sgr- ids
//     of resourcesSet), Associate/DisassociateSecurityGroupVpc.
// Keys of userIdentity are matched without regard to case (some tools lower-case them).
#pragma once

#include <cstddef>
#include <string_view>

#include <simdjson.h>

#include "core/error.h"
#include "trail/api_call.h"

namespace sgwatch {

enum class RecordDetail {
  kFull,  // every record fully parsed and validated
  // Records whose event cannot touch a security group get only eventID, eventTime,
  // eventName and eventSource (validated as for kFull). For reading large logs of which
  // only the security-group calls matter: faster, and a placeholder account id in an
  // unrelated record does not make it unusable.
  kSecurityGroupCalls,
};

// Parses one record. Never throws. Errors read "record 12 (eventID 504b...): path: what",
// with `index` (the record's position in its container, from 0) naming the record; when
// the record has no usable eventID, "record 12: ...". A record missing eventID, eventTime
// or eventName, or holding one invalid value that sgwatch keeps, is an error: the parser
// never guesses. The exception is a failed call (errorCode set) whose security-group
// parameters do not validate: EC2 refused them too, so the call is kept as an attempt and
// the reason goes in ApiCall::notes.
Result<ApiCall> parse_record(simdjson::dom::element record, size_t index,
                             RecordDetail detail = RecordDetail::kFull);

// True for the event names (of ec2.amazonaws.com) whose calls can change a security group:
// the rule, lifecycle, tag and VPC-association calls.
bool is_security_group_event(std::string_view event_source, std::string_view event_name);

// True when the call concerns a security group: a security-group event with at least one
// sg- effect or sgr- tag; for the calls that only security groups take (all but the tag
// calls) also one naming its group only by name, and a failed one (even when its
// parameters did not validate), since an attempt is worth reporting. CreateSecurityGroup
// counts even when it failed.
bool is_security_group_call(const ApiCall& call);

// The kind of client, from the user agent and userIdentity.invokedBy.
AgentClass classify_agent(std::string_view user_agent, std::string_view invoked_by);

}  // namespace sgwatch
