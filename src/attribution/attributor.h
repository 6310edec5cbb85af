// Who made each change of a scope: after a cycle is recorded, the Attributor reads the
// scope's CloudTrail write events (one windowed LookupEvents query, all pages), keeps the
// records of security-group calls, and settles what it can of the scope's pending changes:
// attributed when every part of a change matches a call, unattributed when the wait is
// over without that. Failed calls against groups sgwatch knows are attempts.
//
// Call budget: each cycle reads the scope's write events of the last `wait + clock_skew`
// (further back while an older change is pending): ceil(writes in that window / 50)
// LookupEvents calls, at least one, per account and region. Read-only calls (including
// sgwatch's own Describe calls) are excluded by the query (ReadOnly=false), so they cost
// nothing. Overlapping windows are deduplicated by eventID in the store. A window busier
// than `max_pages` pages is read no further; instead each group with a pending change is
// looked up by its id (ResourceName) over that change's window.
//
// Thread-safety: one scope at a time per Attributor call; the store and trail client
// given must be safe to share if several scopes are attributed at once.
#pragma once

#include <vector>

#include "attribution/attribution_settings.h"
#include "aws/cloudtrail_client.h"
#include "core/scope.h"
#include "state/store.h"
#include "trail/api_call.h"

namespace sgwatch {

struct ScopeAttribution {
  std::vector<ApiCall> attempts;  // failed calls against known groups, first seen now
  // Every such call the lookup returned, seen before or not: their alerts are queued again
  // (ids make that idempotent), so an attempt found just before a crash is not lost.
  std::vector<ApiCall> attempts_in_window;
  int lookup_pages = 0;           // LookupEvents calls made
  bool by_group = false;          // the window was too busy: groups were looked up by id
  size_t events_kept = 0;         // security-group calls seen for the first time
  size_t attributed = 0;          // pending changes settled as attributed
  size_t unattributed = 0;        // pending changes whose wait ran out
};

class Attributor {
 public:
  Attributor(TrailApi& trail, Store& store, const AttributionSettings& settings);

  // For `scope`, whose cycle was recorded at `now`. A failed lookup is an error and
  // leaves every pending change as it was: not knowing is not "unattributed".
  // `related`: CloudTrail event ids a source named for the changes (AWS Config's
  // relatedEvents); each one the window's lookup did not return is looked up by its id.
  // `mode` kStoredFirst: the `related` events, which the source stored, are tried first,
  // and the lookup is made only if they leave a change pending (an event source stored the
  // calls it carried).
  enum class Mode { kLookup, kStoredFirst };
  Result<ScopeAttribution> run(const AwsCredentials& credentials, const Scope& scope,
                               Timestamp now, const std::vector<std::string>& related = {},
                               Mode mode = Mode::kLookup);

 private:
  // `pending`: the changes whose groups are looked up one by one when the window holds
  // more than max_pages pages.
  Status keep_events(const AwsCredentials& credentials, const Scope& scope, Timestamp from,
                     Timestamp now, const std::vector<ChangeEntry>& pending,
                     const std::vector<std::string>& related, ScopeAttribution& outcome);
  // `final` false: only the changes the stored calls explain are settled; the others are
  // left as they were, for the lookup to come. `only`: the calls to try, instead of every
  // stored call in the changes' windows.
  Status settle(const Scope& scope, std::vector<ChangeEntry> pending, Timestamp now,
                ScopeAttribution& outcome, bool final = true,
                const std::vector<StoredEvent>* only = nullptr);

  TrailApi& trail_;
  Store& store_;
  AttributionSettings settings_;
};

}  // namespace sgwatch
