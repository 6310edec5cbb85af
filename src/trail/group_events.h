// Internal header of the CloudTrail record parser; not part of sgwatch's interface.
// What a security-group event did to which groups: security_group_effects() reads the
// payload of any event is_security_group_event() accepts.
#pragma once

#include "core/error.h"
#include "trail/api_call.h"
#include "trail/record_node.h"

namespace sgwatch::trail_detail {

// Fills call.effects (and group_name, vpc, tags, notes) from requestParameters and
// responseElements; call.event_name must be set.
Status security_group_effects(const Node& record, ApiCall& call);

}  // namespace sgwatch::trail_detail
