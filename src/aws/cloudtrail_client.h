// CloudTrail's LookupEvents, as sgwatch uses it to find who changed a security group: every
// event of one account and region in a time window, filtered by one lookup attribute (by
// default ReadOnly=false, since sgwatch's own Describe calls are read-only and would
// otherwise bury the changes), all pages read.
//
// A lookup is all or nothing: a page that fails, or is not the expected shape, fails the
// whole lookup, so a partial answer is never taken for a complete one. Pages are paced by
// a RequestRateLimiter (LookupEvents allows two requests per second per account and
// region); throttles that still happen are retried by the QueryClient's retry policy.
//
// Thread-safe if the QueryClient is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.h"
#include "aws/query_client.h"
#include "aws/request_rate_limiter.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/ids.h"

namespace sgwatch {

struct TrailLookup {
  // Always set it: Region has no empty value, and this default exists only so that a
  // lookup can be filled in field by field.
  Region region = *Region::parse("us-east-1");
  Timestamp start;  // inclusive bounds on eventTime; start <= end
  Timestamp end;
  std::string attribute_key = "ReadOnly";  // exactly one lookup attribute
  std::string attribute_value = "false";   // writes only: sgwatch's Describe calls are read-only
  // At most this many pages (0: every page). A lookup cut short says so (complete = false):
  // what it holds is only the newest part of the window.
  int max_pages = 0;
};

struct LookedUpEvent {
  std::string event_id;    // EventId
  std::string event_name;  // EventName
  Timestamp event_time;    // EventTime (epoch seconds as a JSON number, possibly fractional)
  std::string record;      // CloudTrailEvent: the full record as JSON text, not parsed here
};

struct TrailLookupResult {
  // Every page, deduplicated by event id, in the order served (newest first).
  std::vector<LookedUpEvent> events;
  int pages = 0;  // LookupEvents calls made (the call budget)
  bool complete = true;  // false: max_pages was reached with more pages to read
};

// The seam the attribution code uses; tests fake it.
class TrailApi {
 public:
  virtual ~TrailApi() = default;
  // Every event in the window: all pages (NextToken re-sent with exactly the same
  // parameters), MaxResults 50. `account` keys the rate limit (2 requests/s per account
  // and region); the credentials must be that account's.
  virtual Result<TrailLookupResult> lookup_events(const AwsCredentials& credentials,
                                                  const AccountId& account,
                                                  const TrailLookup& lookup) = 0;
};

class CloudTrailClient final : public TrailApi {
 public:
  // Both must outlive the client. The limiter is shared by every client that calls
  // LookupEvents, so that together they keep to the limit.
  CloudTrailClient(QueryClient& client, RequestRateLimiter& limiter);

  Result<TrailLookupResult> lookup_events(const AwsCredentials& credentials,
                                          const AccountId& account,
                                          const TrailLookup& lookup) override;

 private:
  QueryClient& client_;
  RequestRateLimiter& limiter_;
};

// --- The two halves of one page, public for tests. ---

// The LookupEvents request body for `lookup`, with `next_token` unless it is empty.
std::string lookup_events_request(const TrailLookup& lookup, const std::string& next_token);

struct LookupEventsPage {
  std::vector<LookedUpEvent> events;
  std::string next_token;  // "" on the last page
};

// Reads one LookupEvents response body. Anything not of the documented shape (not JSON,
// no Events list, an event without a string EventId, EventName or CloudTrailEvent, an
// EventTime that is not a number of epoch seconds, a NextToken that is not a string) is an
// error naming where.
Result<LookupEventsPage> parse_lookup_events_page(std::string_view body);

}  // namespace sgwatch
