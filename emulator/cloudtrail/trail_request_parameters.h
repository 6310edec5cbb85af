// The requestParameters of a CloudTrail record, rebuilt from an EC2 Query call's
// parameters in the shape CloudTrail writes them: camelCase names, lists wrapped as
// {"items": [...]} (an absent list as {}), ports and counts as numbers. The newer
// operations (ModifySecurityGroupRules, DescribeSecurityGroupRules) are written the way
// CloudTrail writes them: PascalCase inside an "<Action>Request" object, each list member
// carrying its position as "tag", and a list of one written as that one object.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "emulator/http_types.h"

namespace sgwatch::emulator {

// `action` is the EC2 action; `params` the Query parameters as received. Actions the
// emulator does not know map to null.
nlohmann::ordered_json trail_request_parameters(const std::string& action, const Params& params);

}  // namespace sgwatch::emulator
