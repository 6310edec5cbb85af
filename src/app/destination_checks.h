// `sgwatch validate`'s checks of the alert destinations, without sending anything:
// - jsonl: the file opens for appending;
// - webhook: the URL is usable; plain http to another machine is a warning (alerts and
//   their signatures would cross the network in the clear);
// - slack: the same, and a host other than hooks.slack.com is a warning;
// - smtp: the server answers EHLO, and STARTTLS (or TLS) and AUTH succeed as configured;
// - ses: the sender (the address or its domain) is a verified identity in the region.
// No destination, no line.
#pragma once

#include <memory>

#include "app/checklist.h"
#include "aws/credential_provider.h"
#include "core/clock.h"
#include "core/env.h"
#include "notify/notify_config.h"

namespace sgwatch {

// `credentials` (the default chain) is needed only by ses destinations; null fails them,
// saying `no_credentials` (why there are none) when given.
void check_destinations(const NotifySettings& settings, const EnvLookup& env,
                        const Clock& clock, CredentialProvider* credentials,
                        const std::string& no_credentials, Checklist& checklist);

}  // namespace sgwatch
