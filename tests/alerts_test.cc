// Alerts end to end: `sgwatch once` against the emulator, with webhook and jsonl
// destinations on this machine. Department B adds RDP from the world to groups with
// different owner tags; routing decides who hears of it, the outbox delivers, and
// `sgwatch outbox` shows what a failing destination still owes.
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "emulator_env.h"
#include "emulator_fixture.h"
#include "notify/alert.h"
#include "scoped_env.h"
#include "state/sqlite_store.h"
#include "temp_dir.h"
#include "webhook_receiver.h"

namespace sgwatch::alerts_test {
namespace {

constexpr const char* kAccount = "111122223333";
constexpr const char* kRegion = "eu-west-1";

class AlertsTest : public testing::EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    if (HasFatalFailure()) return;
    testing::use_emulator(env_, emulator_->endpoint(), dir_,
                          {"AKIAEMULATORADMIN000", "emulator-admin-secret"}, kRegion);
    team_a_ = create_group("web-dept-a", {{"NotifyOnChange", "Yes"},
                                          {"OwnerDL", "team-a@example.com; lead-a@example.com"}});
    quiet_ = create_group("batch-dept-c", {{"NotifyOnChange", "no"},
                                           {"OwnerDL", "team-c@example.com"}});
    unowned_ = create_group("legacy", {});
  }

  std::string create_group(const std::string& name, const emulator::Tags& tags) {
    auto id = emulator_->ec2().create_group(kAccount, kRegion, name, name + " servers", "", tags);
    EXPECT_TRUE(id);
    return id ? *id : "";
  }

  void open_rdp(const std::string& group) {
    emulator::RuleRequest rdp;
    rdp.protocol = "tcp";
    rdp.from_port = rdp.to_port = 3389;
    rdp.peer.value = "0.0.0.0/0";
    ASSERT_TRUE(emulator_->ec2().authorize(kAccount, kRegion, group, false, {rdp}));
  }

  // Every alert goes to `security`; owners hear through `owners`; groups without an owner
  // through the `unowned` file.
  void write_config(const std::string& extra = "") {
    const std::string path = dir_.file("sgwatch.toml");
    std::ofstream(path) << "[attribution]\nlookup = false\n"
                        << "[routing]\nowner_destinations = [\"owners\"]\n"
                        << "fallback = [\"unowned\"]\ncoalesce = \"0s\"\n"
                        << "[[routes]]\nname = \"security team\"\ndestinations = [\"security\"]\n"
                        << "[[destinations]]\nname = \"security\"\ntype = \"webhook\"\n"
                        << "url = \"" << security_.url("/hooks/T000/SECRET") << "\"\n"
                        << "secret = \"shared-key\"\n"
                        << "[[destinations]]\nname = \"owners\"\ntype = \"webhook\"\n"
                        << "url = \"" << owners_.url() << "\"\n"
                        << "[[destinations]]\nname = \"unowned\"\ntype = \"jsonl\"\n"
                        << "path = \"" << dir_.file("unowned.jsonl") << "\"\n"
                        << extra;
    chmod(path.c_str(), 0600);
    env_.set("SGWATCH_CONFIG", path);
  }

  testing::CliOutcome sgwatch(std::vector<std::string> args) {
    args.insert(args.begin(), {"--store", dir_.file("store.db")});
    return testing::run_sgwatch(std::move(args), clock_);
  }

  // The alert documents a receiver got, by kind.
  static std::vector<nlohmann::json> documents(const testing::WebhookReceiver& receiver,
                                               const std::string& kind) {
    std::vector<nlohmann::json> out;
    for (const std::string& body : receiver.bodies()) {
      auto document = nlohmann::json::parse(body);
      if (document["kind"] == kind) out.push_back(std::move(document));
    }
    return out;
  }

  testing::TempDir dir_;
  testing::ScopedEnv env_;
  testing::WebhookReceiver security_;
  testing::WebhookReceiver owners_;
  std::string team_a_, quiet_, unowned_;
};

TEST_F(AlertsTest, OwnersTheSecurityTeamAndTheFallbackEachHearWhatTheirRoutesSay) {
  write_config();
  auto baseline = sgwatch({"once"});
  ASSERT_EQ(baseline.code, 0) << baseline.err;
  // The baseline is one alert about the scope, for the routes only (no owner).
  auto baselines = documents(security_, "baseline");
  ASSERT_EQ(baselines.size(), 1u);
  EXPECT_EQ(baselines[0]["account"], kAccount);
  EXPECT_GE(baselines[0]["items"][0]["groups"], 4);
  EXPECT_EQ(owners_.count(), 0u);

  open_rdp(team_a_);
  open_rdp(quiet_);
  open_rdp(unowned_);
  auto changed = sgwatch({"once"});
  ASSERT_EQ(changed.code, 0) << changed.err;

  // The security team hears of all three, each once, as critical, signed.
  auto changes = documents(security_, "change");
  ASSERT_EQ(changes.size(), 3u);
  std::set<std::string> groups;
  for (const auto& document : changes) {
    groups.insert(document["group_id"]);
    EXPECT_EQ(document["schema"], "sgwatch.alert.v1");
    EXPECT_EQ(document["severity"], "critical");
    EXPECT_EQ(document["recipients"], nlohmann::json::array());
    ASSERT_EQ(document["items"].size(), 1u);
    EXPECT_EQ(document["items"][0]["added"][0]["from_port"], 3389);
  }
  EXPECT_EQ(groups, (std::set<std::string>{team_a_, quiet_, unowned_}));
  for (const auto& request : security_.requests()) {
    EXPECT_EQ(request.header("Idempotency-Key"), nlohmann::json::parse(request.body)["id"]);
    EXPECT_FALSE(request.header("X-Sgwatch-Signature").empty());
  }

  // Department A's owners hear of their group only, addressed to their list;
  // NotifyOnChange=no keeps department C's owners out of it.
  auto owned = documents(owners_, "change");
  ASSERT_EQ(owned.size(), 1u);
  EXPECT_EQ(owned[0]["group_id"], team_a_);
  EXPECT_EQ(owned[0]["group_name"], "web-dept-a");
  EXPECT_EQ(owned[0]["recipients"],
            (nlohmann::json{"team-a@example.com", "lead-a@example.com"}));

  // The group nobody owns goes to the fallback file.
  std::ifstream unowned(dir_.file("unowned.jsonl"));
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(unowned, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["group_id"], unowned_);

  // Nothing is sent twice: a quiet run delivers nothing new.
  const size_t before = security_.count();
  ASSERT_EQ(sgwatch({"once"}).code, 0);
  EXPECT_EQ(security_.count(), before);
}

TEST_F(AlertsTest, AMuteRuleKeepsAnAlertFromEveryDestination) {
  write_config("[[suppress]]\nreason = \"legacy is being retired\"\ngroups = [\"legacy\"]\n");
  ASSERT_EQ(sgwatch({"once"}).code, 0);
  open_rdp(unowned_);
  open_rdp(team_a_);
  ASSERT_EQ(sgwatch({"once"}).code, 0);
  auto changes = documents(security_, "change");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0]["group_id"], team_a_);
  std::ifstream unowned(dir_.file("unowned.jsonl"));
  std::string line;
  EXPECT_FALSE(std::getline(unowned, line));
}

TEST_F(AlertsTest, AnUndeliveredAlertWaitsInTheOutboxUntilRetried) {
  write_config("[outbox]\nfirst_retry = \"1h\"\nmax_retry = \"1h\"\n");
  ASSERT_EQ(sgwatch({"once"}).code, 0);
  security_.answer_status(503);
  open_rdp(team_a_);
  auto failing = sgwatch({"once"});
  EXPECT_EQ(failing.code, 1);  // an alert is still owed
  // The failure is named without the webhook's secret path.
  EXPECT_EQ(failing.err.find("SECRET"), std::string::npos) << failing.err;

  auto listed = sgwatch({"--output", "json", "outbox"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  auto pending = listed.json();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]["destination"], "security");
  EXPECT_EQ(pending[0]["state"], "pending");
  EXPECT_EQ(pending[0]["group_id"], team_a_);
  EXPECT_EQ(pending[0]["attempts"], 1);
  EXPECT_NE(pending[0]["last_error"].get<std::string>().find("503"), std::string::npos);
  const std::string id = pending[0]["id"];
  auto text = sgwatch({"outbox"});
  EXPECT_NE(text.out.find(id + " pending"), std::string::npos) << text.out;

  // The receiver is back, but the retry is an hour away: a run sends nothing, and fails
  // because an alert is still owed...
  security_.answer_ok();
  const size_t before = security_.count();
  auto waiting = sgwatch({"once"});
  EXPECT_EQ(waiting.code, 1);
  EXPECT_NE(waiting.err.find("1 alert is still owed"), std::string::npos) << waiting.err;
  EXPECT_EQ(security_.count(), before);
  // ...until someone asks for it.
  auto retried = sgwatch({"outbox", "retry", id});
  ASSERT_EQ(retried.code, 0) << retried.err;
  ASSERT_EQ(sgwatch({"once"}).code, 0);
  ASSERT_EQ(security_.count(), before + 1);
  EXPECT_EQ(security_.requests().back().header("Idempotency-Key"), id);
  EXPECT_EQ(sgwatch({"outbox"}).out, "Nothing waiting: every alert was delivered.\n");

  auto unknown = sgwatch({"outbox", "retry", "a-0000"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("there is no alert 'a-0000'"), std::string::npos);
}

TEST_F(AlertsTest, ValidateChecksEachDestinationWithoutSendingAnything) {
  write_config("[[destinations]]\nname = \"broken\"\ntype = \"jsonl\"\npath = \"" +
               dir_.file("missing-dir/alerts.jsonl") + "\"\n"
               "[[destinations]]\nname = \"plain\"\ntype = \"webhook\"\n"
               "url = \"http://hooks.example.com/T000/SECRET\"\n");
  auto checked = sgwatch({"validate"});
  EXPECT_EQ(checked.code, 1) << checked.out;  // the jsonl directory does not exist
  EXPECT_NE(checked.out.find("destination security: posts to http://127.0.0.1:"),
            std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find(", signed"), std::string::npos);
  EXPECT_NE(checked.out.find("destination unowned: appends to " + dir_.file("unowned.jsonl")),
            std::string::npos);
  EXPECT_NE(checked.out.find("destination plain: posts to http://hooks.example.com/… over "
                             "plain http: use https"),
            std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find("destination broken:"), std::string::npos);
  EXPECT_EQ(checked.out.find("SECRET"), std::string::npos) << checked.out;
  EXPECT_EQ(security_.count() + owners_.count(), 0u);
}

TEST_F(AlertsTest, ARouteToAnUndeclaredDestinationIsAConfigError) {
  write_config("[[routes]]\ndestinations = [\"pager\"]\n");
  auto refused = sgwatch({"once"});
  EXPECT_EQ(refused.code, 78) << refused.err;
  EXPECT_NE(refused.err.find("'pager', which is not a declared destination"), std::string::npos)
      << refused.err;
}

}  // namespace
}  // namespace sgwatch::alerts_test
