// How long a change takes from its event becoming receivable in an SQS queue to the
// webhook holding its alert: the whole real-time path of `sgwatch watch` with an SQS
// queue, run in-process as `watch` runs (tests/cli_runner.h), against the in-process
// emulator.
//
// Department B's identity alternately authorizes and revokes tcp/8080 from 10.0.0.0/8 on
// one group, one call at a time, through SigV4-signed EC2 Query calls. The emulator's
// EventBridge-style forwarder puts each call's CloudTrail event into the queue while it
// serves the call; `watch` is long-polling that queue, reads the event, reads the group
// (DescribeSecurityGroups by id), records the change, attributes it from the event itself,
// queues the alert (coalescing 0) and delivers it to the loopback WebhookReceiver, which
// stamps its arrival. The next change is made only once the alert has arrived, so every
// latency is an unloaded one.
//
// The clock starts just before the EC2 call is sent, so each figure also holds that call's
// round trip (the message is enqueued during it): the numbers are an upper bound. The first
// change pays for first connections and first reads of the store and is not counted.
// Reported: p50, p99 (nearest rank) and max in milliseconds over the rest.
//
// The argument is 1000 changes; the test script's quick run, which sets
// SGWATCH_BENCH_GROUPS, makes 20 to prove the benchmark still works.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/curl_transport.h"
#include "aws/query_client.h"
#include "aws/retry_policy.h"
#include "emulator/emulator.h"
#include "tests/background_watch.h"
#include "tests/emulator_env.h"
#include "tests/offset_clock.h"
#include "tests/scoped_env.h"
#include "tests/shared_account_seed.h"
#include "tests/temp_dir.h"
#include "tests/webhook_receiver.h"

namespace sgwatch::sqs_latency_bench {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// The shared account of the end-to-end tests (tests/shared_account_seed.h).
constexpr const char* kAccount = testing::kSharedAccount;
constexpr const char* kRegion = testing::kSharedRegion;
constexpr milliseconds kArrivalTimeout{10000};

int64_t changes_to_make() { return std::getenv("SGWATCH_BENCH_GROUPS") ? 20 : 1000; }

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::max<size_t>(rank, 1) - 1];
}

void BM_SqsEventToWebhookAlert(benchmark::State& state) {
  const int64_t changes = state.range(0);
  std::vector<double> latencies;
  double first_ms = 0;
  for (auto _ : state) {
    testing::OffsetClock clock;
    auto emulator = testing::start_shared_account(clock);
    if (!emulator) return state.SkipWithError(emulator.error().c_str());
    auto group = (*emulator)->ec2().create_group(kAccount, kRegion, "web", "web servers", "", {});
    if (!group) return state.SkipWithError("cannot create the group");
    auto queue = (*emulator)->sqs().create_queue(kAccount, kRegion, "sgwatch-events");
    if (!queue) return state.SkipWithError("cannot create the queue");
    (*emulator)->events().forward_to(kRegion, *(*emulator)->sqs().arn_of(*queue));

    testing::TempDir dir;
    testing::ScopedEnv env;
    testing::use_emulator(env, (*emulator)->endpoint(), dir, testing::kSgwatchIdentity,
                          kRegion);
    testing::WebhookReceiver receiver;
    const std::string config = dir.file("sgwatch.toml");
    std::ofstream(config) << "log_level = \"warn\"\n"
                          << "[routing]\ncoalesce = \"0s\"\n"
                          << "[[routes]]\nname = \"all\"\ndestinations = [\"hook\"]\n"
                          << "[[destinations]]\nname = \"hook\"\ntype = \"webhook\"\n"
                          << "url = \"" << receiver.url() << "\"\n"
                          << "[sqs]\nregion = \"" << kRegion << "\"\nqueues = [\"" << *queue
                          << "\"]\n";
    env.set("SGWATCH_CONFIG", config);
    const std::string store = dir.file("store.db");
    if (testing::run_sgwatch({"--store", store, "once", "--region", kRegion}, clock).code != 0) {
      return state.SkipWithError("the baseline failed");
    }
    testing::BackgroundWatch watch([&](StopSignal* stop) {
      return testing::run_sgwatch(
          {"--store", store, "watch", "--interval", "1h", "--region", kRegion}, clock, stop);
    });
    // Department B's calls, signed and sent as the awscli would, without its start-up.
    CurlTransport transport;
    RetryPolicy retries(1);
    const std::string endpoint = (*emulator)->endpoint();
    QueryClient client(transport, clock,
                       [endpoint](const std::string& name) -> std::optional<std::string> {
                         if (name == "AWS_ENDPOINT_URL") return endpoint;
                         return std::nullopt;
                       },
                       retries, [](milliseconds) {});
    const AwsCredentials dept_b{testing::kDeptBIdentity.access_key_id,
                                testing::kDeptBIdentity.secret_access_key, "", std::nullopt};
    // Wait until the consumer is long-polling.
    if (!testing::wait_until([&] {
          return (*emulator)->calls().calls("sqs", "ReceiveMessage") > 0;
        })) {
      return state.SkipWithError("watch never polled the queue");
    }

    // The baseline's alert went out with `once`; only change alerts are counted from here.
    const size_t baseline_alerts = receiver.count();
    std::vector<steady_clock::time_point> sent;
    for (int64_t i = 0; i < changes; ++i) {
      const char* action =
          i % 2 == 0 ? "AuthorizeSecurityGroupIngress" : "RevokeSecurityGroupIngress";
      QueryCall call{"ec2", kRegion, action, "2016-11-15",
                     {{"GroupId", *group},
                      {"IpPermissions.1.IpProtocol", "tcp"},
                      {"IpPermissions.1.FromPort", "8080"},
                      {"IpPermissions.1.ToPort", "8080"},
                      {"IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"}}};
      sent.push_back(steady_clock::now());
      if (auto made = client.call(call, &dept_b); !made) {
        return state.SkipWithError(made.error().message.c_str());
      }
      if (!receiver.wait_for_count(baseline_alerts + static_cast<size_t>(i + 1), kArrivalTimeout)) {
        std::cerr << watch.stop().err << (*emulator)->events().to_json().dump() << "\n"
                  << (*emulator)->sqs().to_json().dump() << "\n"
                  << nlohmann::json((*emulator)->calls().by_action()).dump() << "\n"
                  << testing::run_sgwatch({"--store", store, "history", *group}, clock).out
                  << testing::run_sgwatch({"--store", store, "changes"}, clock).out
                  << testing::run_sgwatch({"--store", store, "outbox", "list"}, clock).out;
        return state.SkipWithError("an alert did not arrive");
      }
    }
    std::vector<testing::ReceivedRequest> arrived = receiver.requests();
    watch.stop();
    arrived.erase(arrived.begin(), arrived.begin() + static_cast<ptrdiff_t>(baseline_alerts));
    if (arrived.size() != sent.size()) return state.SkipWithError("an alert came twice");
    for (size_t i = 0; i < sent.size(); ++i) {
      if (nlohmann::json::parse(arrived[i].body)["kind"] != "change") {
        return state.SkipWithError("an alert other than a change arrived");
      }
      const double ms =
          std::chrono::duration<double, std::milli>(arrived[i].received_at - sent[i]).count();
      if (i == 0) {
        first_ms = ms;
      } else {
        latencies.push_back(ms);
      }
    }
  }
  if (latencies.empty()) return;
  state.counters["changes"] = static_cast<double>(latencies.size());
  state.counters["first_ms"] = first_ms;
  state.counters["p50_ms"] = percentile(latencies, 0.50);
  state.counters["p99_ms"] = percentile(latencies, 0.99);
  state.counters["max_ms"] = *std::max_element(latencies.begin(), latencies.end());
}

BENCHMARK(BM_SqsEventToWebhookAlert)
    ->Arg(changes_to_make())
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace sgwatch::sqs_latency_bench
