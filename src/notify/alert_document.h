// The document a destination receives: one alert, covering one or more items of one group
// (its changes coalesced within the window, or an attempt) or a scope's baseline. The
// schema is documented in docs/ALERTS.md; within "sgwatch.alert.v1" fields are only added.
// Pure: builds the delivery unit from outbox rows.
#pragma once

#include <vector>

#include "notify/alert.h"

namespace sgwatch {

inline constexpr const char* kAlertSchema = "sgwatch.alert.v1";

// One alert from outbox rows of one destination and group, oldest first (each row's body is
// its item's document). Its id is alert_id() over everything the rows cover; its severity
// the worst of theirs; its recipients the union of theirs, in order.
// Precondition: `rows` is not empty.
Alert compose_alert(const std::vector<Alert>& rows);

}  // namespace sgwatch
