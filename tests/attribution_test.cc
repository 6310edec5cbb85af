// Who made each change, end to end: awscli changes groups as different emulator identities,
// the emulator records CloudTrail events, and `sgwatch once` names the identity, source IP,
// user agent and event of each change; a late trail leaves a change pending until its record
// arrives, a stopped trail leaves it unattributed after the wait, and a refused call is an
// attempt. `sgwatch changes` then answers "who opened 3389". Time jumps through a shared
// clock: nothing waits in real time.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "awscli.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "emulator_env.h"
#include "offset_clock.h"
#include "scoped_env.h"
#include "temp_dir.h"

namespace sgwatch::attribution_test {
namespace {

using std::chrono::minutes;
using nlohmann::json;

constexpr const char* kAccount = "111122223333";

json seed() {
  return json::parse(R"({
    "regions": ["eu-west-1"],
    "accounts": [{
      "id": "111122223333",
      "users": [
        {"name": "sgwatch", "access_key_id": "AKIAEMULATORSGWATCH0", "secret_access_key": "sgw"},
        {"name": "admin", "access_key_id": "AKIAEMULATORADMIN000", "secret_access_key": "adm"},
        {"name": "dept-b", "access_key_id": "AKIAEMULATORDEPTB000", "secret_access_key": "dpb"},
        {"name": "intern", "access_key_id": "AKIAEMULATORINTERN00", "secret_access_key": "int",
         "deny": ["ec2:AuthorizeSecurityGroupIngress"]}
      ]
    }]
  })");
}

class AttributionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    emulator::EmulatorOptions options;
    options.regions = {"eu-west-1"};
    auto started = emulator::Emulator::start(options, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    auto seeded = emulator::apply_seed(*emulator_, seed());
    ASSERT_TRUE(seeded) << seeded.error();
    // The emulator's own pace for LookupEvents would make cycles wait in real time.
    emulator_->trail().set_lookup_rate_limit(false);
    testing::use_emulator(env_, emulator_->endpoint(), dir_, {"AKIAEMULATORSGWATCH0", "sgw"},
                          "eu-west-1");
  }

  testing::AwsCli as(const std::string& key, const std::string& secret) const {
    return testing::AwsCli(emulator_->endpoint(), key, secret);
  }

  std::string create_group(const std::string& name) {
    auto created = as("AKIAEMULATORADMIN000", "adm")
                       .run({"ec2", "create-security-group", "--group-name", name,
                             "--description", name});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    return created.json()["GroupId"];
  }

  using Outcome = testing::CliOutcome;
  Outcome sgwatch(std::vector<std::string> args) {
    args.insert(args.begin(), {"--store", dir_.file("store.db")});
    return testing::run_sgwatch(std::move(args), clock_);
  }
  Outcome once_json() { return sgwatch({"--output", "json", "once"}); }

  // The event id the emulator's trail gave the call named `event_name` on `group`.
  std::string event_id(const std::string& event_name, const std::string& group) {
    for (const auto& event : emulator_->trail().events()) {
      const auto& record = event->record;
      if (event->event_name == event_name && record.dump().find(group) != std::string::npos) {
        return event->event_id;
      }
    }
    return "";
  }

  static const json* change_of(const json& scope_doc, const std::string& group) {
    for (const json& change : scope_doc["changes"]) {
      if (change["group_id"] == group) return &change;
    }
    return nullptr;
  }

  testing::OffsetClock clock_;
  std::unique_ptr<emulator::Emulator> emulator_;
  testing::TempDir dir_;
  testing::ScopedEnv env_;
};

TEST_F(AttributionTest, NamesTheIdentityAddressAndEventOfEachChange) {
  const std::string web = create_group("web-dept-a");
  const std::string api = create_group("api-dept-a");
  const std::string db = create_group("db-dept-a");
  auto admin = as("AKIAEMULATORADMIN000", "adm");
  ASSERT_EQ(admin.run({"ec2", "authorize-security-group-ingress", "--group-id", api,
                       "--ip-permissions",
                       R"([{"IpProtocol":"tcp","FromPort":443,"ToPort":443,)"
                       R"("IpRanges":[{"CidrIp":"10.0.0.0/8","Description":"office"}]}])"})
                .exit_code,
            0);
  ASSERT_EQ(admin.run({"ec2", "authorize-security-group-ingress", "--group-id", db, "--protocol",
                       "tcp", "--port", "5432", "--cidr", "10.1.0.0/16"})
                .exit_code,
            0);
  ASSERT_EQ(once_json().code, 0);  // the baseline

  // Department B opens RDP to the world on A's group.
  auto dept_b = as("AKIAEMULATORDEPTB000", "dpb");
  auto opened = dept_b.run({"ec2", "authorize-security-group-ingress", "--group-id", web,
                            "--protocol", "tcp", "--port", "3389", "--cidr", "0.0.0.0/0"});
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  // The admin changes only a description, and moves the database port by rule id.
  ASSERT_EQ(admin.run({"ec2", "update-security-group-rule-descriptions-ingress", "--group-id", api,
                       "--ip-permissions",
                       R"([{"IpProtocol":"tcp","FromPort":443,"ToPort":443,)"
                       R"("IpRanges":[{"CidrIp":"10.0.0.0/8","Description":"head office"}]}])"})
                .exit_code,
            0);
  auto rules = admin.run({"ec2", "describe-security-group-rules", "--filters",
                          "Name=group-id,Values=" + db});
  std::string db_rule;
  const json listed_rules = rules.json();
  for (const auto& rule : listed_rules["SecurityGroupRules"]) {
    if (!rule["IsEgress"].get<bool>()) db_rule = rule["SecurityGroupRuleId"];
  }
  ASSERT_FALSE(db_rule.empty()) << rules.out;
  auto modified = admin.run(
      {"ec2", "modify-security-group-rules", "--group-id", db, "--security-group-rules",
       "SecurityGroupRuleId=" + db_rule +
           ",SecurityGroupRule={IpProtocol=tcp,FromPort=6432,ToPort=6432,CidrIpv4=10.1.0.0/16}"});
  ASSERT_EQ(modified.exit_code, 0) << modified.err;

  clock_.advance(minutes(1));
  Outcome found = once_json();
  ASSERT_EQ(found.code, 0) << found.err;
  const json scope = found.json().at(0);
  ASSERT_EQ(scope["changes"].size(), 3u) << found.out;

  const json* rdp = change_of(scope, web);
  ASSERT_NE(rdp, nullptr);
  EXPECT_EQ((*rdp)["attribution"]["state"], "attributed");
  ASSERT_EQ((*rdp)["attribution"]["calls"].size(), 1u);
  const json& call = (*rdp)["attribution"]["calls"][0];
  EXPECT_EQ(call["actor"]["arn"], "arn:aws:iam::111122223333:user/dept-b");
  EXPECT_EQ(call["actor"]["type"], "IAMUser");
  EXPECT_EQ(call["source_ip"], "127.0.0.1");
  EXPECT_TRUE(call["user_agent"].get<std::string>().starts_with("aws-cli/"));
  EXPECT_EQ(call["agent_class"], "awscli");
  EXPECT_EQ(call["event_name"], "AuthorizeSecurityGroupIngress");
  EXPECT_EQ(call["event_id"], event_id("AuthorizeSecurityGroupIngress", web));
  EXPECT_FALSE((*rdp)["findings"].empty());

  const json* description = change_of(scope, api);
  ASSERT_NE(description, nullptr);
  EXPECT_EQ((*description)["attribution"]["state"], "attributed");
  EXPECT_EQ((*description)["modified"].size(), 1u);
  EXPECT_EQ((*description)["attribution"]["calls"][0]["event_name"],
            "UpdateSecurityGroupRuleDescriptionsIngress");
  EXPECT_EQ((*description)["attribution"]["calls"][0]["actor"]["arn"],
            "arn:aws:iam::111122223333:user/admin");

  const json* moved = change_of(scope, db);
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ((*moved)["attribution"]["state"], "attributed") << moved->dump(2);
  EXPECT_EQ((*moved)["attribution"]["calls"][0]["event_name"], "ModifySecurityGroupRules");
  EXPECT_EQ((*moved)["attribution"]["calls"][0]["event_id"],
            event_id("ModifySecurityGroupRules", db));

  // The text names them too.
  Outcome listed = sgwatch({"changes", "--port", "3389", "--since", "1h"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_NE(listed.out.find(web + " (web-dept-a) modified"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("  by arn:aws:iam::111122223333:user/dept-b (IAMUser) from 127.0.0.1"
                            " with awscli"),
            std::string::npos)
      << listed.out;
  EXPECT_EQ(listed.out.find(db), std::string::npos) << "only the change that opened 3389";

  // "Who opened 3389 last week" and friends, as JSON.
  Outcome by_actor = sgwatch({"--output", "json", "changes", "--actor", "dept-b"});
  ASSERT_EQ(by_actor.code, 0) << by_actor.err;
  ASSERT_EQ(by_actor.json().size(), 1u);
  EXPECT_EQ(by_actor.json()[0]["group_id"], web);
  // A block overlaps the world and 10.0.0.0/8 too: with the port, only the database's.
  Outcome overlapping = sgwatch({"--output", "json", "changes", "--cidr", "10.1.2.0/24"});
  EXPECT_EQ(overlapping.json().size(), 3u) << overlapping.out;
  Outcome by_cidr =
      sgwatch({"--output", "json", "changes", "--cidr", "10.1.2.0/24", "--port", "6432"});
  ASSERT_EQ(by_cidr.json().size(), 1u) << by_cidr.out;
  EXPECT_EQ(by_cidr.json()[0]["group_id"], db);
  Outcome by_severity = sgwatch({"--output", "json", "changes", "--severity", "high"});
  ASSERT_EQ(by_severity.json().size(), 1u);
  EXPECT_EQ(by_severity.json()[0]["group_id"], web);
  Outcome by_group = sgwatch({"--output", "json", "changes", "--group", api, "--account", kAccount});
  ASSERT_EQ(by_group.json().size(), 1u);
  Outcome before = sgwatch({"--output", "json", "changes", "--until", "2000-01-01"});
  EXPECT_TRUE(before.json().empty());
  Outcome bad = sgwatch({"changes", "--since", "last tuesday"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("--since: 'last tuesday' is neither"), std::string::npos) << bad.err;
}

TEST_F(AttributionTest, ALateTrailLeavesAChangePendingUntilItsRecordArrives) {
  const std::string web = create_group("web-dept-a");
  const std::string api = create_group("api-dept-a");
  ASSERT_EQ(once_json().code, 0);
  emulator_->trail().set_delivery_delay(std::chrono::seconds(120));

  auto dept_b = as("AKIAEMULATORDEPTB000", "dpb");
  ASSERT_EQ(dept_b.run({"ec2", "authorize-security-group-ingress", "--group-id", web,
                        "--protocol", "tcp", "--port", "3389", "--cidr", "0.0.0.0/0"})
                .exit_code,
            0);
  ASSERT_EQ(dept_b.run({"ec2", "authorize-security-group-ingress", "--group-id", api,
                        "--protocol", "tcp", "--port", "443", "--cidr", "10.0.0.0/8"})
                .exit_code,
            0);

  clock_.advance(minutes(1));
  Outcome early = once_json();
  ASSERT_EQ(early.code, 0) << early.err;
  // RDP open to the world goes out at once, marked pending; the harmless change is held.
  const json first = early.json().at(0);
  ASSERT_EQ(first["changes"].size(), 1u) << early.out;
  EXPECT_EQ(first["changes"][0]["group_id"], web);
  EXPECT_EQ(first["changes"][0]["attribution"]["state"], "pending");
  EXPECT_TRUE(first["changes"][0]["attribution"]["calls"].empty());

  clock_.advance(minutes(2));
  Outcome late = once_json();
  ASSERT_EQ(late.code, 0) << late.err;
  const json second = late.json().at(0);
  ASSERT_EQ(second["changes"].size(), 2u) << late.out;
  for (const json& change : second["changes"]) {
    EXPECT_EQ(change["attribution"]["state"], "attributed") << change.dump(2);
    EXPECT_EQ(change["attribution"]["calls"][0]["actor"]["arn"],
              "arn:aws:iam::111122223333:user/dept-b");
  }
  EXPECT_EQ(change_of(second, web)->at("revision"), first["changes"][0]["revision"])
      << "the follow-up is of the same change";

  Outcome quiet = once_json();
  EXPECT_TRUE(quiet.json().at(0)["changes"].empty()) << "each state is reported once";
}

TEST_F(AttributionTest, AChangeOutsideTheTrailIsUnattributedAfterTheWait) {
  const std::string web = create_group("web-dept-a");
  ASSERT_EQ(once_json().code, 0);
  emulator_->trail().set_recording(false);
  ASSERT_EQ(as("AKIAEMULATORDEPTB000", "dpb")
                .run({"ec2", "authorize-security-group-ingress", "--group-id", web, "--protocol",
                      "tcp", "--port", "8080", "--cidr", "10.0.0.0/8"})
                .exit_code,
            0);

  clock_.advance(minutes(1));
  Outcome held = sgwatch({"once"});
  ASSERT_EQ(held.code, 0) << held.err;
  EXPECT_NE(held.out.find("1 changed (1 held until attributed)"), std::string::npos) << held.out;

  clock_.advance(minutes(16));
  Outcome settled = sgwatch({"once"});
  ASSERT_EQ(settled.code, 0) << settled.err;
  EXPECT_NE(settled.out.find(web + " (web-dept-a) modified"), std::string::npos) << settled.out;
  EXPECT_NE(settled.out.find("who: UNATTRIBUTED: no CloudTrail record explains this change "
                             "after 15m"),
            std::string::npos)
      << settled.out;
  Outcome listed = sgwatch({"--output", "json", "changes", "--state", "unattributed"});
  ASSERT_EQ(listed.json().size(), 1u) << listed.out;
  EXPECT_EQ(listed.json()[0]["attribution"]["lookups"], 2);
}

TEST_F(AttributionTest, ARefusedCallIsAnAttemptNotAChange) {
  const std::string web = create_group("web-dept-a");
  ASSERT_EQ(once_json().code, 0);
  auto refused = as("AKIAEMULATORINTERN00", "int")
                     .run({"ec2", "authorize-security-group-ingress", "--group-id", web,
                           "--protocol", "tcp", "--port", "22", "--cidr", "0.0.0.0/0"});
  ASSERT_NE(refused.exit_code, 0);
  ASSERT_NE(refused.err.find("UnauthorizedOperation"), std::string::npos) << refused.err;

  clock_.advance(minutes(1));
  Outcome found = once_json();
  ASSERT_EQ(found.code, 0) << found.err;
  const json scope = found.json().at(0);
  EXPECT_TRUE(scope["changes"].empty()) << found.out;
  ASSERT_EQ(scope["attempts"].size(), 1u) << found.out;
  EXPECT_EQ(scope["attempts"][0]["actor"]["arn"], "arn:aws:iam::111122223333:user/intern");
  EXPECT_EQ(scope["attempts"][0]["error_code"], "Client.UnauthorizedOperation");

  // In text, and each attempt only once.
  ASSERT_NE(as("AKIAEMULATORINTERN00", "int")
                .run({"ec2", "authorize-security-group-ingress", "--group-id", web, "--protocol",
                      "tcp", "--port", "3389", "--cidr", "0.0.0.0/0"})
                .exit_code,
            0);
  Outcome text = sgwatch({"once"});
  EXPECT_NE(text.out.find("Attempt on " + web +
                          " by arn:aws:iam::111122223333:user/intern (IAMUser) from 127.0.0.1"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(": AuthorizeSecurityGroupIngress, event "), std::string::npos);
  EXPECT_NE(text.out.find(" refused: Client.UnauthorizedOperation"), std::string::npos);
  Outcome again = sgwatch({"once"});
  EXPECT_EQ(again.out.find("Attempt on"), std::string::npos) << again.out;
}

TEST_F(AttributionTest, AnAttemptIsOneAlertThoughLaterLookupsSeeItAgain) {
  const std::string alerts = dir_.file("alerts.jsonl");
  const std::string config = dir_.file("alerts.toml");
  std::ofstream(config) << "[[routes]]\ndestinations = [\"archive\"]\n"
                        << "[[destinations]]\nname = \"archive\"\ntype = \"jsonl\"\n"
                        << "path = \"" << alerts << "\"\n";
  env_.set("SGWATCH_CONFIG", config);
  const std::string web = create_group("web-dept-a");
  ASSERT_EQ(sgwatch({"once"}).code, 0);
  ASSERT_NE(as("AKIAEMULATORINTERN00", "int")
                .run({"ec2", "authorize-security-group-ingress", "--group-id", web, "--protocol",
                      "tcp", "--port", "22", "--cidr", "0.0.0.0/0"})
                .exit_code,
            0);
  // Each run's lookup window (the last 20 minutes) holds the refused call.
  for (int run = 0; run < 3; ++run) {
    clock_.advance(minutes(1));
    ASSERT_EQ(sgwatch({"once"}).code, 0);
  }
  std::ifstream in(alerts);
  std::vector<json> attempts;
  for (std::string line; std::getline(in, line);) {
    json alert = json::parse(line);
    if (alert["kind"] == "attempt") attempts.push_back(std::move(alert));
  }
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0]["group_id"], web);
  EXPECT_EQ(attempts[0]["items"][0]["actor"]["arn"], "arn:aws:iam::111122223333:user/intern");
  EXPECT_EQ(attempts[0]["items"][0]["error_code"], "Client.UnauthorizedOperation");
}

}  // namespace
}  // namespace sgwatch::attribution_test
