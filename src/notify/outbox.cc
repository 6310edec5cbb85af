#include "notify/outbox.h"

#include <map>
#include <random>

#include <spdlog/spdlog.h>

namespace sgwatch {

struct Outbox::Lane {
  DestinationWorker worker;
  std::jthread thread;
};

namespace {

std::function<double()> jitter_source() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

// A pass that could not use the store is tried again after this long.
constexpr std::chrono::seconds kStoreRetry{5};
// The longest sleep without looking: bounds the effect of a clock that jumped.
constexpr std::chrono::seconds kLongestSleep{60};

}  // namespace

Outbox::Outbox(Store& store, std::vector<OutboxDestination> destinations,
               OutboxSettings settings, const Clock& clock, Metrics* metrics)
    : store_(store), settings_(settings), clock_(clock), destinations_(std::move(destinations)) {
  for (OutboxDestination& destination : destinations_) {
    lanes_.push_back(std::make_unique<Lane>(
        Lane{DestinationWorker(destination.name, *destination.sink, store_, settings_,
                               jitter_source(), metrics),
             {}}));
  }
  if (metrics == nullptr) return;
  // Read from the store at each scrape rather than counted here, so the numbers are right
  // after a restart, and count what `once` or `outbox retry` queued too.
  pending_collector_ = metrics->collect(
      "sgwatch_outbox_pending", "Alerts queued and not yet delivered nor given up, by destination.",
      MetricType::kGauge, {"destination"},
      [this] { return backlog_samples([](const OutboxBacklog& b) { return double(b.pending); }); });
  age_collector_ = metrics->collect(
      "sgwatch_outbox_oldest_pending_age_seconds",
      "How long the oldest alert pending for the destination has been queued; 0 when none is.",
      MetricType::kGauge, {"destination"}, [this] {
        const Timestamp now = clock_.now();
        return backlog_samples([now](const OutboxBacklog& b) {
          if (b.pending == 0 || b.oldest_created_at >= now) return 0.0;
          return std::chrono::duration<double>(now - b.oldest_created_at).count();
        });
      });
}

std::vector<MetricSample> Outbox::backlog_samples(
    const std::function<double(const OutboxBacklog&)>& value) const {
  auto backlogs = store_.outbox_backlog();
  if (!backlogs) {
    // Left out of the scrape rather than shown as 0: an empty outbox it may not be.
    spdlog::warn("Could not count the alerts pending for /metrics: {}", backlogs.error().message);
    return {};
  }
  std::map<std::string, OutboxBacklog> by_destination;
  for (const OutboxDestination& destination : destinations_) {
    by_destination[destination.name].destination = destination.name;
  }
  // A destination no longer configured still shows what it is owed.
  for (OutboxBacklog& backlog : *backlogs) by_destination[backlog.destination] = backlog;
  std::vector<MetricSample> samples;
  for (const auto& [name, backlog] : by_destination) samples.push_back({{name}, value(backlog)});
  return samples;
}

Outbox::~Outbox() { stop(); }

OutboxTally Outbox::deliver_now() {
  OutboxTally tally;
  for (auto& lane : lanes_) {
    auto pass = lane->worker.deliver_due(clock_, [] { return false; }, true);
    if (!pass) {
      ++tally.errors;
      spdlog::error("Could not deliver the alerts for '{}': {}", lane->worker.destination(),
                    pass.error().message);
      continue;
    }
    tally.delivered += pass->delivered;
    tally.retried += pass->retried;
    tally.failed += pass->failed;
    tally.waiting += pass->waiting;
  }
  return tally;
}

void Outbox::start() {
  for (auto& lane : lanes_) {
    lane->thread = std::jthread([this, &lane = *lane] { run(lane); });
  }
}

void Outbox::wake() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
  }
  changed_.notify_all();
}

void Outbox::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (OutboxDestination& destination : destinations_) destination.sink->cancel();
  for (auto& lane : lanes_) {
    if (lane->thread.joinable()) lane->thread.join();
  }
}

void Outbox::run(Lane& lane) {
  auto stopping = [this] {
    std::lock_guard lock(mutex_);
    return stopping_;
  };
  uint64_t seen = 0;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      seen = generation_;
    }
    std::chrono::milliseconds sleep = kLongestSleep;
    auto pass = lane.worker.deliver_due(clock_, stopping);
    if (!pass) {
      spdlog::error("Could not deliver the alerts for '{}': {}; trying again in {}s.",
                    lane.worker.destination(), pass.error().message, kStoreRetry.count());
      sleep = kStoreRetry;
    } else if (pass->next_due) {
      sleep = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(
                             *pass->next_due - clock_.now()),
                         std::chrono::milliseconds(0), sleep);
    }
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, sleep, [&] { return stopping_ || generation_ != seen; });
  }
}

}  // namespace sgwatch
