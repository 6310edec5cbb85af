// The store's schema: the steps that build it, one version each, and how a file is
// recognised as an sgwatch store before anything is written to it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <sqlite3.h>

#include "core/error.h"

namespace sgwatch {

// Marks a database as an sgwatch store (PRAGMA application_id): "SGWT".
inline constexpr int32_t kStoreApplicationId = 0x53475754;

// The schema version this build writes (PRAGMA user_version).
int store_schema_version();

struct StoredSchema {
  bool ours = false;  // marked with sgwatch's application id; false for an empty database
  int version = 0;
};

// What the database open on `db` holds. Refuses, without writing anything, a database of
// another application or from a newer sgwatch.
Result<StoredSchema> stored_schema(sqlite3* db, const std::string& path);

// Runs the steps from version `from` up to `to` (default: store_schema_version()), each in
// its own transaction. Tests stop early to build a store as an older sgwatch left it.
Status migrate(sqlite3* db, const std::string& path, int from,
               std::optional<int> to = std::nullopt);

}  // namespace sgwatch
