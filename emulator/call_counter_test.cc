#include "emulator/call_counter.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>
#include <vector>

#include "core/clock.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "emulator/sigv4_verifier.h"

namespace sgwatch::emulator::call_counter_test {
namespace {

TEST(CallCounter, CountsByServiceAndAction) {
  CallCounter calls;
  calls.count("ec2", "DescribeSecurityGroups");
  calls.count("ec2", "DescribeSecurityGroups");
  calls.count("ec2", "DescribeRegions");
  calls.count("sts", "GetCallerIdentity");

  EXPECT_EQ(calls.calls("ec2", "DescribeSecurityGroups"), 2u);
  EXPECT_EQ(calls.calls("ec2", "DescribeRegions"), 1u);
  EXPECT_EQ(calls.calls("sts", "GetCallerIdentity"), 1u);
  EXPECT_EQ(calls.calls("sts", "DescribeSecurityGroups"), 0u);  // same action, other service
  EXPECT_EQ(calls.total(), 4u);
  EXPECT_EQ(calls.by_action(), (std::map<std::string, uint64_t>{
                                   {"ec2:DescribeRegions", 1},
                                   {"ec2:DescribeSecurityGroups", 2},
                                   {"sts:GetCallerIdentity", 1}}));
  EXPECT_EQ(calls.to_json(), nlohmann::json::parse(R"({
    "calls": {"ec2:DescribeRegions": 1, "ec2:DescribeSecurityGroups": 2,
              "sts:GetCallerIdentity": 1},
    "total": 4})"));
}

TEST(CallCounter, ResetStartsFromZero) {
  CallCounter calls;
  calls.count("ec2", "DescribeSecurityGroups");
  calls.reset();
  EXPECT_EQ(calls.total(), 0u);
  EXPECT_EQ(calls.calls("ec2", "DescribeSecurityGroups"), 0u);
  EXPECT_TRUE(calls.by_action().empty());
  EXPECT_EQ(calls.to_json(), nlohmann::json::parse(R"({"calls": {}, "total": 0})"));
  calls.count("sts", "GetCallerIdentity");
  EXPECT_EQ(calls.total(), 1u);
}

TEST(CallCounter, CountsEveryCallFromManyThreads) {
  CallCounter calls;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&calls, t] {
      for (int i = 0; i < 1000; ++i) calls.count("ec2", t % 2 == 0 ? "A" : "B");
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(calls.calls("ec2", "A"), 2000u);
  EXPECT_EQ(calls.calls("ec2", "B"), 2000u);
  EXPECT_EQ(calls.total(), 4000u);
}

// An emulator with the default seed at a fixed time, fed signed Query calls directly.
class EmulatorCallsTest : public ::testing::Test {
 protected:
  static constexpr char kDate[] = "20240501";
  static constexpr char kTime[] = "20240501T120000Z";

  void SetUp() override {
    auto started = Emulator::start(EmulatorOptions{}, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    auto seeded = apply_seed(*emulator_, default_seed());
    ASSERT_TRUE(seeded) << seeded.error();
  }

  // A POST of `body`, signed for `service` in us-east-1 with `secret` (the admin's unless
  // a test wants a wrong one).
  Request signed_call(const std::string& service, const std::string& body,
                      const std::string& access_key = "AKIAEMULATORADMIN000",
                      const std::string& secret = "emulator-admin-secret") {
    Request request;
    request.method = "POST";
    request.path = "/";
    request.raw_path = "/";
    request.headers = {{"Host", "127.0.0.1"},
                       {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                       {"X-Amz-Date", kTime}};
    request.body = body;
    const std::vector<std::string> signed_headers = {"content-type", "host", "x-amz-date"};
    const CredentialScope scope{kDate, "us-east-1", service};
    const std::string to_sign =
        string_to_sign(kTime, scope, canonical_request(request, signed_headers));
    request.headers.emplace_back(
        "Authorization", "AWS4-HMAC-SHA256 Credential=" + access_key + "/" + scope.to_string() +
                             ", SignedHeaders=content-type;host;x-amz-date, Signature=" +
                             signature(secret, scope, to_sign));
    return request;
  }

  Request admin(const std::string& method) {
    Request request;
    request.method = method;
    request.path = "/_emulator/calls";
    request.raw_path = request.path;
    return request;
  }

  ManualClock clock_{std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} +
                     std::chrono::hours(12)};
  std::unique_ptr<Emulator> emulator_;
};

constexpr char kDescribe[] = "Action=DescribeSecurityGroups&Version=2016-11-15";
constexpr char kCallerIdentity[] = "Action=GetCallerIdentity&Version=2011-06-15";

TEST_F(EmulatorCallsTest, CountsEachSignedCallByServiceAndAction) {
  EXPECT_EQ(emulator_->handle(signed_call("ec2", kDescribe)).status, 200);
  EXPECT_EQ(emulator_->handle(signed_call("ec2", kDescribe)).status, 200);
  EXPECT_EQ(emulator_->handle(signed_call("sts", kCallerIdentity)).status, 200);

  EXPECT_EQ(emulator_->calls().calls("ec2", "DescribeSecurityGroups"), 2u);
  EXPECT_EQ(emulator_->calls().calls("sts", "GetCallerIdentity"), 1u);
  EXPECT_EQ(emulator_->calls().total(), 3u);
}

TEST_F(EmulatorCallsTest, CountsFailedAndFaultedCallsButNotUnverifiableOnes) {
  // Refused: the readonly user may not create groups.
  Response refused = emulator_->handle(signed_call(
      "ec2", "Action=CreateSecurityGroup&Version=2016-11-15&GroupName=x&GroupDescription=x",
      "AKIAEMULATORREAD0000", "emulator-readonly-secret"));
  EXPECT_EQ(refused.status, 403);
  // Faulted: throttled before the service sees it.
  emulator_->faults().add(
      FaultRule{FaultKind::kThrottle, "ec2", "DescribeSecurityGroups", 0, 1, 1, {}});
  EXPECT_EQ(emulator_->handle(signed_call("ec2", kDescribe)).status, 503);
  // A wrong signature: who sent it, and so for which service, is not known.
  EXPECT_EQ(emulator_->handle(signed_call("ec2", kDescribe, "AKIAEMULATORADMIN000", "wrong"))
                .status,
            401);

  EXPECT_EQ(emulator_->calls().by_action(),
            (std::map<std::string, uint64_t>{{"ec2:CreateSecurityGroup", 1},
                                             {"ec2:DescribeSecurityGroups", 1}}));
  EXPECT_EQ(emulator_->calls().total(), 2u);
}

TEST_F(EmulatorCallsTest, AdminEndpointReportsAndResets) {
  emulator_->handle(signed_call("ec2", kDescribe));
  emulator_->handle(signed_call("sts", kCallerIdentity));

  Response report = emulator_->handle(admin("GET"));
  EXPECT_EQ(report.status, 200);
  EXPECT_EQ(report.content_type, "application/json");
  EXPECT_EQ(nlohmann::json::parse(report.body), nlohmann::json::parse(R"({
    "calls": {"ec2:DescribeSecurityGroups": 1, "sts:GetCallerIdentity": 1}, "total": 2})"));

  EXPECT_EQ(emulator_->handle(admin("DELETE")).status, 200);
  EXPECT_EQ(emulator_->calls().total(), 0u);
  EXPECT_EQ(nlohmann::json::parse(emulator_->handle(admin("GET")).body),
            nlohmann::json::parse(R"({"calls": {}, "total": 0})"));
  // Reading the counts is not itself a counted call.
  EXPECT_EQ(emulator_->calls().total(), 0u);

  EXPECT_EQ(emulator_->handle(admin("POST")).status, 404);
}

TEST_F(EmulatorCallsTest, AdminEndpointOverHttp) {
  emulator_->calls().count("ec2", "DescribeSecurityGroups");
  httplib::Client client("127.0.0.1", emulator_->port());

  auto report = client.Get("/_emulator/calls");
  ASSERT_TRUE(report) << httplib::to_string(report.error());
  EXPECT_EQ(report->status, 200);
  EXPECT_EQ(nlohmann::json::parse(report->body),
            nlohmann::json::parse(R"({"calls": {"ec2:DescribeSecurityGroups": 1}, "total": 1})"));

  auto reset = client.Delete("/_emulator/calls");
  ASSERT_TRUE(reset) << httplib::to_string(reset.error());
  EXPECT_EQ(reset->status, 200);
  auto after = client.Get("/_emulator/calls");
  ASSERT_TRUE(after);
  EXPECT_EQ(nlohmann::json::parse(after->body)["total"], 0);
}

}  // namespace
}  // namespace sgwatch::emulator::call_counter_test
