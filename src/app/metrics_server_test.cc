#include "app/metrics_server.h"

#include <httplib.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/time_format.h"
#include "offset_clock.h"
#include "temp_dir.h"

namespace sgwatch::metrics_server_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

Scope scope(const char* account, const char* region) {
  return Scope{*AccountId::parse(account), *Region::parse(region)};
}

ScopeOutcome succeeded(const Scope& where, Timestamp at) {
  return {where, CycleOutcome{Snapshot{where, at, {}, false, {}}, {}, std::nullopt, "", {}}};
}

ScopeOutcome failed(const Scope& where) {
  return {where, tl::unexpected(Error{ErrorCode::kIo, "DescribeSecurityGroups failed"})};
}

// The exposition as Debian's python3-prometheus-client reads it: its families, each with
// its type, HELP and samples. A sample outside the family its TYPE line announced would
// come back as a family of type "unknown".
json parse_with_prometheus_client(const std::string& exposition) {
  testing::TempDir dir;
  const std::string file = dir.file("metrics.txt");
  std::ofstream(file) << exposition;
  const std::string script =
      "import json, sys\n"
      "from prometheus_client.parser import text_string_to_metric_families\n"
      "families = text_string_to_metric_families(open(sys.argv[1]).read())\n"
      "print(json.dumps([{\"name\": f.name, \"type\": f.type, \"help\": f.documentation,\n"
      "  \"samples\": [{\"name\": s.name, \"labels\": s.labels, \"value\": s.value}\n"
      "               for s in f.samples]} for f in families]))\n";
  const std::string command = "/usr/bin/python3 -c '" + script + "' " + file;
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return nullptr;
  std::string out;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  if (pclose(pipe) != 0) return nullptr;
  return json::parse(out);
}

const json* family_named(const json& families, const std::string& name) {
  for (const json& family : families) {
    if (family["name"] == name) return &family;
  }
  return nullptr;
}

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A command run by an earlier test may have left the default logger writing to a
    // stream that is gone; the server logs where it listens.
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "sgwatch", std::make_shared<spdlog::sinks::stderr_sink_mt>()));
  }

  std::unique_ptr<MetricsServer> start(WatchMetrics& metrics, int unhealthy_after = 3) {
    MetricsSettings settings{
        .enabled = true, .host = "127.0.0.1", .port = 0, .unhealthy_after = unhealthy_after};
    auto server = MetricsServer::start(settings, 60s, metrics);
    EXPECT_TRUE(server) << server.error().message;
    return server ? std::move(*server) : nullptr;
  }

  httplib::Result get(const MetricsServer& server, const std::string& path) {
    httplib::Client client("127.0.0.1", server.port());
    return client.Get(path);
  }

  json health(const MetricsServer& server, int expected_status) {
    auto answer = get(server, "/healthz");
    EXPECT_TRUE(answer);
    if (!answer) return nullptr;
    EXPECT_EQ(answer->status, expected_status) << answer->body;
    EXPECT_EQ(answer->get_header_value("Content-Type"), "application/json");
    return json::parse(answer->body);
  }

  testing::OffsetClock clock_;
  const Scope ireland_ = scope("111122223333", "eu-west-1");
  const Scope virginia_ = scope("111122223333", "us-east-1");
};

TEST_F(MetricsServerTest, ServesMetricsThatPrometheusClientParses) {
  WatchMetrics metrics(clock_, "0.1.0");
  const Timestamp observed_at = clock_.now();
  metrics.record_cycle({succeeded(ireland_, observed_at), failed(virginia_)}, 1500ms);
  metrics.registry()
      .counter("sgwatch_sqs_messages_total", "SQS messages.", {"queue", "disposition"})
      .with({"odd \"queue\"\\\nname", "done"})
      .inc(3);
  auto server = start(metrics);
  ASSERT_TRUE(server);
  EXPECT_GT(server->port(), 0);
  EXPECT_EQ(server->url(), "http://127.0.0.1:" + std::to_string(server->port()));

  auto answer = get(*server, "/metrics");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const json families = parse_with_prometheus_client(answer->body);
  ASSERT_TRUE(families.is_array()) << answer->body;
  for (const json& family : families) {
    EXPECT_NE(family["type"], "unknown") << family.dump() << "\n" << answer->body;
  }

  const json* cycles = family_named(families, "sgwatch_cycles");  // the parser drops _total
  ASSERT_NE(cycles, nullptr) << answer->body;
  EXPECT_EQ((*cycles)["type"], "counter");
  EXPECT_EQ((*cycles)["samples"], json::parse(R"([
              {"name": "sgwatch_cycles_total", "labels": {"outcome": "cancelled"}, "value": 0.0},
              {"name": "sgwatch_cycles_total", "labels": {"outcome": "failed"}, "value": 1.0},
              {"name": "sgwatch_cycles_total", "labels": {"outcome": "ok"}, "value": 0.0}])"));

  const json* scopes = family_named(families, "sgwatch_scope_cycles");
  ASSERT_NE(scopes, nullptr);
  ASSERT_EQ((*scopes)["samples"].size(), 2u);
  EXPECT_EQ((*scopes)["samples"][0]["labels"],
            json({{"account", "111122223333"}, {"region", "eu-west-1"}, {"outcome", "ok"}}));
  EXPECT_EQ((*scopes)["samples"][1]["labels"]["outcome"], "failed");

  const json* last_success = family_named(families, "sgwatch_scope_last_success_timestamp_seconds");
  ASSERT_NE(last_success, nullptr);
  EXPECT_EQ((*last_success)["type"], "gauge");
  ASSERT_EQ((*last_success)["samples"].size(), 1u);  // the failed scope never succeeded
  EXPECT_DOUBLE_EQ((*last_success)["samples"][0]["value"].get<double>(),
                   std::chrono::duration<double>(observed_at.time_since_epoch()).count());

  const json* duration = family_named(families, "sgwatch_cycle_duration_seconds");
  ASSERT_NE(duration, nullptr);
  EXPECT_EQ((*duration)["samples"][0]["value"], 1.5);

  const json* build = family_named(families, "sgwatch_build_info");
  ASSERT_NE(build, nullptr);
  EXPECT_EQ((*build)["samples"][0]["labels"]["version"], "0.1.0");
  EXPECT_EQ((*build)["samples"][0]["value"], 1.0);
  EXPECT_NE(family_named(families, "sgwatch_start_time_seconds"), nullptr);
  const json* reloads = family_named(families, "sgwatch_config_reloads");
  ASSERT_NE(reloads, nullptr);
  EXPECT_EQ((*reloads)["samples"].size(), 3u);

  // Escaped on the way out, the label value reads back exactly as it was.
  const json* messages = family_named(families, "sgwatch_sqs_messages");
  ASSERT_NE(messages, nullptr);
  EXPECT_EQ((*messages)["samples"][0]["labels"]["queue"], "odd \"queue\"\\\nname");
  EXPECT_EQ((*messages)["samples"][0]["value"], 3.0);
}

TEST_F(MetricsServerTest, HealthFollowsTheClockThroughTheGraceAndEachScopesLastSuccess) {
  WatchMetrics metrics(clock_, "0.1.0");
  auto server = start(metrics);
  ASSERT_TRUE(server);
  const Timestamp started = clock_.now();

  // Before any cycle: the grace after start.
  json body = health(*server, 200);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["starting"], true);
  EXPECT_EQ(body["scopes"], 0);
  EXPECT_EQ(body["unhealthy_after"], 3);
  EXPECT_EQ(body["interval_seconds"], 60.0);

  metrics.record_cycle({succeeded(ireland_, started), succeeded(virginia_, started)}, 2s);
  clock_.advance(170s);
  body = health(*server, 200);
  EXPECT_EQ(body["scopes"], 2);

  // Three intervals (3 x 60 s) without a success: both scopes are late.
  clock_.advance(15s);
  body = health(*server, 503);
  EXPECT_EQ(body["status"], "unhealthy");
  EXPECT_EQ(body["starting"], false);
  ASSERT_EQ(body["late"].size(), 2u);
  EXPECT_EQ(body["late"][0], json({{"account", "111122223333"},
                                   {"region", "eu-west-1"},
                                   {"last_success", format_utc(started)}}));
  EXPECT_EQ(body["late"][1]["region"], "us-east-1");

  // One recovers; the other, still failing, is the one named.
  metrics.record_cycle({succeeded(ireland_, clock_.now()), failed(virginia_)}, 2s);
  body = health(*server, 503);
  ASSERT_EQ(body["late"].size(), 1u);
  EXPECT_EQ(body["late"][0]["region"], "us-east-1");
  EXPECT_EQ(body["late"][0]["last_success"], format_utc(started));

  // A reload's config watches only Ireland: Virginia is forgotten, not late.
  metrics.record_cycle({succeeded(ireland_, clock_.now())}, 2s);
  body = health(*server, 200);
  EXPECT_EQ(body["scopes"], 1);
  EXPECT_EQ(body["starting"], false);
}

TEST_F(MetricsServerTest, AScopeFirstSeenLaterGetsItsOwnGraceAndAStopForgetsNone) {
  WatchMetrics metrics(clock_, "0.1.0");
  auto server = start(metrics, 2);
  ASSERT_TRUE(server);
  clock_.advance(10min);
  metrics.record_cycle({succeeded(ireland_, clock_.now()), failed(virginia_)}, 1s);
  json body = health(*server, 200);  // Virginia was first seen just now
  EXPECT_EQ(body["starting"], false);

  clock_.advance(90s);
  // A cycle cut short by a stop says nothing of the scopes it did not finish.
  metrics.record_cycle({succeeded(ireland_, clock_.now()),
                        {virginia_, tl::unexpected(Error{ErrorCode::kCancelled, "stopped"})}},
                       1s);
  health(*server, 200);
  clock_.advance(40s);  // 130 s since Virginia was first seen: more than 2 x 60 s
  body = health(*server, 503);
  ASSERT_EQ(body["late"].size(), 1u);
  EXPECT_EQ(body["late"][0]["region"], "us-east-1");
  EXPECT_EQ(body["late"][0]["last_success"], nullptr);
}

TEST_F(MetricsServerTest, UnhealthyWhenNoCycleFinishedAfterTheGrace) {
  WatchMetrics metrics(clock_, "0.1.0");
  auto server = start(metrics);
  ASSERT_TRUE(server);
  clock_.advance(181s);
  json body = health(*server, 503);
  EXPECT_EQ(body["reason"], "no cycle has finished since sgwatch started");
  EXPECT_EQ(body["late"], json::array());
}

TEST_F(MetricsServerTest, AnythingElseIsNotFound) {
  WatchMetrics metrics(clock_, "0.1.0");
  auto server = start(metrics);
  ASSERT_TRUE(server);
  for (const char* path : {"/", "/metrics/", "/health", "/metrics.txt"}) {
    auto answer = get(*server, path);
    ASSERT_TRUE(answer) << path;
    EXPECT_EQ(answer->status, 404) << path;
  }
  httplib::Client client("127.0.0.1", server->port());
  auto posted = client.Post("/metrics", "x", "text/plain");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 404);
}

TEST_F(MetricsServerTest, APortTakenIsAnErrorAndStopEndsServing) {
  WatchMetrics metrics(clock_, "0.1.0");
  auto first = start(metrics);
  ASSERT_TRUE(first);
  MetricsSettings same{.enabled = true, .host = "127.0.0.1", .port = first->port()};
  auto second = MetricsServer::start(same, 60s, metrics);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message,
            "the metrics server cannot listen on 127.0.0.1:" + std::to_string(first->port()));

  const int port = first->port();
  first->stop();
  first->stop();  // idempotent
  httplib::Client client("127.0.0.1", port);
  EXPECT_FALSE(client.Get("/metrics"));
}

}  // namespace
}  // namespace sgwatch::metrics_server_test
