// Internal header of the CloudTrail record parser; not part of sgwatch's interface.
// Who made the call: userIdentity to Actor. classify_agent() and to_string(AgentClass),
// defined beside it in record_actor.cc, are declared in record_parser.h and api_call.h.
#pragma once

#include "core/error.h"
#include "trail/api_call.h"
#include "trail/record_node.h"

namespace sgwatch::trail_detail {

// Reads record.userIdentity (keys in any case) into `actor`; absent leaves it empty.
Status read_actor(const Node& record, Actor& actor);

}  // namespace sgwatch::trail_detail
