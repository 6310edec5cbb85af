// What `sgwatch watch` tells about itself over HTTP: GET /metrics, every family in
// Prometheus's text format, and GET /healthz, whether every account and region was
// observed recently (see docs/OPERATIONS.md, "Metrics and health").
//
// Two parts with different lives. WatchMetrics lives as long as the process: it holds the
// registry every component counts into and each scope's last successful cycle, so a
// config reload restarts no counter. MetricsServer belongs to one config ([metrics]
// listen, the interval /healthz judges by) and is stopped and started again with it.
//
// /healthz: 200 while every scope of the latest cycle had a successful cycle within
// `unhealthy_after` intervals (a scope first seen counts from when it was first seen),
// and throughout the first `unhealthy_after` intervals after start; otherwise 503 naming
// the scopes late with their last success. Time is the clock WatchMetrics was given.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/metrics_config.h"
#include "app/observer.h"
#include "core/clock.h"
#include "core/metrics.h"

namespace httplib {
class Server;
}

namespace sgwatch {

// How a SIGHUP reload ended (sgwatch_config_reloads_total{outcome}).
enum class ReloadOutcome {
  kApplied,     // "applied": the new config runs
  kRefused,     // "refused": it had errors; the running config goes on
  kRolledBack,  // "rolled_back": it could not start; the previous config runs again
};

struct ScopeHealth {
  Scope scope;
  std::optional<Timestamp> last_success;  // nullopt: none since start
  bool late = false;
};

struct HealthVerdict {
  bool healthy = true;
  bool starting = false;            // within the first `unhealthy_after` intervals after start
  std::vector<ScopeHealth> scopes;  // those of the latest cycle, in scope order
};

// Thread-safe.
class WatchMetrics {
 public:
  // Registers the process's own families: sgwatch_build_info{version},
  // sgwatch_start_time_seconds (now), and sgwatch_config_reloads_total at 0.
  WatchMetrics(const Clock& clock, std::string_view version);

  Metrics& registry() { return registry_; }
  const Clock& clock() const { return clock_; }

  // After each cycle (Observer::run_cycle calls it): the cycle's and each scope's outcome,
  // the cycle's duration, and the scopes' successes. The scopes /healthz judges become
  // this cycle's, so after a reload the new accounts and regions count from its first
  // cycle and those dropped are forgotten; a cycle cut short by a stop forgets none.
  void record_cycle(const std::vector<ScopeOutcome>& outcomes, std::chrono::milliseconds took);
  // The changes one record made (none at a baseline); `source`: "cycle" or "event".
  void record_changes(const RecordResult& recorded, std::string_view source);
  void record_reload(ReloadOutcome outcome);

  HealthVerdict health(std::chrono::milliseconds interval, int unhealthy_after) const;

 private:
  struct ScopeState {
    Timestamp first_seen;
    std::optional<Timestamp> last_success;
  };
  std::vector<MetricSample> last_success_samples() const;

  const Clock& clock_;
  const Timestamp started_;
  Metrics registry_;
  CounterFamily& cycles_;
  CounterFamily& scope_cycles_;
  Gauge& cycle_duration_;
  CounterFamily& changes_;
  CounterFamily& reloads_;
  mutable std::mutex mutex_;  // guards scopes_
  std::map<Scope, ScopeState> scopes_;
  MetricCollector last_success_collector_;  // last: it reads scopes_
};

class MetricsServer {
 public:
  // Binds `settings`' address (enabled) and serves before it returns; the bound port is
  // logged, and a host beyond loopback warned about. `interval`: the cycle interval
  // /healthz judges by. `metrics` must outlive the server.
  static Result<std::unique_ptr<MetricsServer>> start(const MetricsSettings& settings,
                                                      std::chrono::milliseconds interval,
                                                      WatchMetrics& metrics);
  ~MetricsServer();  // stop()
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:9179"
  std::string url() const;

  struct Answer {
    int status = 200;
    std::string content_type;
    std::string body;
  };
  // What GET /metrics and GET /healthz answer now.
  Answer metrics_answer() const;
  Answer health_answer() const;

  // Stops serving and waits for requests in progress. Idempotent.
  void stop();

 private:
  MetricsServer(const MetricsSettings& settings, std::chrono::milliseconds interval,
                WatchMetrics& metrics);

  MetricsSettings settings_;
  std::chrono::milliseconds interval_;
  WatchMetrics& metrics_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace sgwatch
