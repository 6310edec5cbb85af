// Internal header of the CloudTrail record parser; not part of sgwatch's interface.
// The security-group calls whose payload is rules: Authorize/Revoke*,
// UpdateSecurityGroupRuleDescriptions* and ModifySecurityGroupRules. group_events.cc
// dispatches to them.
#pragma once

#include "core/error.h"
#include "trail/api_call.h"
#include "trail/record_node.h"

namespace sgwatch::trail_detail {

// Authorize*, Revoke*, UpdateSecurityGroupRuleDescriptions*.
Status permission_call(const Node& record, const Node& params, ApiCall& call);

// ModifySecurityGroupRules: a converted Query request, in PascalCase and of varying shape.
Status modify_call(const Node& params, ApiCall& call);

}  // namespace sgwatch::trail_detail
