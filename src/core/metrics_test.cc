#include "core/metrics.h"

#include <limits>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

namespace sgwatch::metrics_test {
namespace {

TEST(Metrics, RendersFamiliesByNameAndSamplesByLabelValues) {
  Metrics metrics;
  auto& requests = metrics.counter("demo_requests_total", "Requests sent.", {"service", "code"});
  requests.with({"sts", "200"}).inc();
  requests.with({"ec2", "503"}).inc();
  requests.with({"ec2", "200"}).inc(2);
  metrics.gauge("demo_pending", "Alerts not yet delivered.", {"destination"});  // no sample
  metrics.gauge("demo_start_time_seconds", "When the process started.").get().set(1700000000.123);
  metrics.gauge("demo_build_info", "The build.", {"version"}).with({"0.1.0"}).set(1);

  EXPECT_EQ(metrics.render(),
            "# HELP demo_build_info The build.\n"
            "# TYPE demo_build_info gauge\n"
            "demo_build_info{version=\"0.1.0\"} 1\n"
            "# HELP demo_requests_total Requests sent.\n"
            "# TYPE demo_requests_total counter\n"
            "demo_requests_total{service=\"ec2\",code=\"200\"} 2\n"
            "demo_requests_total{service=\"ec2\",code=\"503\"} 1\n"
            "demo_requests_total{service=\"sts\",code=\"200\"} 1\n"
            "# HELP demo_start_time_seconds When the process started.\n"
            "# TYPE demo_start_time_seconds gauge\n"
            "demo_start_time_seconds 1700000000.123\n");
}

TEST(Metrics, AFamilyAskedForAgainIsTheSameFamily) {
  Metrics metrics;
  metrics.counter("demo_cycles_total", "Cycles.", {"outcome"}).with({"ok"}).inc();
  metrics.counter("demo_cycles_total", "Cycles.", {"outcome"}).with({"ok"}).inc();
  const std::vector<std::string> labels{"ok"};
  EXPECT_EQ(metrics.counter("demo_cycles_total", "Cycles.", {"outcome"}).with(labels).value(), 2);
}

TEST(Metrics, EscapesHelpTextAndLabelValues) {
  EXPECT_EQ(escape_metric_help("a \\ b\nc \"d\""), "a \\\\ b\\nc \"d\"");
  EXPECT_EQ(escape_label_value("a \\ b\nc \"d\""), "a \\\\ b\\nc \\\"d\\\"");

  Metrics metrics;
  metrics.counter("demo_messages_total", "Messages per queue\n(by \\name\\).", {"queue"})
      .with({"odd \"queue\"\\\nname"})
      .inc();
  EXPECT_EQ(metrics.render(),
            "# HELP demo_messages_total Messages per queue\\n(by \\\\name\\\\).\n"
            "# TYPE demo_messages_total counter\n"
            "demo_messages_total{queue=\"odd \\\"queue\\\"\\\\\\nname\"} 1\n");
}

TEST(Metrics, FormatsValuesAsPrometheusReadsThem) {
  EXPECT_EQ(format_metric_value(3), "3");
  EXPECT_EQ(format_metric_value(0.25), "0.25");
  EXPECT_EQ(format_metric_value(1e21), "1e+21");
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_metric_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(Metrics, CollectedFamiliesAreAskedAtEachScrapeUntilTheirCollectorGoes) {
  Metrics metrics;
  double pending = 2;
  std::optional<MetricCollector> collector = metrics.collect(
      "demo_outbox_pending", "Alerts pending.", MetricType::kGauge, {"destination"}, [&] {
        return std::vector<MetricSample>{{{"slack"}, pending}, {{"email"}, 0}};
      });
  EXPECT_EQ(metrics.render(),
            "# HELP demo_outbox_pending Alerts pending.\n"
            "# TYPE demo_outbox_pending gauge\n"
            "demo_outbox_pending{destination=\"email\"} 0\n"
            "demo_outbox_pending{destination=\"slack\"} 2\n");
  pending = 5;
  EXPECT_NE(metrics.render().find("demo_outbox_pending{destination=\"slack\"} 5\n"),
            std::string::npos);

  // Moved, it still collects; destroyed, its family has no sample and is left out.
  MetricCollector moved = std::move(*collector);
  collector.reset();
  EXPECT_NE(metrics.render().find("slack"), std::string::npos);
  moved = MetricCollector();
  EXPECT_EQ(metrics.render(), "");
}

TEST(Metrics, ConcurrentIncrementsAreAllCounted) {
  Metrics metrics;
  auto& family = metrics.counter("demo_calls_total", "Calls.", {"worker"});
  constexpr int kThreads = 8;
  constexpr int kIncrements = 20000;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&family, t] {
        const std::string mine = std::to_string(t % 2);
        for (int i = 0; i < kIncrements; ++i) {
          family.with({"shared"}).inc();
          family.with({mine}).inc();
        }
      });
    }
  }
  EXPECT_EQ(family.with({"shared"}).value(), kThreads * kIncrements);
  EXPECT_EQ(family.with({"0"}).value() + family.with({"1"}).value(), kThreads * kIncrements);
  EXPECT_EQ(family.with({"0"}).value(), kThreads / 2 * kIncrements);
}

TEST(Metrics, ScrapesDuringIncrementsOfNewChildrenSeeWholeFamilies) {
  Metrics metrics;
  auto& family = metrics.counter("demo_calls_total", "Calls.", {"worker"});
  std::atomic<bool> done{false};
  std::jthread writer([&] {
    for (int i = 0; i < 5000; ++i) family.with({std::to_string(i % 50)}).inc();
    done = true;
  });
  while (!done) {
    const std::string text = metrics.render();
    if (text.empty()) continue;
    EXPECT_TRUE(
        text.starts_with("# HELP demo_calls_total Calls.\n# TYPE demo_calls_total counter\n"));
    EXPECT_EQ(text.back(), '\n');
  }
  writer.join();
  const std::string text = metrics.render();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2 + 50);
  EXPECT_NE(text.find("demo_calls_total{worker=\"49\"} 100\n"), std::string::npos);
}

}  // namespace
}  // namespace sgwatch::metrics_test
