#include "notify/destination_worker.h"

#include <map>

#include <spdlog/spdlog.h>

#include "core/duration.h"
#include "notify/alert_document.h"

namespace sgwatch {
namespace {

std::string subject_of(const Alert& alert) {
  std::string what = to_string(alert.kind);
  if (alert.group) what += " of " + alert.group->str();
  return what + " in " + alert.scope.str();
}

constexpr std::chrono::milliseconds kShortestRetryAfter{1000};

// When a row may be sent: its coalescing window closed (the first try) or its retry is due.
Timestamp due_at(const OutboxEntry& row, Timestamp now, bool ignore_windows) {
  if (ignore_windows && row.attempts == 0) return std::min(row.next_attempt_at, now);
  return row.next_attempt_at;
}

}  // namespace

DestinationWorker::DestinationWorker(std::string destination, Sink& sink, Store& store,
                                     OutboxSettings settings, std::function<double()> random,
                                     Metrics* metrics)
    : destination_(std::move(destination)),
      sink_(sink),
      store_(store),
      settings_(settings),
      random_(std::move(random)) {
  if (metrics == nullptr) return;
  // Made at 0 up front, so a destination's first failure is a rise Prometheus can see.
  auto& sends = metrics->counter(
      "sgwatch_alerts_total",
      "Alert sends by destination and outcome: delivered, retried (to be sent again) or "
      "failed (given up). Changes coalesced into one message count once.",
      {"destination", "outcome"});
  delivered_ = &sends.with({destination_, "delivered"});
  retried_ = &sends.with({destination_, "retried"});
  failed_ = &sends.with({destination_, "failed"});
}

Result<DeliveryPass> DestinationWorker::deliver_due(const Clock& clock,
                                                    const std::function<bool()>& stopping,
                                                    bool ignore_windows) {
  OutboxQuery query;
  query.destination = destination_;
  query.states = {AlertState::kPending};
  auto rows = store_.outbox(query);
  if (!rows) return tl::unexpected(rows.error());

  // Each group's rows, in queueing order; groups in the order of their oldest row.
  std::vector<std::string> order;
  std::map<std::string, std::vector<OutboxEntry>> by_group;
  for (OutboxEntry& row : *rows) {
    std::string key = row.alert.scope.str() + "/" + (row.alert.group ? row.alert.group->str() : "");
    auto& queue = by_group[key];
    if (queue.empty()) order.push_back(key);
    queue.push_back(std::move(row));
  }

  DeliveryPass pass;
  auto note_due = [&pass](Timestamp at) {
    if (!pass.next_due || at < *pass.next_due) pass.next_due = at;
  };
  for (const std::string& key : order) {
    const std::vector<OutboxEntry>& queue = by_group[key];
    for (size_t i = 0; i < queue.size();) {
      const OutboxEntry& head = queue[i];
      const Timestamp now = clock.now();
      const Timestamp due = due_at(head, now, ignore_windows);
      if (due > now || stopping()) {
        note_due(std::max(due, now));
        pass.waiting += queue.size() - i;
        break;
      }
      std::vector<OutboxEntry> batch{head};
      size_t next = i + 1;
      if (head.alert.kind == AlertKind::kChange) {
        while (next < queue.size() && queue[next].alert.kind == AlertKind::kChange &&
               queue[next].alert.created_at < head.alert.deliver_after) {
          batch.push_back(queue[next++]);
        }
      }
      std::vector<Alert> parts;
      for (const OutboxEntry& row : batch) parts.push_back(row.alert);
      const Alert alert = compose_alert(parts);
      const DeliveryOutcome outcome = sink_.deliver(alert);
      auto records = outcome_records(batch, alert, outcome, clock.now(), pass);
      if (delivered_) {
        const AlertState state = records.front().state;
        (state == AlertState::kDelivered ? *delivered_
         : state == AlertState::kFailed  ? *failed_
                                         : *retried_)
            .inc();
      }
      if (auto kept = store_.record_deliveries(records); !kept) return tl::unexpected(kept.error());
      if (records.front().state == AlertState::kPending) {
        note_due(records.front().next_attempt_at);
        pass.waiting += queue.size() - i;
        break;  // the group's later rows wait behind this one
      }
      i = next;
    }
  }
  return pass;
}

std::vector<DeliveryRecord> DestinationWorker::outcome_records(
    const std::vector<OutboxEntry>& batch, const Alert& alert, const DeliveryOutcome& outcome,
    Timestamp now, DeliveryPass& pass) {
  const OutboxEntry& head = batch.front();
  const int attempts = head.attempts + 1;
  DeliveryRecord record{head.alert.id, AlertState::kPending, attempts, now, "", std::nullopt};
  const std::string what = fmt::format("alert {} ({}) to '{}' ({})", alert.id,
                                       subject_of(alert), destination_, sink_.describe());
  switch (outcome.kind) {
    case DeliveryOutcome::Kind::kOk:
      record.state = AlertState::kDelivered;
      record.delivered_at = now;
      ++pass.delivered;
      spdlog::info("Delivered {}{}.", what,
                   batch.size() > 1 ? fmt::format(", {} changes in one", batch.size()) : "");
      break;
    case DeliveryOutcome::Kind::kRetry:
      if (now - head.alert.created_at >= settings_.max_age) {
        record.state = AlertState::kFailed;
        record.last_error = fmt::format("gave up after {} attempts over {}: {}", attempts,
                                        format_duration(now - head.alert.created_at),
                                        outcome.reason);
        ++pass.failed;
        spdlog::error("Gave up on {}: {}", what, record.last_error);
      } else {
        // A Retry-After of 0 is taken as the shortest wait, not as leave to resend at once.
        const auto wait = outcome.retry_after
                              ? std::max(*outcome.retry_after, kShortestRetryAfter)
                              : retry_delay(attempts, settings_, random_());
        record.next_attempt_at = now + wait;
        record.last_error = outcome.reason;
        ++pass.retried;
        spdlog::warn("Could not deliver {} (attempt {}): {}; trying again in {}{}.", what,
                     attempts, outcome.reason, format_duration(wait),
                     outcome.retry_after ? ", as the destination asked" : "");
      }
      break;
    case DeliveryOutcome::Kind::kFatal:
      record.state = AlertState::kFailed;
      record.last_error = outcome.reason;
      ++pass.failed;
      spdlog::error("The destination refused {}: {}. It is kept as failed: `sgwatch outbox` "
                    "lists it, `sgwatch outbox retry ID` sends it again.",
                    what, outcome.reason);
      break;
  }
  std::vector<DeliveryRecord> records;
  for (const OutboxEntry& row : batch) {
    DeliveryRecord copy = record;
    copy.id = row.alert.id;
    copy.attempts = row.attempts + 1;
    records.push_back(std::move(copy));
  }
  return records;
}

}  // namespace sgwatch
