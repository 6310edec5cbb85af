#include "app/metrics_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "aws/loopback.h"
#include "core/time_format.h"

namespace sgwatch {
namespace {

double seconds_since_epoch(Timestamp at) {
  return std::chrono::duration<double>(at.time_since_epoch()).count();
}

const char* label_of(ReloadOutcome outcome) {
  switch (outcome) {
    case ReloadOutcome::kApplied:
      return "applied";
    case ReloadOutcome::kRefused:
      return "refused";
    case ReloadOutcome::kRolledBack:
      return "rolled_back";
  }
  return "applied";
}

const char* outcome_of(const Result<CycleOutcome>& outcome) {
  if (outcome) return "ok";
  return outcome.error().code == ErrorCode::kCancelled ? "cancelled" : "failed";
}

// Scrapes and health checks are rare and quick: two threads, not httplib's eight.
constexpr size_t kServerThreads = 2;

}  // namespace

WatchMetrics::WatchMetrics(const Clock& clock, std::string_view version)
    : clock_(clock),
      started_(clock.now()),
      cycles_(registry_.counter(
          "sgwatch_cycles_total",
          "Observation cycles by outcome: ok (every account and region read), failed (some "
          "could not be), cancelled (cut short by a stop).",
          {"outcome"})),
      scope_cycles_(registry_.counter("sgwatch_scope_cycles_total",
                                      "Observation cycles of one account and region by outcome.",
                                      {"account", "region", "outcome"})),
      cycle_duration_(
          registry_
              .gauge("sgwatch_cycle_duration_seconds", "How long the last observation cycle took.")
              .get()),
      changes_(registry_.counter(
          "sgwatch_changes_total",
          "Group changes recorded, by kind (created, deleted, modified) and by what saw them "
          "(cycle: the poll; event: an SQS event or an AWS Config notification).",
          {"kind", "source"})),
      reloads_(registry_.counter("sgwatch_config_reloads_total",
                                 "Config reloads (SIGHUP) by outcome: applied, refused (the "
                                 "config had errors) or rolled_back (it could not start).",
                                 {"outcome"})) {
  registry_.gauge("sgwatch_build_info", "Always 1; the version of sgwatch running.", {"version"})
      .with({version})
      .set(1);
  registry_.gauge("sgwatch_start_time_seconds", "When sgwatch started, in seconds since the epoch.")
      .get()
      .set(seconds_since_epoch(started_));
  // Present at 0 from the start, so rate() and increase() see the first one.
  for (const char* outcome : {"ok", "failed", "cancelled"}) cycles_.with({outcome});
  for (auto outcome :
       {ReloadOutcome::kApplied, ReloadOutcome::kRefused, ReloadOutcome::kRolledBack}) {
    reloads_.with({label_of(outcome)});
  }
  last_success_collector_ = registry_.collect(
      "sgwatch_scope_last_success_timestamp_seconds",
      "When the last successful cycle of the account and region observed it, in seconds since "
      "the epoch. Only the accounts and regions of the latest cycle.",
      MetricType::kGauge, {"account", "region"}, [this] { return last_success_samples(); });
}

void WatchMetrics::record_cycle(const std::vector<ScopeOutcome>& outcomes,
                                std::chrono::milliseconds took) {
  bool cancelled = false;
  bool failed = false;
  for (const ScopeOutcome& scope : outcomes) {
    const char* outcome = outcome_of(scope.outcome);
    scope_cycles_.with({scope.scope.account.str(), scope.scope.region.str(), outcome}).inc();
    cancelled = cancelled || outcome == std::string_view("cancelled");
    failed = failed || outcome == std::string_view("failed");
  }
  cycles_.with({cancelled ? "cancelled" : failed ? "failed" : "ok"}).inc();
  if (!cancelled) cycle_duration_.set(std::chrono::duration<double>(took).count());

  const Timestamp now = clock_.now();
  std::lock_guard lock(mutex_);
  std::map<Scope, ScopeState> seen;
  for (const ScopeOutcome& scope : outcomes) {
    auto known = scopes_.find(scope.scope);
    ScopeState state = known != scopes_.end() ? known->second : ScopeState{now, std::nullopt};
    if (scope.outcome) state.last_success = scope.outcome->snapshot.observed_at;
    seen[scope.scope] = state;
  }
  if (cancelled) {
    for (auto& [scope, state] : seen) scopes_[scope] = state;
  } else {
    scopes_ = std::move(seen);
  }
}

void WatchMetrics::record_changes(const RecordResult& recorded, std::string_view source) {
  if (recorded.baseline) return;  // what was there before sgwatch looked is no change
  for (const GroupDiff& diff : recorded.diffs) {
    changes_.with({to_string(diff.change), source}).inc();
  }
}

void WatchMetrics::record_reload(ReloadOutcome outcome) {
  reloads_.with({label_of(outcome)}).inc();
}

std::vector<MetricSample> WatchMetrics::last_success_samples() const {
  std::lock_guard lock(mutex_);
  std::vector<MetricSample> samples;
  for (const auto& [scope, state] : scopes_) {
    if (!state.last_success) continue;
    samples.push_back(
        {{scope.account.str(), scope.region.str()}, seconds_since_epoch(*state.last_success)});
  }
  return samples;
}

HealthVerdict WatchMetrics::health(std::chrono::milliseconds interval, int unhealthy_after) const {
  const Timestamp now = clock_.now();
  const auto allowed = interval * unhealthy_after;
  HealthVerdict verdict;
  verdict.starting = now - started_ <= allowed;
  bool any_late = false;
  std::lock_guard lock(mutex_);
  for (const auto& [scope, state] : scopes_) {
    const Timestamp since = state.last_success.value_or(state.first_seen);
    const bool late = now - since > allowed;
    any_late = any_late || late;
    verdict.scopes.push_back({scope, state.last_success, late});
  }
  // Past the start, no scope at all means no cycle ever finished: stuck, or nothing to watch.
  verdict.healthy = verdict.starting || (!scopes_.empty() && !any_late);
  return verdict;
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const MetricsSettings& settings,
                                                            std::chrono::milliseconds interval,
                                                            WatchMetrics& metrics) {
  std::unique_ptr<MetricsServer> server(new MetricsServer(settings, interval, metrics));
  httplib::Server& http = *server->server_;
  http.new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  http.set_tcp_nodelay(true);
  // httplib's default adds SO_REUSEPORT, which lets a second sgwatch bind the same port and
  // take half the scrapes; SO_REUSEADDR alone still rebinds at once after a reload.
  http.set_socket_options([](socket_t socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  const MetricsServer* self = server.get();
  auto send = [](const Answer& answer, httplib::Response& response) {
    response.status = answer.status;
    response.set_content(answer.body, answer.content_type.c_str());
  };
  http.Get("/metrics", [self, send](const httplib::Request&, httplib::Response& response) {
    send(self->metrics_answer(), response);
  });
  http.Get("/healthz", [self, send](const httplib::Request&, httplib::Response& response) {
    send(self->health_answer(), response);
  });
  server->port_ = settings.port == 0
                      ? http.bind_to_any_port(settings.host)
                      : (http.bind_to_port(settings.host, settings.port) ? settings.port : -1);
  if (server->port_ <= 0) {
    return fail(ErrorCode::kIo, fmt::format("the metrics server cannot listen on {}:{}",
                                            settings.host, settings.port));
  }
  server->thread_ = std::thread([&http] { http.listen_after_bind(); });
  while (!http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  spdlog::info("Serving metrics at {}/metrics and health at {}/healthz.", server->url(),
               server->url());
  if (!is_loopback_host(settings.host)) {
    spdlog::warn(
        "The metrics server listens on {}, beyond this machine: its metrics name "
        "accounts, regions, queues and alert destinations. Let only Prometheus and "
        "health checks reach it.",
        settings.host);
  }
  return server;
}

MetricsServer::MetricsServer(const MetricsSettings& settings, std::chrono::milliseconds interval,
                             WatchMetrics& metrics)
    : settings_(settings),
      interval_(interval),
      metrics_(metrics),
      server_(std::make_unique<httplib::Server>()) {}

MetricsServer::~MetricsServer() { stop(); }

void MetricsServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string MetricsServer::url() const {
  const bool v6 = settings_.host.find(':') != std::string::npos;
  return fmt::format("http://{}:{}", v6 ? "[" + settings_.host + "]" : settings_.host, port_);
}

MetricsServer::Answer MetricsServer::metrics_answer() const {
  return {200, "text/plain; version=0.0.4; charset=utf-8", metrics_.registry().render()};
}

MetricsServer::Answer MetricsServer::health_answer() const {
  const HealthVerdict verdict = metrics_.health(interval_, settings_.unhealthy_after);
  nlohmann::json body{{"status", verdict.healthy ? "ok" : "unhealthy"},
                      {"starting", verdict.starting},
                      {"scopes", verdict.scopes.size()},
                      {"interval_seconds", std::chrono::duration<double>(interval_).count()},
                      {"unhealthy_after", settings_.unhealthy_after}};
  nlohmann::json late = nlohmann::json::array();
  for (const ScopeHealth& scope : verdict.scopes) {
    if (!scope.late) continue;
    late.push_back(
        {{"account", scope.scope.account.str()},
         {"region", scope.scope.region.str()},
         {"last_success", scope.last_success ? nlohmann::json(format_utc(*scope.last_success))
                                             : nlohmann::json(nullptr)}});
  }
  if (!verdict.healthy) {
    body["late"] = std::move(late);
    if (verdict.scopes.empty()) body["reason"] = "no cycle has finished since sgwatch started";
  }
  return {verdict.healthy ? 200 : 503, "application/json", body.dump() + "\n"};
}

}  // namespace sgwatch
