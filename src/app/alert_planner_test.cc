// From a reported change, attempt or baseline to outbox rows: routing applied, ids that do
// not change when recomputed, bodies that carry the change record.
#include "app/alert_planner.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/config_schema.h"
#include "builders.h"
#include "config/config_loader.h"
#include "core/time_format.h"

namespace sgwatch::alert_planner_test {
namespace {

using testing::documented_rdp_change;

NotifySettings settings_of(const std::string& text) {
  ConfigLoad loaded = load_config_text(text, "sgwatch.toml", sgwatch_config_schema(),
                                       [](const std::string&) { return std::nullopt; });
  EXPECT_TRUE(loaded.ok()) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].str());
  auto settings = notify_settings_from(*loaded.config);
  EXPECT_TRUE(settings) << settings.error().message;
  return settings.value_or(NotifySettings{});
}

constexpr const char* kConfig = R"(
[routing]
owner_destinations = ["owners"]
fallback = ["triage"]
coalesce = "10s"
[[routes]]
min_severity = "high"
destinations = ["security"]
[[suppress]]
actors = ["arn:aws:iam::111122223333:user/deployer"]
reason = "the deployment pipeline"
[[destinations]]
name = "security"
type = "webhook"
url = "https://hooks.example.com/security"
[[destinations]]
name = "owners"
type = "jsonl"
path = "owners.jsonl"
[[destinations]]
name = "triage"
type = "jsonl"
path = "triage.jsonl"
)";

ChangeView rdp_view(std::map<std::string, std::string> tags, std::string actor = "") {
  auto change = documented_rdp_change();
  change.after.tags = std::move(tags);
  change.before.tags = change.after.tags;
  const Timestamp observed = parse_time("2026-11-27T09:14:00Z").value();
  ChangeView view{ChangeEntry{42, Scope{change.after.owner, testing::region("eu-west-1")},
                              change.after.id, observed - std::chrono::minutes(1), observed,
                              AttributionState::kAttributed, {}, 1, false, std::nullopt},
                  *diff(&change.before, &change.after), change.after, {}};
  if (!actor.empty()) {
    ApiCall call;
    call.event_id = "e-1";
    call.actor.arn = actor;
    view.calls.push_back(call);
  }
  return view;
}

std::vector<Finding> critical() {
  return {Finding{"world-sensitive-port", Severity::kCritical, testing::gid("sg-0123456789abcdef0"),
                  "web-dept-a", std::nullopt, "tcp/3389 (RDP) open to the world (0.0.0.0/0)"}};
}

TEST(AlertPlannerTest, AChangeGoesToItsOwnersAndTheRoutesItMatches) {
  const NotifySettings settings = settings_of(kConfig);
  AlertPlanner planner(settings);
  auto alerts = planner.for_change(
      rdp_view({{"OwnerDL", "team-a@example.com"}}, "arn:aws:iam::111122223333:user/dept-b"),
      critical());
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].destination, "owners");
  EXPECT_EQ(alerts[0].recipients, std::vector<std::string>{"team-a@example.com"});
  EXPECT_EQ(alerts[1].destination, "security");
  EXPECT_TRUE(alerts[1].recipients.empty());
  for (const Alert& alert : alerts) {
    EXPECT_EQ(alert.kind, AlertKind::kChange);
    EXPECT_EQ(alert.revisions, std::vector<int64_t>{42});
    EXPECT_EQ(alert.severity, Severity::kCritical);
    EXPECT_EQ(alert.deliver_after - alert.created_at, std::chrono::seconds(10));
    auto body = nlohmann::json::parse(alert.body);
    EXPECT_EQ(body["revision"], 42);
    EXPECT_EQ(body["group_name"], "web-dept-a");
    EXPECT_EQ(body["attribution"]["calls"][0]["actor"]["arn"],
              "arn:aws:iam::111122223333:user/dept-b");
  }
  // Planning again (after a crash) gives the same ids; another destination another id.
  auto again = planner.for_change(
      rdp_view({{"OwnerDL", "team-a@example.com"}}, "arn:aws:iam::111122223333:user/dept-b"),
      critical());
  EXPECT_EQ(again[0].id, alerts[0].id);
  EXPECT_EQ(again[1].id, alerts[1].id);
  EXPECT_NE(alerts[0].id, alerts[1].id);
}

TEST(AlertPlannerTest, EachStateAChangeIsReportedInIsItsOwnAlert) {
  const NotifySettings settings = settings_of(kConfig);
  AlertPlanner planner(settings);
  ChangeView pending = rdp_view({});
  pending.entry.state = AttributionState::kPending;
  ChangeView attributed = rdp_view({});
  EXPECT_NE(planner.for_change(pending, critical())[0].id,
            planner.for_change(attributed, critical())[0].id);
}

TEST(AlertPlannerTest, WithoutAnOwnerTheFallbackHearsAndLowSeverityMissesTheRoute) {
  const NotifySettings settings = settings_of(kConfig);
  AlertPlanner planner(settings);
  auto alerts = planner.for_change(rdp_view({}), {});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].destination, "triage");
  EXPECT_EQ(alerts[0].severity, std::nullopt);
}

TEST(AlertPlannerTest, ADeletedGroupIsRoutedByTheTagsItHad) {
  const NotifySettings settings = settings_of(kConfig);
  AlertPlanner planner(settings);
  auto change = documented_rdp_change();
  change.before.tags = {{"OwnerDL", "team-a@example.com"}};
  ChangeView view = rdp_view({});
  view.diff = *diff(&change.before, nullptr);
  view.after.reset();
  auto alerts = planner.for_change(view, {});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].destination, "owners");
  EXPECT_EQ(alerts[0].recipients, std::vector<std::string>{"team-a@example.com"});
}

TEST(AlertPlannerTest, ASuppressedActorsChangeGoesNowhere) {
  const NotifySettings settings = settings_of(kConfig);
  AlertPlanner planner(settings);
  EXPECT_TRUE(planner
                  .for_change(rdp_view({{"OwnerDL", "team-a@example.com"}},
                                       "arn:aws:iam::111122223333:user/deployer"),
                              critical())
                  .empty());
}

TEST(AlertPlannerTest, AttemptsAndBaselinesHaveTheirOwnIds) {
  const NotifySettings settings = settings_of(kConfig);
  AlertPlanner planner(settings);
  const Group group = documented_rdp_change().after;
  const Scope scope{group.owner, testing::region("eu-west-1")};
  ApiCall call;
  call.event_id = "0f1e2d3c-attempt";
  call.actor.arn = "arn:aws:iam::111122223333:user/intern";
  call.error_code = "Client.UnauthorizedOperation";
  const Timestamp now = parse_time("2026-11-27T09:15:00Z").value();
  auto attempts = planner.for_attempt(scope, call, group, now);
  ASSERT_EQ(attempts.size(), 1u);  // no owner tag: the fallback
  EXPECT_EQ(attempts[0].kind, AlertKind::kAttempt);
  EXPECT_EQ(attempts[0].events, std::vector<std::string>{"0f1e2d3c-attempt"});
  auto body = nlohmann::json::parse(attempts[0].body);
  EXPECT_EQ(body["error_code"], "Client.UnauthorizedOperation");
  EXPECT_EQ(body["group_id"], "sg-0123456789abcdef0");

  auto baselines = planner.for_baseline(scope, 12, critical(), now);
  ASSERT_EQ(baselines.size(), 1u);  // routes only: a baseline has no owner
  EXPECT_EQ(baselines[0].destination, "security");
  EXPECT_FALSE(baselines[0].group);
  EXPECT_EQ(nlohmann::json::parse(baselines[0].body)["groups"], 12);
}

TEST(AlertPlannerTest, NoDestinationsNoAlerts) {
  const NotifySettings settings = settings_of("");
  AlertPlanner planner(settings);
  EXPECT_FALSE(planner.has_destinations());
  EXPECT_TRUE(planner.for_change(rdp_view({}), critical()).empty());
}

}  // namespace
}  // namespace sgwatch::alert_planner_test

namespace sgwatch::alert_planner_test {
namespace {

TEST(AlertPlannerTest, AMailDestinationOfOwnersAndARouteWritesToBoth) {
  const NotifySettings settings = settings_of(R"(
[routing]
owner_destinations = ["mail"]
[[routes]]
min_severity = "high"
destinations = ["mail"]
[[destinations]]
name = "mail"
type = "smtp"
host = "mail.example.com"
from = "alerts@example.com"
to = ["secops@example.com"]
)");
  AlertPlanner planner(settings);
  auto alerts = planner.for_change(rdp_view({{"OwnerDL", "team-a@example.com"}}), critical());
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].recipients,
            (std::vector<std::string>{"team-a@example.com", "secops@example.com"}));
}

}  // namespace
}  // namespace sgwatch::alert_planner_test

namespace sgwatch::alert_planner_test {
namespace {

// kConfig and a route of health alerts: the "high" route misses their medium severity.
const std::string kHealthRoutes = std::string(kConfig) + R"(
[[routes]]
kinds = ["health"]
destinations = ["security", "triage"]
)";

HealthProblem triage_failing(const std::string& incident) {
  return {.kind = HealthProblemKind::kDestinationFailing,
          .scope = {testing::account("111122223333"), testing::region("eu-west-1")},
          .subject = "destination triage",
          .incident = incident,
          .summary = "Destination triage owes 3 alerts",
          .seen_at = parse_time("2026-11-28T10:00:00Z").value(),
          .spared_destination = "triage"};
}

TEST(AlertPlannerTest, AHealthProblemGoesWhereItsRoutesSendItButToTheDestinationItSpares) {
  const NotifySettings settings = settings_of(kHealthRoutes);
  AlertPlanner planner(settings);
  auto alerts = planner.for_health(triage_failing("2026-11-28T09:20:00Z"));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].destination, "security");
  EXPECT_EQ(alerts[0].kind, AlertKind::kHealth);
  EXPECT_FALSE(alerts[0].group);
  EXPECT_EQ(alerts[0].severity, Severity::kMedium);
  auto body = nlohmann::json::parse(alerts[0].body);
  EXPECT_EQ(body["problem"], "destination_failing");
  EXPECT_EQ(body["subject"], "destination triage");
  EXPECT_EQ(body["since"], nullptr);
}

TEST(AlertPlannerTest, AHealthAlertsIdIsItsIncidents) {
  const NotifySettings settings = settings_of(kHealthRoutes);
  AlertPlanner planner(settings);
  const auto first = planner.for_health(triage_failing("2026-11-28T09:20:00Z"));
  const auto again = planner.for_health(triage_failing("2026-11-28T09:20:00Z"));
  const auto later = planner.for_health(triage_failing("2026-11-29T08:00:00Z"));
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(again.size(), 1u);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(first[0].id, again[0].id);  // seen again, after a restart too: queued once
  EXPECT_NE(first[0].id, later[0].id);  // a new incident is told
}

}  // namespace
}  // namespace sgwatch::alert_planner_test
