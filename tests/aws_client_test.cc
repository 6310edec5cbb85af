// sgwatch's AWS client (transport, signer, Query protocol, retries, STS) against the
// emulator: every request is signed by sgwatch and verified by the emulator's independent
// verifier.
#include <map>

#include <gtest/gtest.h>

#include "emulator_fixture.h"

#include "aws/curl_transport.h"
#include "aws/ec2_xml.h"
#include "aws/query_client.h"
#include "aws/sts_client.h"
#include "core/clock.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"

namespace sgwatch::aws_client_test {
namespace {

const AwsCredentials kAdmin{"AKIAEMULATORADMIN000", "emulator-admin-secret", "", std::nullopt};
const AwsCredentials kReadonly{"AKIAEMULATORREAD0000", "emulator-readonly-secret", "", std::nullopt};

class AwsClientTest : public testing::EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    if (HasFatalFailure()) return;
    endpoint_ = emulator_->endpoint();
  }
  // Read when a call is made: the emulator's port is known only after SetUp.
  EnvLookup env() {
    return [this](const std::string& name) -> std::optional<std::string> {
      if (name == "AWS_ENDPOINT_URL") return endpoint_;
      return std::nullopt;
    };
  }

  std::string endpoint_;
  CurlTransport transport_{CurlTransportOptions{std::chrono::milliseconds(1000),
                                                std::chrono::milliseconds(5000), 16 << 20, "",
                                                true, 4}};
  RetryPolicy retries_{3, 1};
  std::vector<std::chrono::milliseconds> slept_;
  QueryClient client_{transport_, clock_, env(), retries_,
                      [this](std::chrono::milliseconds d) { slept_.push_back(d); }};
  StsClient sts_{client_, "eu-west-1"};
};

TEST_F(AwsClientTest, SignedCallsAreAccepted) {
  auto identity = sts_.get_caller_identity(kAdmin);
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_EQ(identity->account, "111122223333");
  EXPECT_EQ(identity->arn, "arn:aws:iam::111122223333:user/admin");

  ASSERT_TRUE(emulator_->ec2().seed_generated("111122223333", "eu-west-1", 3, 2));
  auto body = client_.call({"ec2", "eu-west-1", "DescribeSecurityGroups", "2016-11-15",
                            {{"MaxResults", "1000"}}},
                           &kAdmin);
  ASSERT_TRUE(body) << body.error().message;
  auto page = parse_describe_security_groups_xml(*body);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->groups.size(), 4u);
}

TEST_F(AwsClientTest, AssumeRoleAndWebIdentity) {
  AssumeRoleRequest request{"arn:aws:iam::111122223333:role/sgwatch-reader", "sgwatch", "sgwatch",
                            std::chrono::hours(1)};
  auto assumed = sts_.assume_role(kAdmin, request);
  ASSERT_TRUE(assumed) << assumed.error().message;
  auto as_role = sts_.get_caller_identity(*assumed);
  ASSERT_TRUE(as_role) << as_role.error().message;
  EXPECT_EQ(as_role->arn, "arn:aws:sts::111122223333:assumed-role/sgwatch-reader/sgwatch");

  request.external_id = "wrong";
  auto refused = sts_.assume_role(kAdmin, request);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("AccessDenied"), std::string::npos);
  EXPECT_NE(refused.error().message.find("lacks the IAM permission sts:AssumeRole"),
            std::string::npos);

  emulator_->identities().add_web_identity_token("a.b.c");
  request.external_id.clear();
  auto web = sts_.assume_role_with_web_identity(request, "a.b.c");
  ASSERT_TRUE(web) << web.error().message;
  EXPECT_TRUE(sts_.get_caller_identity(*web));
}

TEST_F(AwsClientTest, ThrottlingIsRetriedWithBackoff) {
  emulator_->faults().add({emulator::FaultKind::kThrottle, "sts", "GetCallerIdentity", 0, 1, 2, {}});
  auto identity = sts_.get_caller_identity(kAdmin);
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_EQ(slept_.size(), 2u);
  EXPECT_EQ(client_.counts().attempts, 3);

  emulator_->faults().add({emulator::FaultKind::kThrottle, "ec2", "", 0, 1, -1, {}});
  auto throttled = client_.call({"ec2", "eu-west-1", "DescribeRegions", "2016-11-15", {}}, &kAdmin);
  ASSERT_FALSE(throttled);
  EXPECT_NE(throttled.error().message.find("RequestLimitExceeded"), std::string::npos);
  EXPECT_NE(throttled.error().message.find("after 3 attempts"), std::string::npos);
}

TEST_F(AwsClientTest, RefusalsAreNotRetriedAndNameThePermission) {
  auto refused = client_.call({"ec2", "eu-west-1", "CreateSecurityGroup", "2016-11-15",
                               {{"GroupName", "x"}, {"GroupDescription", "x"}}},
                              &kReadonly);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("UnauthorizedOperation"), std::string::npos);
  EXPECT_NE(refused.error().message.find("lacks the IAM permission ec2:CreateSecurityGroup"),
            std::string::npos);
  EXPECT_TRUE(slept_.empty());

  AwsCredentials wrong = kAdmin;
  wrong.secret_access_key = "not-it";
  auto rejected = client_.call({"ec2", "eu-west-1", "DescribeRegions", "2016-11-15", {}}, &wrong);
  ASSERT_FALSE(rejected);
  EXPECT_NE(rejected.error().message.find("AuthFailure"), std::string::npos);
  EXPECT_EQ(rejected.error().message.find("not-it"), std::string::npos);  // no secret in messages
}

TEST_F(AwsClientTest, ABrokenResponseIsRetried) {
  emulator_->faults().add({emulator::FaultKind::kTruncate, "ec2", "DescribeRegions", 0, 1, 1, {}});
  auto regions = client_.call({"ec2", "eu-west-1", "DescribeRegions", "2016-11-15", {}}, &kAdmin);
  ASSERT_TRUE(regions) << regions.error().message;
  EXPECT_EQ(slept_.size(), 1u);
  auto parsed = parse_describe_regions_xml(*regions);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->size(), 2u);
}

}  // namespace
}  // namespace sgwatch::aws_client_test
