// The health checks `sgwatch validate` runs against the world, after the config: the store
// opens, and per account the credentials resolve, sts:GetCallerIdentity answers with the
// expected account, and each region answers a DescribeSecurityGroups (and, unless
// attribution is off, a CloudTrail LookupEvents). Each check adds one
// line to the checklist; a check that cannot run because an earlier one failed is skipped.
#pragma once

#include <string>

#include "app/account_access.h"
#include "app/checklist.h"
#include "core/clock.h"
#include "core/env.h"

namespace sgwatch {

// Opens an existing store for reading (never while taking the writer's lock, so a running
// `watch` is not disturbed), or checks that a missing one can be created.
void check_store(const std::string& path, Checklist& checklist);

// `lookup`: also check that each region answers CloudTrail LookupEvents.
void check_accounts(const ObserveOptions& options, bool lookup, const EnvLookup& env,
                    const Clock& clock, Checklist& checklist);

}  // namespace sgwatch
