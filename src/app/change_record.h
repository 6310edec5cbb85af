// One changed security group as one self-contained JSON object: the line that
// `sgwatch once/watch --jsonl FILE` appends for every group that changed in a cycle.
// Unlike `--output json` (render.h), each record carries its scope, its time and a
// schema name, so a consumer can read a line with no other context. The format is
// documented field by field in docs/JSONL.md; within "sgwatch.change.v1" fields are
// only ever added. Pure: builds a document, writes nothing.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "core/clock.h"
#include "core/diff.h"
#include "core/scope.h"

namespace sgwatch {

// The value of every record's "schema" field. A breaking change gets a new name.
inline constexpr const char* kChangeRecordSchema = "sgwatch.change.v1";

// The record of `diff`, observed in `scope` at `observed_at`.
nlohmann::json change_record(const Scope& scope, const GroupDiff& diff, Timestamp observed_at);

// One rule as a change record shows it: direction, protocol, ports (null where the
// protocol has none), peer object, world_open, description and rule id (or null).
nlohmann::json change_record_rule(const Rule& rule);

}  // namespace sgwatch
