// `sgwatch validate`'s checks of the alert destinations, without sending anything: each
// jsonl file opens for appending, each webhook URL is usable (a URL over plain http to
// another machine is a warning: alerts and their signatures would cross the network in the
// clear). No destination, no line.
#pragma once

#include "app/checklist.h"
#include "notify/notify_config.h"

namespace sgwatch {

void check_destinations(const NotifySettings& settings, Checklist& checklist);

}  // namespace sgwatch
