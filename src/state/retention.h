// How long the store keeps what it no longer needs, and what a prune removed. The rules
// that keep the store correct whatever the policy says live in Store::prune (see
// sqlite_retention.cc); this file holds the plain values and the once-a-day schedule that
// `sgwatch watch` runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "core/clock.h"
#include "core/error.h"

namespace sgwatch {

class Store;

using Days = std::chrono::duration<int64_t, std::ratio<86400>>;

// Each age: rows older than it may go; nullopt ("forever") keeps them all.
struct RetentionPolicy {
  // Revisions of groups (never a group's latest, nor one a pending change or alert needs),
  // with their changes. 400 days: a year of history plus a margin for a yearly review.
  std::optional<std::chrono::milliseconds> revisions = Days(400);
  // CloudTrail records and SNS/Config intake bookkeeping. CloudTrail itself keeps 90 days.
  std::optional<std::chrono::milliseconds> events = Days(90);
  // Delivered and given-up alerts; pending ones always stay.
  std::optional<std::chrono::milliseconds> delivered_alerts = Days(30);
  // The snapshot record of a scope not observed for this long (one row per scope; the
  // scope's next observation is then a new baseline).
  std::optional<std::chrono::milliseconds> snapshots;  // forever: see retention_config.cc
};

// The shortest age a policy may give: the attribution wait, SNS redelivery and the outbox
// all look back hours, so nothing younger than a day is ever pruned.
inline constexpr std::chrono::milliseconds kShortestRetention = Days(1);

// What one prune removed (or, for a dry run, would remove).
struct PruneCounts {
  int64_t revisions = 0;
  int64_t changes = 0;
  int64_t rule_ids = 0;
  int64_t events = 0;        // CloudTrail records
  int64_t sns_messages = 0;  // SNS message ids handled
  int64_t config_states = 0;
  int64_t alerts = 0;
  int64_t snapshots = 0;
  // The file's size in bytes (pages in use and free) before the prune and after its vacuum.
  int64_t bytes_before = 0;
  int64_t bytes_after = 0;
  bool vacuumed = false;  // the file was rewritten whole (VACUUM), not just trimmed

  int64_t rows() const {
    return revisions + changes + rule_ids + events + sns_messages + config_states + alerts +
           snapshots;
  }
};

// Runs Store::prune at most once per `every` (a day), from the watch loop after a cycle.
// It remembers the last run in memory: a restarted watch prunes once at its first cycle,
// which costs one pass over indexes when there is nothing to remove.
//
// Thread-safety: one thread at a time (the watch loop's).
class PruneSchedule {
 public:
  explicit PruneSchedule(std::chrono::milliseconds every = Days(1)) : every_(every) {}

  // The counts when it pruned, nullopt when the last prune is recent. A failed prune is
  // tried again after `every` too, so a broken store is not hammered each cycle.
  Result<std::optional<PruneCounts>> maybe_prune(Store& store, const RetentionPolicy& policy,
                                                 const Clock& clock);

 private:
  std::chrono::milliseconds every_;
  std::optional<Timestamp> last_run_;
};

}  // namespace sgwatch
