// What the outbox costs per alert, without the network: N alerts (SGWATCH_BENCH_ALERTS,
// default 10,000; a tenth of SGWATCH_BENCH_GROUPS when the test script sets that) over 100
// groups are queued into a fresh SQLite store in batches of 50 (a busy cycle's worth), then
// delivered in one worker pass to a destination that accepts everything at once. Both
// phases write to the store: queueing one transaction per batch, delivery one per alert
// (an outcome is recorded before the next send). Reported: microseconds per alert for each.
// BM_OutboxBacklog: what counting what each destination owes costs (the health check's read).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "notify/destination_worker.h"
#include "state/sqlite_store.h"

namespace sgwatch::outbox_bench {
namespace {

size_t alert_count() {
  if (const char* text = std::getenv("SGWATCH_BENCH_ALERTS")) return std::strtoul(text, nullptr, 10);
  if (const char* text = std::getenv("SGWATCH_BENCH_GROUPS")) {
    return std::max<size_t>(std::strtoul(text, nullptr, 10) / 10, 100);
  }
  return 10'000;
}

class AcceptingSink final : public Sink {
 public:
  DeliveryOutcome deliver(const Alert& alert) override {
    bytes += alert.body.size();
    return DeliveryOutcome::ok();
  }
  std::string describe() const override { return "accepting"; }
  size_t bytes = 0;
};

// Queues `count` pending alerts over 100 groups, spread over `destinations`, in batches of
// 50 (a busy cycle's worth), all queued at `first`.
bool queue_alerts(Store& store, size_t count, const std::vector<std::string>& destinations,
                  Timestamp first) {
  const Scope scope{AccountId::parse("111122223333").value(), Region::parse("eu-west-1").value()};
  // A change record's size, roughly: the body is copied and stored, never parsed here.
  const std::string body =
      "{\"schema\":\"sgwatch.change.v1\",\"items\":\"" + std::string(900, 'x') + "\"}";
  std::vector<Alert> batch;
  for (size_t i = 0; i < count; ++i) {
    char group[32];
    std::snprintf(group, sizeof group, "sg-%017zx", i % 100);
    const std::string& destination = destinations[i % destinations.size()];
    Alert alert{.destination = destination,
                .scope = scope,
                .group = GroupId::parse(group).value(),
                .revisions = {static_cast<int64_t>(i + 1)},
                .body = body,
                .created_at = first,
                .deliver_after = first};
    alert.id = alert_id(destination, alert.kind, scope, alert.group, alert.revisions, {});
    batch.push_back(std::move(alert));
    if (batch.size() == 50 || i + 1 == count) {
      if (!store.queue_alerts(batch)) return false;
      batch.clear();
    }
  }
  return true;
}

void BM_OutboxQueueAndDeliver(benchmark::State& state) {
  const size_t count = alert_count();
  const Timestamp now{std::chrono::milliseconds(1'796'000'000'000)};
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sgwatch-outbox-bench-" + std::to_string(getpid()));
  double queue_us = 0, deliver_us = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    auto store = SqliteStore::open_writer((dir / "store.db").string()).value();
    AcceptingSink sink;
    DestinationWorker worker("hook", sink, *store, OutboxSettings{}, [] { return 0.5; });
    state.ResumeTiming();

    const auto started = std::chrono::steady_clock::now();
    if (!queue_alerts(*store, count, {"hook"}, now)) state.SkipWithError("queueing failed");
    const auto queued = std::chrono::steady_clock::now();
    ManualClock clock(now);
    auto pass = worker.deliver_due(clock, [] { return false; });
    const auto delivered = std::chrono::steady_clock::now();
    if (!pass || pass->delivered != count) state.SkipWithError("not every alert was delivered");
    queue_us += std::chrono::duration<double, std::micro>(queued - started).count() / count;
    deliver_us += std::chrono::duration<double, std::micro>(delivered - queued).count() / count;
  }
  std::filesystem::remove_all(dir);
  state.counters["alerts"] = static_cast<double>(count);
  state.counters["queue_us_per_alert"] = queue_us / state.iterations();
  state.counters["deliver_us_per_alert"] = deliver_us / state.iterations();
}
BENCHMARK(BM_OutboxQueueAndDeliver)->Unit(benchmark::kMillisecond)->Iterations(3);

// What the health check reads after every cycle: each destination's pending count and
// oldest alert, with N alerts owed to three destinations (a long outage). Timed: the
// store's counting query; `rows_ms` is the generic way, reading every pending row whole.
void BM_OutboxBacklog(benchmark::State& state) {
  const size_t count = alert_count();
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("sgwatch-backlog-bench-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  auto store = SqliteStore::open_writer((dir / "store.db").string()).value();
  if (!queue_alerts(*store, count, {"slack", "owners", "soc"},
                    Timestamp{std::chrono::milliseconds(1'796'000'000'000)})) {
    state.SkipWithError("queueing failed");
  }
  for (auto _ : state) {
    auto backlog = store->outbox_backlog();
    if (!backlog || backlog->size() != 3) state.SkipWithError("the backlog was not counted");
    benchmark::DoNotOptimize(backlog);
  }
  const auto started = std::chrono::steady_clock::now();
  auto rows = store->Store::outbox_backlog();
  const auto read = std::chrono::steady_clock::now();
  if (!rows || rows->size() != 3) state.SkipWithError("the rows were not read");
  store.reset();
  std::filesystem::remove_all(dir);
  state.counters["alerts"] = static_cast<double>(count);
  state.counters["rows_ms"] = std::chrono::duration<double, std::milli>(read - started).count();
}
BENCHMARK(BM_OutboxBacklog)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sgwatch::outbox_bench
