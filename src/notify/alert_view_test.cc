#include "notify/alert_view.h"

#include <gtest/gtest.h>

#include "alert_documents.h"

namespace sgwatch::alert_view_test {
namespace {

using nlohmann::json;
using testing::alert_document;
using testing::documented_alert;
using testing::documented_change_record;

AlertView view_of(const json& document, const DisplayZone& zone = DisplayZone()) {
  auto view = read_alert_view(document.dump(), zone);
  EXPECT_TRUE(view) << view.error().message;
  return view.value_or(AlertView{});
}

TEST(AlertView, TheDocumentedChangeReadsAsOneLine) {
  auto view = read_alert_view(documented_alert(), DisplayZone());
  ASSERT_TRUE(view) << view.error().message;
  EXPECT_EQ(view->headline(),
            "[sgwatch] CRITICAL sg-0123456789abcdef0 (web-dept-a): tcp/3389 from 0.0.0.0/0 "
            "added by dept-b-engineer");
  ASSERT_EQ(view->items.size(), 1u);
  const ItemView& item = view->items[0];
  EXPECT_EQ(item.added, std::vector<std::string>{"ingress tcp/3389 from 0.0.0.0/0 “RDP for dept B vendor”"});
  ASSERT_EQ(item.callers.size(), 1u);
  EXPECT_EQ(item.callers[0].actor, "arn:aws:iam::111122223333:user/dept-b-engineer");
  EXPECT_EQ(item.callers[0].source_ip, "203.0.113.7");
  EXPECT_EQ(item.callers[0].agent_class, "awscli");
  EXPECT_EQ(item.callers[0].event_time, "2026-11-23T10:14:41Z");
  ASSERT_EQ(item.findings.size(), 1u);
  EXPECT_EQ(item.findings[0].severity, "critical");
  EXPECT_EQ(item.revision, 42);
}

TEST(AlertView, TimesAreShownInTheConfiguredZone) {
  auto berlin = DisplayZone::locate("Europe/Berlin");
  ASSERT_TRUE(berlin);
  AlertView view = view_of(json::parse(documented_alert()), *berlin);
  EXPECT_EQ(view.items[0].callers[0].event_time, "2026-11-23T11:14:41+01:00");
  EXPECT_EQ(view.items[0].observed_at, "2026-11-23T11:15:00.250+01:00");
}

TEST(AlertView, AnAssumedRoleIsNamedByRoleAndSession) {
  json record = documented_change_record();
  json& actor = record["attribution"]["calls"][0]["actor"];
  actor["type"] = "AssumedRole";
  actor["arn"] = "arn:aws:sts::111122223333:assumed-role/deploy/ci-42";
  AlertView view = view_of(alert_document(json::array({record})));
  EXPECT_EQ(view.summary(), "tcp/3389 from 0.0.0.0/0 added by role/deploy (session ci-42)");
}

TEST(AlertView, APendingChangeNamesNobody) {
  json record = documented_change_record();
  record["attribution"]["state"] = "pending";
  record["attribution"]["calls"] = json::array();
  AlertView view = view_of(alert_document(json::array({record})));
  EXPECT_EQ(view.summary(), "tcp/3389 from 0.0.0.0/0 added");
}

TEST(AlertView, CoalescedChangesCountTheRest) {
  json later = documented_change_record();
  later["added"] = json::array();
  later["removed"] = documented_change_record()["added"];
  later["removed"][0]["from_port"] = 22;
  later["removed"][0]["to_port"] = 22;
  later["findings"] = json::array();
  AlertView view = view_of(alert_document(json::array({documented_change_record(), later})));
  EXPECT_EQ(view.summary(), "tcp/3389 from 0.0.0.0/0 added (+1 more) by dept-b-engineer");
  EXPECT_EQ(view.items[1].removed,
            std::vector<std::string>{"ingress tcp/22 from 0.0.0.0/0 “RDP for dept B vendor”"});
}

TEST(AlertView, RulesOfEveryShapeAreWorded) {
  json record = documented_change_record();
  record["findings"] = json::array();
  record["added"] = json::array({
      {{"direction", "egress"}, {"protocol", "-1"}, {"from_port", nullptr}, {"to_port", nullptr},
       {"peer", {{"kind", "cidr"}, {"cidr", "::/0"}}}, {"description", ""}},
      {{"direction", "ingress"}, {"protocol", "udp"}, {"from_port", 1000}, {"to_port", 2000},
       {"peer", {{"kind", "prefix_list"}, {"prefix_list_id", "pl-12345678"}}}, {"description", ""}},
      {{"direction", "ingress"}, {"protocol", "icmp"}, {"from_port", 8}, {"to_port", -1},
       {"peer", {{"kind", "group"}, {"group_id", "sg-11111111"}, {"user_id", "444455556666"}}},
       {"description", ""}},
      {{"direction", "ingress"}, {"protocol", "tcp"}, {"from_port", 0}, {"to_port", 65535},
       {"peer", {{"kind", "cidr"}, {"cidr", "10.0.0.0/8"}}}, {"description", ""}},
  });
  record["modified"] = json::array({{{"direction", "ingress"}, {"protocol", "tcp"},
                                     {"from_port", 443}, {"to_port", 443},
                                     {"peer", {{"kind", "cidr"}, {"cidr", "0.0.0.0/0"}}},
                                     {"description", "new"}, {"previous_description", "old"}}});
  record["tags_changed"] = json::array({{{"key", "OwnerDL"}, {"before", nullptr}, {"after", "a@example.com"}}});
  AlertView view = view_of(alert_document(json::array({record}), "change", ""));
  EXPECT_EQ(view.items[0].added,
            (std::vector<std::string>{"egress all traffic to ::/0",
                                      "ingress udp/1000-2000 from pl-12345678",
                                      "ingress icmp type 8 from sg-11111111 (account 444455556666)",
                                      "ingress tcp (all ports) from 10.0.0.0/8"}));
  EXPECT_EQ(view.items[0].modified,
            std::vector<std::string>{"ingress tcp/443 from 0.0.0.0/0: description “old” → “new”"});
  EXPECT_EQ(view.items[0].other, std::vector<std::string>{"tag OwnerDL added: “a@example.com”"});
  // No finding: the first added rule, and no severity in the headline.
  EXPECT_EQ(view.headline(),
            "[sgwatch] sg-0123456789abcdef0 (web-dept-a): all traffic to ::/0 added (+5 more) by "
            "dept-b-engineer");
}

TEST(AlertView, TheHeadlineNamesTheRuleOfTheWorstFinding) {
  json record = documented_change_record();
  json icmp = record["added"][0];
  icmp["protocol"] = "icmp";
  icmp["from_port"] = 8;
  icmp["to_port"] = -1;
  icmp["peer"]["cidr"] = "10.0.0.0/8";
  json everything = record["added"][0];
  everything["from_port"] = 0;
  everything["to_port"] = 65535;
  record["added"] = json::array({icmp, everything});
  record["findings"][0]["rule"] = "ingress tcp/0-65535 from 0.0.0.0/0";
  AlertView view = view_of(alert_document(json::array({record})));
  EXPECT_EQ(view.summary(), "tcp/0-65535 from 0.0.0.0/0 added (+1 more) by dept-b-engineer");
}

TEST(AlertView, ARefusedCallSaysWhoWasRefused) {
  json call = documented_change_record()["attribution"]["calls"][0];
  call["error_code"] = "Client.UnauthorizedOperation";
  call["error_message"] = "You are not authorized to perform this operation.";
  call["group_id"] = "sg-0123456789abcdef0";
  call["group_name"] = "web-dept-a";
  AlertView view = view_of(alert_document(json::array({call}), "attempt", ""));
  EXPECT_EQ(view.summary(), "AuthorizeSecurityGroupIngress refused for dept-b-engineer");
  EXPECT_EQ(view.items[0].error,
            "Client.UnauthorizedOperation: You are not authorized to perform this operation.");
}

TEST(AlertView, ABaselineIsAboutTheScope) {
  json item = {{"groups", 12},
               {"findings", documented_change_record()["findings"]},
               {"observed_at", "2026-11-23T10:15:00.250Z"}};
  AlertView view = view_of(alert_document(json::array({item}), "baseline", "critical"));
  EXPECT_EQ(view.headline(),
            "[sgwatch] CRITICAL account 111122223333 in us-east-1: first snapshot: 12 groups, 1 "
            "findings");
}

TEST(AlertView, AHealthAlertIsAboutWhatIsInTrouble) {
  AlertView view = view_of(
      alert_document(json::array({testing::trail_stopped_item()}), "health", "high"),
      DisplayZone::locate("Europe/Berlin").value());
  EXPECT_EQ(view.kind, "health");
  EXPECT_EQ(view.health.problem, "trail_changed");
  EXPECT_EQ(view.subject(), "trail management");
  EXPECT_TRUE(view.headline().starts_with(
      "[sgwatch] HIGH trail management: mallory called StopLogging on trail management"))
      << view.headline();
  EXPECT_EQ(view.health.since, "2026-11-28T10:55:00+01:00");
  const std::vector<std::pair<std::string, std::string>> details = {
      {"event_name", "StopLogging"}, {"source_ip", "203.0.113.7"}};
  EXPECT_EQ(view.health.details, details);
}

TEST(AlertView, UnreadableDocumentsAreErrors) {
  EXPECT_FALSE(read_alert_view("not json", DisplayZone()));
  EXPECT_FALSE(read_alert_view("[]", DisplayZone()));
  json unknown = json::parse(documented_alert());
  unknown["kind"] = "gossip";
  auto view = read_alert_view(unknown.dump(), DisplayZone());
  ASSERT_FALSE(view);
  EXPECT_NE(view.error().message.find("unknown kind 'gossip'"), std::string::npos);
  json empty = json::parse(documented_alert());
  empty["items"] = json::array();
  EXPECT_FALSE(read_alert_view(empty.dump(), DisplayZone()));
}

}  // namespace
}  // namespace sgwatch::alert_view_test
