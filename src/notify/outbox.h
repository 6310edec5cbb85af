// The delivery side of the outbox: a DestinationWorker per configured destination. `once`
// runs one pass of each (deliver_now); `watch` runs a thread per destination (start), each
// sleeping until its next row is due or new alerts are queued (wake).
//
// Every alert is in the store before its first send (Store::report_changes), and its
// outcome is written after each send, so a crash loses nothing: after a restart the rows
// still pending are sent. An alert can reach a destination twice only when sgwatch stopped
// between the destination's acceptance and writing it down; the alert id, which the
// destination sees (idempotency key), lets it drop the copy.
//
// Thread-safety: wake() from any thread; the rest from the owning thread. The store must be
// safe to share (LockedStore) with the threads that queue alerts.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "notify/destination_worker.h"

namespace sgwatch {

struct OutboxDestination {
  std::string name;
  std::unique_ptr<Sink> sink;
};

struct OutboxTally {
  size_t delivered = 0;
  size_t retried = 0;
  size_t failed = 0;
  size_t waiting = 0;  // still pending after the pass: retries not due yet
  size_t errors = 0;   // passes that could not read or write the store
};

class Outbox {
 public:
  // `metrics` (may be null; must outlive the outbox) counts each send's outcome, and shows
  // at each scrape what every destination is owed, read from the store:
  // sgwatch_outbox_pending and sgwatch_outbox_oldest_pending_age_seconds.
  Outbox(Store& store, std::vector<OutboxDestination> destinations, OutboxSettings settings,
         const Clock& clock, Metrics* metrics = nullptr);
  ~Outbox();  // stop()
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  bool empty() const { return destinations_.empty(); }

  // One pass per destination, now; coalescing windows still open are not waited for.
  OutboxTally deliver_now();

  // A thread per destination until stop(), which cancels the sends in flight (they are
  // recorded as retries); rows not sent stay pending for the next start.
  void start();
  void wake();
  void stop();

 private:
  struct Lane;  // one destination: its sink, worker and thread
  void run(Lane& lane);
  // At a scrape: one sample per destination configured or owed, from `value`.
  std::vector<MetricSample> backlog_samples(
      const std::function<double(const OutboxBacklog&)>& value) const;

  Store& store_;
  OutboxSettings settings_;
  const Clock& clock_;
  std::vector<OutboxDestination> destinations_;
  std::vector<std::unique_ptr<Lane>> lanes_;

  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t generation_ = 0;  // bumped by wake(): a lane that saw an older one passes again
  bool stopping_ = false;
  // Last, so a scrape stops reading the store before anything else goes.
  MetricCollector pending_collector_;
  MetricCollector age_collector_;
};

}  // namespace sgwatch
