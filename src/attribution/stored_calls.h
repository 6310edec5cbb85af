// Between CloudTrail records and the store: which records are worth keeping (calls that
// concern a security group, failed ones included), and the calls that kept records hold.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/scope.h"
#include "state/attribution_records.h"
#include "trail/api_call.h"

namespace sgwatch {

// The record (JSON text of one CloudTrail record, as LookupEvents' CloudTrailEvent holds
// it) as a StoredEvent of `scope`, or nullopt when the call does not concern a security
// group. An unusable record is an error naming what is wrong with it.
Result<std::optional<StoredEvent>> security_group_event(std::string_view record,
                                                        const Scope& scope);

// The call a kept record holds, fully parsed.
Result<ApiCall> call_of(const StoredEvent& event);

// The calls of every kept record; records that no longer parse are logged and left out.
std::vector<ApiCall> calls_of(const std::vector<StoredEvent>& events);

}  // namespace sgwatch
