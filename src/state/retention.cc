#include "state/retention.h"

#include "state/store.h"

namespace sgwatch {

Result<std::optional<PruneCounts>> PruneSchedule::maybe_prune(Store& store,
                                                              const RetentionPolicy& policy,
                                                              const Clock& clock) {
  const Timestamp now = clock.now();
  if (last_run_ && now - *last_run_ < every_) return std::optional<PruneCounts>();
  last_run_ = now;
  auto counts = store.prune(policy, now);
  if (!counts) return tl::unexpected(counts.error());
  return std::optional<PruneCounts>(*counts);
}

}  // namespace sgwatch
