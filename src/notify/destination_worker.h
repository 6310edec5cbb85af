// Delivers one destination's alerts from the outbox, in passes: each pass reads the
// destination's pending rows and sends what is due. Rows of one group go out in queueing
// order: a group whose oldest pending row waits for a retry holds its later rows back, and
// other groups go on. A change row is sent together with the later change rows of its group
// observed before its coalescing window closed (created_at < its deliver_after), as one
// alert; with a window of 0 every change goes alone.
//
// Outcomes are written to the store after each send: delivered; pending with the next
// attempt time (Retry-After when the destination gave one, else retry_delay()); or failed
// with the reason (a Fatal outcome, or a Retry after max_age).
//
// Thread-safety: one pass at a time per worker; the store must be safe to share with the
// threads that queue alerts (LockedStore).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/metrics.h"
#include "notify/outbox_settings.h"
#include "notify/sinks/sink.h"
#include "state/store.h"

namespace sgwatch {

struct DeliveryPass {
  size_t delivered = 0;  // alerts the destination accepted
  size_t retried = 0;    // alerts left pending for a later try
  size_t failed = 0;     // alerts given up
  size_t waiting = 0;    // rows still pending after the pass (a retry or a window not due)
  // When the earliest row still pending becomes due; nullopt when none is pending.
  std::optional<Timestamp> next_due;
};

class DestinationWorker {
 public:
  // `random` gives numbers in [0, 1) for the jitter; tests fix it. `metrics` (may be null)
  // counts each send's outcome (sgwatch_alerts_total) and must outlive the worker.
  DestinationWorker(std::string destination, Sink& sink, Store& store, OutboxSettings settings,
                    std::function<double()> random, Metrics* metrics = nullptr);

  // One pass. The clock is read before each send and after it: waits run from the answer,
  // so a slow destination's send time is not taken out of its backoff. `stopping` is asked
  // before each send: a stop leaves the rest pending. `ignore_windows`: send rows whose
  // coalescing window is still open (a one-shot run that will not be there when it closes).
  Result<DeliveryPass> deliver_due(const Clock& clock, const std::function<bool()>& stopping,
                                   bool ignore_windows = false);

  const std::string& destination() const { return destination_; }

 private:
  // The rows' new state after `alert` (composed of them) met `outcome`; logs it.
  std::vector<DeliveryRecord> outcome_records(const std::vector<OutboxEntry>& batch,
                                              const Alert& alert, const DeliveryOutcome& outcome,
                                              Timestamp now, DeliveryPass& pass);

  std::string destination_;
  Sink& sink_;
  Store& store_;
  OutboxSettings settings_;
  std::function<double()> random_;
  // The destination's sgwatch_alerts_total by outcome; null when not counted.
  Counter* delivered_ = nullptr;
  Counter* retried_ = nullptr;
  Counter* failed_ = nullptr;
};

}  // namespace sgwatch
