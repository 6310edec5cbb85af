// What `sgwatch validate` checks of the [sns] endpoint before `watch` serves it: the
// listen address, the certificate directory, and the test-only trust variable.
#pragma once

#include "app/checklist.h"
#include "app/sns_config.h"
#include "core/env.h"

namespace sgwatch {

// Adds one line for the endpoint (nothing when it is off) and one for its certificates.
void check_sns_endpoint(const SnsSettings& settings, const EnvLookup& env, Checklist& checklist);

}  // namespace sgwatch
