// Each of sgwatch's own problems judged from its facts: when it is one, what identifies the
// incident, and what people are told.
#include "app/health_checks.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "core/time_format.h"
#include "trail/record_parser.h"

namespace sgwatch::health_checks_test {
namespace {

using namespace std::chrono_literals;

const Scope kScope{*AccountId::parse("111122223333"), *Region::parse("eu-west-1")};
const Timestamp kNow = *parse_time("2026-11-28T10:00:00Z");

ScopeStatus failing(int in_a_row, std::optional<Timestamp> last_good) {
  return {.scope = kScope,
          .failures_in_a_row = in_a_row,
          .last_error = "UnauthorizedOperation: You are not authorized",
          .last_good = last_good};
}

TEST(ScopeFailing, IsAProblemFromTheConfiguredNumberOfFailuresInARow) {
  HealthSettings settings;
  settings.scope_failures = 3;
  const Timestamp last_good = kNow - 2min;
  EXPECT_FALSE(scope_failing(failing(0, last_good), settings, kNow));
  EXPECT_FALSE(scope_failing(failing(2, last_good), settings, kNow));
  auto problem = scope_failing(failing(3, last_good), settings, kNow);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->kind, HealthProblemKind::kScopeFailing);
  EXPECT_EQ(problem->subject, "111122223333 in eu-west-1");
  EXPECT_EQ(problem->incident, "2026-11-28T09:58:00Z");  // the last good cycle: one incident
  EXPECT_EQ(problem->since, last_good);
  EXPECT_EQ(problem->severity, Severity::kMedium);
  EXPECT_NE(problem->summary.find("UnauthorizedOperation"), std::string::npos)
      << problem->summary;
  EXPECT_EQ(problem->details["failed_cycles_in_a_row"], 3);
}

TEST(ScopeFailing, AScopeNeverReadIsOneIncident) {
  auto problem = scope_failing(failing(3, std::nullopt), HealthSettings{}, kNow);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->incident, "never");
  EXPECT_FALSE(problem->since);
  EXPECT_NE(problem->summary.find("never read"), std::string::npos) << problem->summary;
}

CredentialStatus expiring_at(std::optional<Timestamp> expiration) {
  return {.scope = kScope, .account = "dept-a (111122223333)", .source = "environment",
          .expiration = expiration};
}

TEST(CredentialsExpiring, OnlyCredentialsHandedOutInsideTheRenewalWindow) {
  EXPECT_FALSE(credentials_expiring(expiring_at(std::nullopt), 5min, kNow));  // long-term keys
  EXPECT_FALSE(credentials_expiring(expiring_at(kNow + 5min), 5min, kNow));   // renewed next
  auto problem = credentials_expiring(expiring_at(kNow + 4min), 5min, kNow);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->kind, HealthProblemKind::kCredentialsExpiring);
  EXPECT_EQ(problem->subject, "the credentials of dept-a (111122223333)");
  EXPECT_EQ(problem->incident, "2026-11-28T10:04:00Z");
  EXPECT_NE(problem->summary.find("from environment"), std::string::npos) << problem->summary;
  EXPECT_NE(problem->summary.find("in 4m"), std::string::npos) << problem->summary;
}

TEST(CredentialsExpiring, SaysWhenTheyHaveExpiredAlready) {
  auto problem = credentials_expiring(expiring_at(kNow - 1min), 5min, kNow);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->summary.find("expired at 2026-11-28T09:59:00Z"), std::string::npos)
      << problem->summary;
}

TEST(DestinationsFailing, TooOldOrTooManyAndSparesTheDestinationItself) {
  HealthSettings settings;
  settings.outbox_age = 30min;
  settings.outbox_pending = 100;
  const std::vector<OutboxBacklog> backlog = {
      {"slack-security", 2, kNow - 31min},   // old
      {"owners-email", 150, kNow - 1min},    // many
      {"webhook-soc", 99, kNow - 29min},     // neither
  };
  auto problems = destinations_failing(backlog, settings, kScope, kNow);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].subject, "destination slack-security");
  EXPECT_EQ(problems[0].spared_destination, "slack-security");
  EXPECT_EQ(problems[0].incident, "2026-11-28T09:29:00Z");
  EXPECT_EQ(problems[0].scope, kScope);
  EXPECT_NE(problems[0].summary.find("owes 2 alerts, the oldest queued 31m ago"),
            std::string::npos)
      << problems[0].summary;
  EXPECT_EQ(problems[1].spared_destination, "owners-email");
  EXPECT_EQ(problems[1].details["pending"], 150);
}

// A CloudTrail record of a call to CloudTrail itself, in the shape CloudTrail logs it.
std::string trail_record(const std::string& event_name, const std::string& error = "") {
  return R"({"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:mallory","arn":"arn:aws:sts::111122223333:assumed-role/dept-b-admin/mallory","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE"},"eventTime":"2026-11-28T09:55:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":")" +
         event_name +
         R"(","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.9.19",)" +
         (error.empty() ? "" : R"("errorCode":")" + error + R"(","errorMessage":"denied",)") +
         R"("requestParameters":{"name":"arn:aws:cloudtrail:eu-west-1:111122223333:trail/management"},"responseElements":null,"requestID":"5d2f5e1c-0000-4000-8000-000000000001","eventID":"6e4c1b9a-0000-4000-8000-00000000000a","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"})";
}

ApiCall parsed(const std::string& record) {
  static simdjson::dom::parser parser;
  simdjson::dom::element element;
  EXPECT_EQ(parser.parse(record).get(element), simdjson::SUCCESS);
  auto call = parse_record(element, 0);
  EXPECT_TRUE(call) << call.error().message;
  return call.value_or(ApiCall{});
}

TEST(TrailChanged, StopLoggingIsHighAndNamesTheTrailAndTheCaller) {
  const std::string record = trail_record("StopLogging");
  auto problem = trail_changed(parsed(record), record, kScope, kNow);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->kind, HealthProblemKind::kTrailChanged);
  EXPECT_EQ(problem->severity, Severity::kHigh);
  EXPECT_EQ(problem->subject, "trail arn:aws:cloudtrail:eu-west-1:111122223333:trail/management");
  EXPECT_EQ(problem->incident, "6e4c1b9a-0000-4000-8000-00000000000a");
  EXPECT_EQ(problem->actors,
            std::vector<std::string>{"arn:aws:sts::111122223333:assumed-role/dept-b-admin/mallory"});
  EXPECT_EQ(problem->since, parse_time("2026-11-28T09:55:00Z").value());
  EXPECT_EQ(problem->details["source_ip"], "203.0.113.7");
  EXPECT_NE(problem->summary.find("called StopLogging"), std::string::npos) << problem->summary;
}

TEST(TrailChanged, DeleteIsHighUpdateAndRefusedCallsAreMedium) {
  const std::string deleted = trail_record("DeleteTrail");
  EXPECT_EQ(trail_changed(parsed(deleted), deleted, kScope, kNow)->severity, Severity::kHigh);
  const std::string updated = trail_record("UpdateTrail");
  EXPECT_EQ(trail_changed(parsed(updated), updated, kScope, kNow)->severity, Severity::kMedium);
  const std::string refused = trail_record("StopLogging", "AccessDenied");
  auto problem = trail_changed(parsed(refused), refused, kScope, kNow);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->severity, Severity::kMedium);
  EXPECT_EQ(problem->details["error_code"], "AccessDenied");
  EXPECT_NE(problem->summary.find("was refused (AccessDenied)"), std::string::npos)
      << problem->summary;
}

TEST(TrailChanged, OtherCallsAreNone) {
  const std::string started = trail_record("StartLogging");
  EXPECT_FALSE(trail_changed(parsed(started), started, kScope, kNow));
  ApiCall ec2_call = parsed(trail_record("StopLogging"));
  ec2_call.event_source = "ec2.amazonaws.com";
  EXPECT_FALSE(trail_changed(ec2_call, "{}", kScope, kNow));
}

TEST(TrailChanged, ARecordWithoutATrailNameStillTells) {
  ApiCall call = parsed(trail_record("DeleteTrail"));
  auto problem = trail_changed(call, "not json", kScope, kNow);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->subject, "a CloudTrail trail");
}

}  // namespace
}  // namespace sgwatch::health_checks_test
