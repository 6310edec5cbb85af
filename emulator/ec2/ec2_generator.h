// Synthetic security groups in bulk, for the demo and for scale tests: N groups of M rules
// each, made through the model's ordinary checks. The content is deterministic for a given
// scope and count (the ids follow the service's id seed) and mixes the rule kinds sgwatch
// must handle: IPv4 and IPv6 ranges, references to other groups, and now and then SSH open
// to the world.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "emulator/ec2/ec2_error.h"
#include "emulator/ec2/ec2_model.h"

namespace sgwatch::emulator {

struct GeneratedGroups {
  std::vector<std::string> group_ids;
  size_t rules = 0;  // ingress rules added (each group also has its default egress rule)
};

// Adds `groups` groups named "generated-N" to the scope's default VPC, each with
// `rules_per_group` ingress rules (at most kMaxRulesPerDirection).
Ec2Result<GeneratedGroups> generate_groups(Ec2Scope& scope, size_t groups,
                                           size_t rules_per_group);

}  // namespace sgwatch::emulator
