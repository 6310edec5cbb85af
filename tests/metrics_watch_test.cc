// Metrics and health end to end, against the emulator: what `sgwatch watch` builds for one
// config (the cycle setup, with WatchMetrics given, and the metrics server) runs its
// cycles here, one at a time, on a clock the test moves. /metrics then counts what the
// cycles, AWS and the alert destinations did, and /healthz follows the scope's successes.
#include <httplib.h>

#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "app/config_schema.h"
#include "app/cycle_setup.h"
#include "app/metrics_server.h"
#include "app/observe_config.h"
#include "aws/curl_transport.h"
#include "aws/query_client.h"
#include "aws/retry_policy.h"
#include "background_watch.h"  // wait_until
#include "config/config_loader.h"
#include "core/env.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "emulator_env.h"
#include "offset_clock.h"
#include "scoped_env.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"
#include "webhook_receiver.h"

namespace sgwatch::metrics_watch_test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAccount = "111122223333";
constexpr const char* kRegion = "eu-west-1";

// The value of the sample spelled `series` (name and labels, as rendered), or -1.
double sample(const std::string& exposition, const std::string& series) {
  const std::string prefix = series + " ";
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(prefix)) return std::stod(line.substr(prefix.size()));
  }
  return -1;
}

class MetricsWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The pieces log as `watch` would. A command run by an earlier test may have left the
    // default logger writing to a stream that is gone: log to stderr instead.
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "sgwatch", std::make_shared<spdlog::sinks::stderr_sink_mt>()));
    emulator::EmulatorOptions options;
    options.regions = {kRegion};
    auto started = emulator::Emulator::start(options, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    ASSERT_TRUE(emulator::apply_seed(*emulator_, emulator::default_seed()));
    testing::use_emulator(env_, emulator_->endpoint(), dir_,
                          {"AKIAEMULATORADMIN000", "emulator-admin-secret"}, kRegion);
    auto group = emulator_->ec2().create_group(
        kAccount, kRegion, "web-dept-a", "web servers", "",
        {{"NotifyOnChange", "Yes"}, {"OwnerDL", "team-a@example.com"}});
    ASSERT_TRUE(group);
    group_ = *group;
  }

  void TearDown() override {
    server_.reset();
    if (setup_) setup_->outbox->stop();
  }

  // Builds what `watch` builds for this config, as its reload loop does, and serves
  // /metrics and /healthz on a free port.
  void start_watching() {
    const std::string text =
        "[watch]\ninterval = \"60s\"\nregions = [\"eu-west-1\"]\n"
        "[attribution]\nlookup = false\n"
        "[metrics]\nlisten = \"127.0.0.1:0\"\nunhealthy_after = 2\n"
        "[health]\nscope_failures = 2\n"
        "[routing]\nowner_destinations = [\"owners\"]\ncoalesce = \"0s\"\n"
        "[[routes]]\nname = \"security team\"\ndestinations = [\"security\"]\n"
        "[[destinations]]\nname = \"security\"\ntype = \"webhook\"\nurl = \"" +
        security_.url() + "\"\n[[destinations]]\nname = \"owners\"\ntype = \"webhook\"\nurl = \"" +
        owners_.url() + "\"\n";
    ConfigLoad loaded =
        load_config_text(text, dir_.file("sgwatch.toml"), sgwatch_config_schema(), process_env());
    ASSERT_TRUE(loaded.ok());
    ctx_.global.config = std::make_shared<const ConfigTable>(std::move(*loaded.config));
    auto settings = watch_settings_from(*ctx_.global.config);
    ASSERT_TRUE(settings) << settings.error().message;
    auto store = SqliteStore::open_writer(dir_.file("store.db"));
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto setup = set_up_cycles(ctx_, *settings, *store_, stop_, nullptr, false, &metrics_);
    ASSERT_TRUE(setup) << setup.error().message;
    setup_ = std::move(*setup);
    setup_->outbox->start();
    auto metrics_settings = metrics_settings_from(*ctx_.global.config);
    ASSERT_TRUE(metrics_settings);
    auto server = MetricsServer::start(*metrics_settings, settings->interval, metrics_);
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
  }

  // One cycle, as `watch` runs it: the observer's, the health check, then the outbox woken.
  std::vector<ScopeOutcome> cycle() {
    auto outcomes = setup_->observer->run_cycle();
    setup_->health->after_cycle(outcomes);
    setup_->outbox->wake();
    return outcomes;
  }

  void open_rdp() {
    emulator::RuleRequest rdp;
    rdp.protocol = "tcp";
    rdp.from_port = rdp.to_port = 3389;
    rdp.peer.value = "0.0.0.0/0";
    ASSERT_TRUE(emulator_->ec2().authorize(kAccount, kRegion, group_, false, {rdp}));
  }

  std::string scrape() {
    httplib::Client client("127.0.0.1", server_->port());
    auto answer = client.Get("/metrics");
    EXPECT_TRUE(answer && answer->status == 200);
    return answer ? answer->body : "";
  }

  int health_status(std::string* body = nullptr) {
    httplib::Client client("127.0.0.1", server_->port());
    auto answer = client.Get("/healthz");
    if (!answer) return 0;
    if (body) *body = answer->body;
    return answer->status;
  }

  testing::OffsetClock clock_;
  std::unique_ptr<emulator::Emulator> emulator_;
  testing::TempDir dir_;
  testing::ScopedEnv env_;
  testing::WebhookReceiver security_, owners_;
  std::string group_;
  std::ostringstream out_, err_;
  CommandContext ctx_{.global = {}, .out = out_, .err = err_, .clock = clock_};
  StopSignal stop_;
  WatchMetrics metrics_{clock_, "0.1.0"};
  std::unique_ptr<SqliteStore> store_;
  std::optional<CycleSetup> setup_;
  std::unique_ptr<MetricsServer> server_;
};

TEST_F(MetricsWatchTest, CyclesChangesRequestsAndAlertsAreCountedAndTheBacklogReadFromTheStore) {
  owners_.answer_status(500);  // the owners' destination is down
  start_watching();
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(cycle().front().outcome);  // the baseline: no change
  open_rdp();
  ASSERT_TRUE(cycle().front().outcome);

  const std::string security =
      "sgwatch_alerts_total{destination=\"security\",outcome=\"delivered\"}";
  const std::string owners = "sgwatch_alerts_total{destination=\"owners\",outcome=\"retried\"}";
  // The baseline's alert and the change's reach security; the owners' send is retried.
  ASSERT_TRUE(testing::wait_until([&] {
    const std::string text = scrape();
    return sample(text, security) == 2 && sample(text, owners) >= 1;
  })) << scrape();

  const std::string text = scrape();
  EXPECT_EQ(sample(text, "sgwatch_cycles_total{outcome=\"ok\"}"), 2) << text;
  EXPECT_EQ(sample(text, "sgwatch_cycles_total{outcome=\"failed\"}"), 0);
  EXPECT_EQ(sample(text,
                   "sgwatch_scope_cycles_total{account=\"111122223333\",region=\"eu-west-1\","
                   "outcome=\"ok\"}"),
            2);
  EXPECT_EQ(sample(text, "sgwatch_changes_total{kind=\"modified\",source=\"cycle\"}"), 1);
  EXPECT_EQ(sample(text,
                   "sgwatch_aws_requests_total{service=\"ec2\","
                   "action=\"DescribeSecurityGroups\",code=\"200\"}"),
            2);
  EXPECT_EQ(sample(text, "sgwatch_alerts_total{destination=\"owners\",outcome=\"delivered\"}"), 0);
  EXPECT_EQ(sample(text, "sgwatch_outbox_pending{destination=\"owners\"}"), 1);
  EXPECT_EQ(sample(text, "sgwatch_outbox_pending{destination=\"security\"}"), 0);
  EXPECT_EQ(sample(text, "sgwatch_outbox_oldest_pending_age_seconds{destination=\"security\"}"), 0);
  EXPECT_GE(sample(text, "sgwatch_cycle_duration_seconds"), 0);

  // The backlog's age is read at each scrape, from the store and the clock.
  const double age =
      sample(text, "sgwatch_outbox_oldest_pending_age_seconds{destination=\"owners\"}");
  EXPECT_GE(age, 0);
  clock_.advance(90s);
  EXPECT_GE(sample(scrape(), "sgwatch_outbox_oldest_pending_age_seconds{destination=\"owners\"}"),
            age + 90);
}

TEST_F(MetricsWatchTest, AFailingScopeIsCountedAndHealthTurnsWithItsLastSuccess) {
  const std::string failing_scopes = "sgwatch_health_problems{problem=\"scope_failing\"}";
  start_watching();
  ASSERT_FALSE(HasFatalFailure());
  std::string body;
  EXPECT_EQ(health_status(&body), 200) << body;  // starting
  ASSERT_TRUE(cycle().front().outcome);
  const double succeeded_at = sample(scrape(),
                                     "sgwatch_scope_last_success_timestamp_seconds{account="
                                     "\"111122223333\",region=\"eu-west-1\"}");
  EXPECT_NEAR(succeeded_at, std::chrono::duration<double>(clock_.now().time_since_epoch()).count(),
              10);

  // EC2 fails every read (AWS_MAX_ATTEMPTS=1: no retry): the scope's cycles fail.
  emulator::FaultRule fault;
  fault.kind = emulator::FaultKind::kServerError;
  fault.service = "ec2";
  fault.action = "DescribeSecurityGroups";
  fault.rate = 1;
  emulator_->faults().add(fault);
  clock_.advance(60s);
  ASSERT_FALSE(cycle().front().outcome);
  std::string text = scrape();
  EXPECT_EQ(sample(text, "sgwatch_cycles_total{outcome=\"failed\"}"), 1) << text;
  EXPECT_EQ(sample(text,
                   "sgwatch_aws_requests_total{service=\"ec2\","
                   "action=\"DescribeSecurityGroups\",code=\"InternalError\"}"),
            1);
  EXPECT_EQ(sample(text,
                   "sgwatch_scope_last_success_timestamp_seconds{account=\"111122223333\","
                   "region=\"eu-west-1\"}"),
            succeeded_at);
  EXPECT_EQ(health_status(), 200);  // 60 s since the success: within 2 x 60 s
  EXPECT_EQ(sample(text, failing_scopes), 0);  // one failure of the two [health] allows

  clock_.advance(61s);
  ASSERT_FALSE(cycle().front().outcome);
  EXPECT_EQ(health_status(&body), 503);
  EXPECT_NE(body.find("\"region\":\"eu-west-1\""), std::string::npos) << body;
  EXPECT_EQ(sample(scrape(), failing_scopes), 1);

  emulator_->faults().clear();
  ASSERT_TRUE(cycle().front().outcome);
  EXPECT_EQ(health_status(&body), 200) << body;
  text = scrape();
  EXPECT_EQ(sample(text, failing_scopes), 0) << text;
  EXPECT_EQ(sample(text, "sgwatch_health_problems{problem=\"destination_failing\"}"), 0);
}

TEST_F(MetricsWatchTest, AwsRequestsAreCountedByOutcomeAndRetriesByService) {
  WatchMetrics metrics(clock_, "0.1.0");
  CurlTransport transport;
  RetryPolicy retries(3);
  std::vector<std::chrono::milliseconds> slept;
  QueryClient client(transport, clock_, process_env(), retries,
                     [&slept](std::chrono::milliseconds delay) { slept.push_back(delay); });
  client.count_into(&metrics.registry());
  const AwsCredentials credentials{"AKIAEMULATORADMIN000", "emulator-admin-secret", "", {}};
  const QueryCall describe{"ec2", kRegion, "DescribeSecurityGroups", "2016-11-15", {}};

  emulator::FaultRule throttle;
  throttle.kind = emulator::FaultKind::kThrottle;
  throttle.service = "ec2";
  throttle.nth = 1;
  throttle.times = 1;
  emulator_->faults().add(throttle);
  ASSERT_TRUE(client.call(describe, &credentials));
  emulator::FaultRule drop;
  drop.kind = emulator::FaultKind::kDrop;
  drop.service = "ec2";
  drop.nth = 1;
  drop.times = 3;
  emulator_->faults().add(drop);
  EXPECT_FALSE(client.call(describe, &credentials));

  const std::string text = metrics.registry().render();
  const std::string requests =
      "sgwatch_aws_requests_total{service=\"ec2\",action=\"DescribeSecurityGroups\",code=";
  EXPECT_EQ(sample(text, requests + "\"RequestLimitExceeded\"}"), 1) << text;
  EXPECT_EQ(sample(text, requests + "\"200\"}"), 1);
  EXPECT_EQ(sample(text, requests + "\"network\"}"), 3);
  EXPECT_EQ(sample(text, "sgwatch_aws_retries_total{service=\"ec2\"}"), 3);
  EXPECT_EQ(slept.size(), 3u);
}

}  // namespace
}  // namespace sgwatch::metrics_watch_test
