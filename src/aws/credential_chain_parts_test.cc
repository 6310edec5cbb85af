#include <map>

#include <gtest/gtest.h>

#include "test_support.h"

#include "aws/credential_process.h"
#include "aws/credential_provider.h"
#include "aws/env_credentials.h"

namespace sgwatch::credential_chain_parts_test {
namespace {

using std::chrono::minutes;

using testing::env_of;

// Hands out credentials that expire `lifetime` after each fetch, counting fetches.
class CountingProvider final : public CredentialProvider {
 public:
  CountingProvider(const Clock& clock, std::chrono::minutes lifetime, int* fetches, bool* fail)
      : clock_(clock), lifetime_(lifetime), fetches_(fetches), fail_(fail) {}
  Result<AwsCredentials> credentials() override {
    ++*fetches_;
    if (*fail_) return fail(ErrorCode::kIo, "metadata service unreachable");
    return AwsCredentials{"ASIA" + std::to_string(*fetches_), "secret", "token",
                          clock_.now() + lifetime_};
  }
  std::string name() const override { return "counting"; }

 private:
  const Clock& clock_;
  std::chrono::minutes lifetime_;
  int* fetches_;
  bool* fail_;
};

TEST(CredentialCaching, RefreshesFiveMinutesBeforeExpiry) {
  ManualClock clock(Timestamp(minutes(1000)));
  int fetches = 0;
  bool failing = false;
  CachingProvider cache(std::make_unique<CountingProvider>(clock, minutes(60), &fetches, &failing),
                        clock);
  EXPECT_EQ(cache.credentials()->access_key_id, "ASIA1");
  clock.advance(minutes(54));
  EXPECT_EQ(cache.credentials()->access_key_id, "ASIA1");
  EXPECT_EQ(fetches, 1);
  clock.advance(minutes(2));  // 56 minutes: inside the refresh window
  EXPECT_EQ(cache.credentials()->access_key_id, "ASIA2");
  EXPECT_EQ(fetches, 2);
}

TEST(CredentialCaching, KeepsUnexpiredCredentialsWhenARefreshFails) {
  ManualClock clock(Timestamp(minutes(1000)));
  int fetches = 0;
  bool failing = false;
  CachingProvider cache(std::make_unique<CountingProvider>(clock, minutes(60), &fetches, &failing),
                        clock);
  ASSERT_TRUE(cache.credentials());
  failing = true;
  clock.advance(minutes(57));
  auto still = cache.credentials();
  ASSERT_TRUE(still);
  EXPECT_EQ(still->access_key_id, "ASIA1");
  clock.advance(minutes(4));  // now past expiry
  auto expired = cache.credentials();
  ASSERT_FALSE(expired);
  EXPECT_NE(expired.error().message.find("unreachable"), std::string::npos);
}

TEST(EnvCredentials, ReadsTheVariables) {
  EnvCredentials env(env_of({{"AWS_ACCESS_KEY_ID", "AKIA1"},
                             {"AWS_SECRET_ACCESS_KEY", "s"},
                             {"AWS_SESSION_TOKEN", "t"}}));
  auto credentials = env.credentials();
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->access_key_id, "AKIA1");
  EXPECT_EQ(credentials->session_token, "t");

  auto none = EnvCredentials(env_of({})).credentials();
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  auto half = EnvCredentials(env_of({{"AWS_ACCESS_KEY_ID", "AKIA1"}})).credentials();
  ASSERT_FALSE(half);
  EXPECT_EQ(half.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(half.error().message.find("AWS_SECRET_ACCESS_KEY is not set"), std::string::npos);
}

TEST(CredentialProcess, RunsTheCommandAndReadsItsDocument) {
  auto credentials = run_credential_process(
      R"(printf '{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "s3cr3t",)"
      R"( "SessionToken": "tok", "Expiration": "2026-11-23T12:00:00Z"}')");
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "AKIAPROC");
  EXPECT_EQ(credentials->session_token, "tok");
  ASSERT_TRUE(credentials->expiration);
}

TEST(CredentialProcess, FailuresNeverQuoteTheOutput) {
  auto failed = run_credential_process("echo '{\"Version\":1,\"SecretAccessKey\":\"s3cr3t\"}'; exit 3");
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("exit status 3"), std::string::npos);
  auto no_key = run_credential_process("echo '{\"Version\":1,\"SecretAccessKey\":\"s3cr3t\"}'");
  ASSERT_FALSE(no_key);
  EXPECT_EQ(no_key.error().message.find("s3cr3t"), std::string::npos);
  EXPECT_NE(no_key.error().message.find("AccessKeyId"), std::string::npos);
  EXPECT_FALSE(parse_credential_process_output(R"({"Version": 2, "AccessKeyId": "a", "SecretAccessKey": "b"})"));
  EXPECT_FALSE(parse_credential_process_output("not json"));
  auto slow = run_credential_process("sleep 5", std::chrono::milliseconds(100));
  ASSERT_FALSE(slow);
  EXPECT_NE(slow.error().message.find("did not finish"), std::string::npos);
}

}  // namespace
}  // namespace sgwatch::credential_chain_parts_test
