// What `ingest` (and the demo) print after recording a snapshot.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "app/record_snapshot.h"

namespace sgwatch {

// Text: a summary line, then each changed group with its rule-level diff. A baseline
// (first snapshot of a scope) lists the groups without their rules, which may be many.
std::string record_text(const Snapshot& snapshot, const RecordResult& result);
nlohmann::json record_json(const Snapshot& snapshot, const RecordResult& result);

}  // namespace sgwatch
