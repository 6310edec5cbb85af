// sgwatch as systemd runs it: the real binary, `watch` from the packaged example config
// against the emulator, told about through NOTIFY_SOCKET. SIGHUP after the routes were
// edited makes the new routes the ones used; a config with errors is refused and the
// running one goes on; SIGTERM stops it cleanly, and an alert its destination had not
// taken yet is still in the outbox, sent by the next run.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "child_process.h"
#include "notify_socket.h"
#include "shared_account_fixture.h"

namespace sgwatch::service_lifecycle_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kLimit = 20s;

class ServiceLifecycleTest : public testing::SharedAccountAlertsTest {
 protected:
  void SetUp() override {
    SharedAccountAlertsTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(notify_.ok());
    env_.set("NOTIFY_SOCKET", notify_.path());
    env_.set("SGWATCH_CONFIG", dir_.file("sgwatch.toml"));
  }

  void TearDown() override {
    if (child_.pid != 0) {
      kill(child_.pid, SIGKILL);
      waitpid(child_.pid, nullptr, 0);
    }
    if (log_reader_.joinable()) log_reader_.join();
    if (child_.output) std::fclose(child_.output);
  }

  // The packaged example config, with the store in the test's directory, the emulator's
  // region, and routes sending every alert to `route_to` (and owners to theirs).
  void write_example_config(const std::string& route_to, const std::string& extra = "") {
    std::ifstream example(std::string(SGWATCH_TEST_DATA_DIR) + "/../../packaging/sgwatch.toml");
    ASSERT_TRUE(example.is_open());
    std::stringstream text;
    text << example.rdbuf();
    std::string config = text.str();
    config = std::regex_replace(config, std::regex("\npath = \"[^\"]*\""),
                                "\npath = \"" + dir_.file("store.db") + "\"");
    config = std::regex_replace(config, std::regex("\nregions = \\[[^\\]]*\\]"),
                                std::string("\nregions = [\"") + kRegion + "\"]");
    config = std::regex_replace(config, std::regex("\ninterval = \"[^\"]*\""),
                                "\ninterval = \"200ms\"");
    ASSERT_NE(config.find(dir_.file("store.db")), std::string::npos) << config;
    std::ofstream(dir_.file("sgwatch.toml"))
        // The child runs on the real clock: changes are reported without waiting for
        // their CloudTrail record.
        << config << extra << "\n[attribution]\nwait = \"0s\"\n"
        << "\n[routing]\nowner_destinations = [\"owners\"]\n"
        << "coalesce = \"0s\"\n[[routes]]\ndestinations = [\"" << route_to << "\"]\n"
        << "[[destinations]]\nname = \"security\"\ntype = \"webhook\"\nurl = \""
        << security_.url() << "\"\n"
        << "[[destinations]]\nname = \"audit\"\ntype = \"webhook\"\nurl = \"" << audit_.url()
        << "\"\n"
        << "[[destinations]]\nname = \"owners\"\ntype = \"webhook\"\nurl = \"" << owners_.url()
        << "\"\n";
  }

  // Starts `sgwatch watch` and waits for it to tell systemd it is ready.
  void start_service() {
    child_ = testing::start_child({SGWATCH_BINARY, "watch"}, STDERR_FILENO);
    ASSERT_NE(child_.pid, 0);
    log_reader_ = std::thread([this] {
      char line[4096];
      while (std::fgets(line, sizeof line, child_.output) != nullptr) {
        std::lock_guard lock(log_mutex_);
        log_ += line;
      }
    });
    ASSERT_TRUE(notify_.wait_for("READY=1", kLimit)) << log();
  }

  // Sends SIGHUP and waits for the reload to finish (READY=1 after RELOADING=1).
  void reload() {
    ASSERT_EQ(kill(child_.pid, SIGHUP), 0);
    ASSERT_TRUE(notify_.wait_for("RELOADING=1", kLimit)) << log();
    ASSERT_TRUE(notify_.wait_for("READY=1", kLimit)) << log();
  }

  // Sends SIGTERM; the exit status.
  int stop_service() {
    kill(child_.pid, SIGTERM);
    EXPECT_TRUE(notify_.wait_for("STOPPING=1", kLimit)) << log();
    int status = 0;
    waitpid(child_.pid, &status, 0);
    child_.pid = 0;
    log_reader_.join();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string log() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }

  void dept_b_opens(const std::string& port) {
    dept_b({"ec2", "authorize-security-group-ingress", "--group-id", group_, "--protocol", "tcp",
            "--port", port, "--cidr", "0.0.0.0/0"});
  }

  // Whether `receiver` got a change alert adding `port`.
  static bool has_alert_for(const testing::WebhookReceiver& receiver, int port) {
    for (const json& alert : change_alerts(receiver)) {
      for (const json& item : alert["items"]) {
        for (const json& rule : item["added"]) {
          if (rule["from_port"] == port) return true;
        }
      }
    }
    return false;
  }

  // The outbox's entries (`sgwatch outbox --all`), in the test's process.
  json outbox() {
    testing::CliOutcome listed = sgwatch({"--output", "json", "outbox", "--all"});
    EXPECT_EQ(listed.code, 0) << listed.err;
    return json::parse(listed.out);
  }

  testing::WebhookReceiver audit_;
  testing::NotifySocket notify_{dir_.file("notify")};
  testing::ChildProcess child_;
  std::thread log_reader_;
  std::mutex log_mutex_;
  std::string log_;
};

TEST_F(ServiceLifecycleTest, SighupMakesTheEditedRoutesTakeEffectAndSigtermLosesNothing) {
  write_example_config("security");
  ASSERT_EQ(sgwatch({"once"}).code, 0);  // the baseline
  start_service();

  dept_b_opens("3389");
  ASSERT_TRUE(testing::wait_until([&] { return has_alert_for(security_, 3389); }, kLimit))
      << log();

  // The routes now send to the audit webhook instead.
  write_example_config("audit");
  reload();
  dept_b_opens("22");
  ASSERT_TRUE(testing::wait_until([&] { return has_alert_for(audit_, 22); }, kLimit)) << log();

  // A config with errors is refused; the one running goes on.
  std::ofstream(dir_.file("sgwatch.toml"), std::ios::app) << "\n[sqs]\nqueuess = []\n";
  reload();
  EXPECT_TRUE(testing::wait_until([&] {
    return log().find("The config was not reloaded") != std::string::npos &&
           log().find("queuess") != std::string::npos;
  }, kLimit)) << log();

  // The audit webhook fails; the alert waits in the outbox through the shutdown.
  audit_.answer_status(500);
  const size_t tried = audit_.count();
  dept_b_opens("3306");
  ASSERT_TRUE(testing::wait_until([&] { return audit_.count() > tried; }, kLimit)) << log();
  EXPECT_EQ(stop_service(), 0) << log();
  EXPECT_NE(log().find("Reloaded the config"), std::string::npos) << log();

  write_example_config("audit");  // without the error, for the commands below
  const json entries = outbox();
  size_t to_security = 0;
  std::vector<std::string> pending_for_audit;
  for (const json& entry : entries) {
    if (entry["kind"] != "change") continue;
    if (entry["destination"] == "security") ++to_security;
    if (entry["destination"] == "audit" && entry["state"] == "pending") {
      pending_for_audit.push_back(entry["id"]);
    }
  }
  EXPECT_EQ(to_security, 1u) << entries.dump(2);  // only the change before the reload
  ASSERT_EQ(pending_for_audit.size(), 1u) << entries.dump(2);
  EXPECT_FALSE(has_alert_for(security_, 22));

  // The next run sends what was left, without waiting out its retry delay.
  audit_.answer_ok();
  ASSERT_EQ(sgwatch({"outbox", "retry", pending_for_audit.front()}).code, 0);
  EXPECT_EQ(sgwatch({"once"}).code, 0);
  EXPECT_TRUE(testing::wait_until([&] {
    for (const json& entry : outbox()) {
      if (entry["destination"] == "audit" && entry["state"] != "delivered") return false;
    }
    return true;
  }, kLimit)) << outbox().dump(2);
}

TEST_F(ServiceLifecycleTest, ABadConfigAtStartExits78SoSystemdDoesNotRestartIt) {
  write_example_config("security", "\n[sqs]\nqueuess = []\n");
  child_ = testing::start_child({SGWATCH_BINARY, "watch"}, STDERR_FILENO);
  ASSERT_NE(child_.pid, 0);
  int status = 0;
  waitpid(child_.pid, &status, 0);
  child_.pid = 0;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 78);
  EXPECT_FALSE(notify_.receive(0ms).has_value());  // never said it was ready
}

}  // namespace
}  // namespace sgwatch::service_lifecycle_test
