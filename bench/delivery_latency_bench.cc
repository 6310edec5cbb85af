// How long an alert takes to reach its destination once it is durably queued: from the
// moment Store::queue_alerts has committed the alert's row (what a cycle does right after
// it detects a change) to the moment the destination holds the alert. The outbox runs as
// `watch` runs it: its own worker thread per destination (Outbox::start), woken after the
// commit (Outbox::wake), coalescing 0 (a row is due when it is created), a fresh SQLite
// store in a temporary directory shared through a LockedStore.
//
// One benchmark per destination kind, each with the documented RDP story's change
// (tests/alert_documents.h) as the item, so Slack and email render a realistic message:
//   Webhook  WebhookSink to the loopback WebhookReceiver (the comparison: no rendering)
//   Slack    SlackSink to the loopback WebhookReceiver
//   Smtp     SmtpSink, plain text, to the aiosmtpd server of tests/smtp_server.h
//   Ses      SesSink to the in-process emulator (default seed), SendRawEmail signed
//
// Alerts go one at a time: the next is queued only after the destination has the previous
// one and the worker has written its outcome, so every latency is an unloaded one. The
// first alert of each run is sent but not counted (its latency is
// `first_ms`): it pays for the first connection and the first reads of the store, which a
// long-running `watch` pays once. Reported over the rest, the benchmark's argument in
// number: p50, p99 (nearest rank) and max in milliseconds.
//
// When the destination holds the alert: the HTTP receivers stamp each request as it
// arrives; the SMTP server's file of accepted messages and the emulator's SES mail are
// polled every 50 us, so those two latencies read up to about 0.1 ms late. The SMTP server
// is Python, and parses each message before it writes it down: part of its figure is the
// server's, not sgwatch's. The benchmark's own time is the whole run, the commits (each
// synced to disk) and the waits between alerts included; the counters are the result.
//
// The argument is 200 alerts; the test script's quick run, which sets
// SGWATCH_BENCH_GROUPS, sends 10 to prove the benchmark still works.
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "aws/profile_credentials.h"
#include "core/env.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "notify/email_content.h"
#include "notify/outbox.h"
#include "notify/sinks/ses_sink.h"
#include "notify/sinks/slack_sink.h"
#include "notify/sinks/smtp_sink.h"
#include "notify/sinks/webhook_sink.h"
#include "state/locked_store.h"
#include "state/sqlite_store.h"
#include "tests/alert_documents.h"
#include "tests/smtp_server.h"
#include "tests/temp_dir.h"
#include "tests/webhook_receiver.h"

namespace sgwatch::delivery_latency_bench {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Long enough for any healthy loopback send; a destination that takes longer is broken,
// and the benchmark stops with the outbox row's state rather than hanging.
constexpr milliseconds kArrivalTimeout{10000};
constexpr milliseconds kSendTimeout{5000};
constexpr std::chrono::microseconds kPollInterval{50};

// Alerts measured per destination (see the top of the file).
int64_t latency_alerts() { return std::getenv("SGWATCH_BENCH_GROUPS") ? 10 : 200; }

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

// The row a cycle queues for the documented change, reported attributed, as the n-th
// change of the group: revisions differ, so every row is its own alert with its own id.
Alert change_row(const std::string& destination, int64_t n) {
  const Scope scope{AccountId::parse("111122223333").value(), Region::parse("us-east-1").value()};
  nlohmann::json item = testing::documented_change_record();
  item["revision"] = n;
  const Timestamp now = system_clock().now();
  Alert row{.destination = destination,
            .kind = AlertKind::kChange,
            .scope = scope,
            .group = GroupId::parse("sg-0123456789abcdef0").value(),
            .revisions = {n},
            .events = {"state:attributed"},
            .severity = Severity::kCritical,
            .recipients = {"team-a@example.com"},  // the group's owner tag
            .body = item.dump(),
            .created_at = now,
            .deliver_after = now};  // coalescing 0
  row.id = alert_id(row.destination, row.kind, row.scope, row.group, row.revisions, row.events);
  return row;
}

EmailSettings email_settings() {
  return EmailSettings{.from = "sgwatch <alerts@example.com>",
                       .to = {"security@example.com"},
                       .zone = DisplayZone()};
}

// Calls `ready` every kPollInterval until it is true; when it was, or nullopt after
// kArrivalTimeout. Sleeping rather than spinning leaves the cores to the worker and the
// destination, whose time is what is measured.
std::optional<steady_clock::time_point> poll_until(const std::function<bool()>& ready) {
  const auto deadline = steady_clock::now() + kArrivalTimeout;
  while (true) {
    if (ready()) return steady_clock::now();
    if (steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
}

// Counts the complete lines appended to a file, reading only what is new on each call.
class LineCounter {
 public:
  explicit LineCounter(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~LineCounter() {
    if (fd_ >= 0) ::close(fd_);
  }
  LineCounter(const LineCounter&) = delete;
  LineCounter& operator=(const LineCounter&) = delete;

  bool open() const { return fd_ >= 0; }
  size_t lines() {
    char buffer[1 << 16];
    ssize_t got = 0;
    while ((got = ::read(fd_, buffer, sizeof buffer)) > 0) {
      lines_ += static_cast<size_t>(std::count(buffer, buffer + got, '\n'));
    }
    return lines_;
  }

 private:
  int fd_;
  size_t lines_ = 0;
};

// The destination under test. `arrival(n)` waits until it holds the n-th alert sent
// (counting from 1) and says when it got it; nullopt when it did not within the timeout.
struct Destination {
  std::string name;
  std::unique_ptr<Sink> sink;
  std::function<std::optional<steady_clock::time_point>(size_t n)> arrival;
};

std::function<std::optional<steady_clock::time_point>(size_t)> http_arrival(
    const testing::WebhookReceiver& receiver) {
  return [&receiver](size_t n) -> std::optional<steady_clock::time_point> {
    if (!receiver.wait_for_count(n, kArrivalTimeout)) return std::nullopt;
    return receiver.requests()[n - 1].received_at;
  };
}

// The deliveries' log lines are written after the destination has the alert, outside what
// is measured; at info they would bury the results.
class QuietLog {
 public:
  QuietLog() : level_(spdlog::get_level()) { spdlog::set_level(spdlog::level::warn); }
  ~QuietLog() { spdlog::set_level(level_); }

 private:
  spdlog::level::level_enum level_;
};

// What the outbox says of a row that did not arrive: its state, attempts and last error.
std::string row_state(Store& store, const std::string& id) {
  OutboxQuery query;
  query.id = id;
  auto rows = store.outbox(query);
  if (!rows || rows->empty()) return "the row is not in the outbox";
  const OutboxEntry& row = rows->front();
  return "the row is " + to_string(row.state) + " after " + std::to_string(row.attempts) +
         " attempt(s)" + (row.last_error.empty() ? "" : ": " + row.last_error);
}

void measure(benchmark::State& state, Destination destination) {
  const QuietLog quiet;
  const auto count = static_cast<size_t>(state.range(0));
  testing::TempDir dir;
  auto opened = SqliteStore::open_writer(dir.file("store.db"));
  if (!opened) {
    state.SkipWithError(("cannot open the store: " + opened.error().message).c_str());
    return;
  }
  LockedStore store(**opened);  // shared by this thread (queueing) and the worker
  std::vector<OutboxDestination> destinations;
  destinations.push_back({destination.name, std::move(destination.sink)});
  Outbox outbox(store, std::move(destinations), OutboxSettings{}, system_clock());
  outbox.start();
  // The worker's first pass runs as it starts and finds nothing. Were the first alert
  // queued meanwhile, that pass could take it before this thread has noted the commit's
  // time; in `watch` a change comes a cycle after the start.
  std::this_thread::sleep_for(milliseconds(50));

  OutboxQuery pending_rows;
  pending_rows.destination = destination.name;
  pending_rows.states = {AlertState::kPending};
  std::vector<double> latencies_ms;
  double first_ms = 0;
  for (auto _ : state) {
    for (size_t n = 1; n <= count + 1; ++n) {
      const Alert row = change_row(destination.name, static_cast<int64_t>(n));
      if (auto queued = store.queue_alerts({row}); !queued) {
        state.SkipWithError(("cannot queue an alert: " + queued.error().message).c_str());
        break;
      }
      const auto committed = steady_clock::now();
      outbox.wake();
      const auto arrived = destination.arrival(n);
      if (!arrived) {
        state.SkipWithError((destination.name + ": alert " + std::to_string(n) +
                             " did not arrive within 10 s; " + row_state(store, row.id))
                                .c_str());
        break;
      }
      const double ms = std::chrono::duration<double, std::milli>(*arrived - committed).count();
      if (n == 1) {
        first_ms = ms;
      } else {
        latencies_ms.push_back(ms);
      }
      // Idle again: the outcome written and nothing pending, so the next alert meets a
      // sleeping worker, as a change detected a while after the last one does.
      const auto idle = poll_until([&] {
        auto pending = store.outbox(pending_rows);
        return pending && pending->empty();
      });
      if (!idle) {
        state.SkipWithError((destination.name + ": alert " + std::to_string(n) +
                             " arrived but stayed pending; " + row_state(store, row.id))
                                .c_str());
        break;
      }
    }
  }
  outbox.stop();
  if (latencies_ms.size() != count) return;  // skipped, with the reason

  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto rank = [&](double percent) {
    const auto index = static_cast<size_t>(std::ceil(percent / 100.0 * count));
    return latencies_ms[std::clamp<size_t>(index, 1, count) - 1];
  };
  state.counters["alerts"] = static_cast<double>(count);
  state.counters["p50_ms"] = rank(50);
  state.counters["p99_ms"] = rank(99);
  state.counters["max_ms"] = latencies_ms.back();
  state.counters["first_ms"] = first_ms;
}

void BM_DeliveryLatencyWebhook(benchmark::State& state) {
  testing::WebhookReceiver receiver;
  auto sink = make_webhook_sink(
      WebhookOptions{.url = receiver.url("/hook"), .secret = "", .timeout = kSendTimeout},
      system_clock(), /*loopback_only=*/true);
  if (!sink) {
    state.SkipWithError(sink.error().message.c_str());
    return;
  }
  measure(state, {"webhook", std::move(*sink), http_arrival(receiver)});
}

// Real Slack takes one message per second per incoming webhook, and the sink keeps that
// pace itself (min_interval 1 s as configured): there, an alert that follows another within
// the second waits out the rest of it first. With min_interval 0 this measures the path
// alone: rendering the Block Kit message and posting it.
void BM_DeliveryLatencySlack(benchmark::State& state) {
  testing::WebhookReceiver receiver;
  auto sink = make_slack_sink(SlackOptions{.url = receiver.url("/services/T000/B000/XXXXXXXX"),
                                           .timeout = kSendTimeout,
                                           .min_interval = milliseconds(0),
                                           .zone = DisplayZone()},
                              system_clock(), /*loopback_only=*/true);
  if (!sink) {
    state.SkipWithError(sink.error().message.c_str());
    return;
  }
  measure(state, {"slack", std::move(*sink), http_arrival(receiver)});
}

// A connection per alert (the sink never reuses one), so each latency includes connecting,
// EHLO, MAIL, RCPT and DATA; the server has the message once it has written it down, just
// before it answers the DATA.
void BM_DeliveryLatencySmtp(benchmark::State& state) {
  testing::SmtpServer server;
  if (!server.running()) {
    state.SkipWithError(("no SMTP server: " + server.failure()).c_str());
    return;
  }
  auto received = std::make_shared<LineCounter>(server.messages_file());
  if (!received->open()) {
    state.SkipWithError("cannot read the SMTP server's messages");
    return;
  }
  SmtpOptions options;
  options.host = "127.0.0.1";
  options.port = server.port();
  options.tls = SmtpTls::kNone;
  options.timeout = kSendTimeout;
  measure(state, {"smtp", std::make_unique<SmtpSink>(options, email_composer(email_settings())),
                  [received](size_t n) { return poll_until([&] { return received->lines() >= n; }); }});
}

// SendRawEmail to the emulator, which verifies the signature and the sender (verified in
// us-east-1 by the default seed) before it keeps the mail. Each mail is taken out once it
// is seen, so polling copies one message at most.
void BM_DeliveryLatencySes(benchmark::State& state) {
  auto started = emulator::Emulator::start(emulator::EmulatorOptions{}, system_clock());
  if (!started) {
    state.SkipWithError(("cannot start the emulator: " + started.error()).c_str());
    return;
  }
  emulator::Emulator& aws = **started;
  if (auto seeded = emulator::apply_seed(aws, emulator::default_seed()); !seeded) {
    state.SkipWithError(("cannot seed the emulator: " + seeded.error()).c_str());
    return;
  }
  StaticProvider credentials(AwsCredentials{"AKIAEMULATORADMIN000", "emulator-admin-secret", "", {}},
                             "emulator admin");
  EnvLookup env = [endpoint = aws.endpoint()](const std::string& name) -> std::optional<std::string> {
    if (name == "AWS_ENDPOINT_URL") return endpoint;
    return std::nullopt;
  };
  auto sink = make_ses_sink(SesOptions{.region = "us-east-1", .timeout = kSendTimeout}, credentials,
                            env, system_clock(), email_composer(email_settings()),
                            /*loopback_only=*/true);
  if (!sink) {
    state.SkipWithError(sink.error().message.c_str());
    return;
  }
  measure(state, {"ses", std::move(*sink), [&aws](size_t) {
                    auto arrived = poll_until([&] { return !aws.ses().messages().empty(); });
                    aws.ses().clear_messages();
                    return arrived;
                  }});
}

BENCHMARK(BM_DeliveryLatencyWebhook)->Arg(latency_alerts())->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DeliveryLatencySlack)->Arg(latency_alerts())->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DeliveryLatencySmtp)->Arg(latency_alerts())->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DeliveryLatencySes)->Arg(latency_alerts())->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sgwatch::delivery_latency_bench
