#include "aws/profile_credentials.h"

#include <fstream>
#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace sgwatch::profile_credentials_test {
namespace {

// Records what it was asked and hands out credentials named after the role.
class FakeSts final : public StsApi {
 public:
  Result<AwsCredentials> assume_role(const AwsCredentials& caller,
                                     const AssumeRoleRequest& request) override {
    calls.push_back(caller.access_key_id + " -> " + request.role_arn + " ext=" +
                    request.external_id + " session=" + request.session_name);
    if (request.external_id == "wrong") return fail(ErrorCode::kIo, "AccessDenied");
    return AwsCredentials{"ASIA-" + request.role_arn.substr(request.role_arn.rfind('/') + 1),
                          "s", "t", clock_now + std::chrono::hours(1)};
  }
  Result<AwsCredentials> assume_role_with_web_identity(const AssumeRoleRequest& request,
                                                       const std::string& token) override {
    calls.push_back("web " + token + " -> " + request.role_arn);
    return AwsCredentials{"ASIA-WEB", "s", "t", clock_now + std::chrono::hours(1)};
  }
  Result<CallerIdentity> get_caller_identity(const AwsCredentials&) override {
    return CallerIdentity{};
  }
  std::vector<std::string> calls;
  Timestamp clock_now;
};

class ProfileCredentialsTest : public ::testing::Test {
 protected:
  Result<std::shared_ptr<CredentialProvider>> provider(const std::string& config_text,
                                                       const std::string& profile,
                                                       std::map<std::string, std::string> env = {}) {
    config_ = SharedConfig{parse_shared_file(config_text, "config", true).value(), {}};
    sts_.clock_now = clock_.now();
    ProfileContext context{config_,
                           [env](const std::string& name) -> std::optional<std::string> {
                             auto found = env.find(name);
                             if (found == env.end()) return std::nullopt;
                             return found->second;
                           },
                           sts_, clock_, nullptr, nullptr};
    return profile_provider(context, profile);
  }

  ManualClock clock_{Timestamp(std::chrono::hours(490000))};
  FakeSts sts_;
  SharedConfig config_;
  testing::TempDir dir_;
};

TEST_F(ProfileCredentialsTest, StaticKeys) {
  auto p = provider("[profile a]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n", "a");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ((*p)->credentials()->access_key_id, "AKIA1");
}

TEST_F(ProfileCredentialsTest, RoleChainsThroughSourceProfilesWithExternalIds) {
  auto p = provider(
      "[default]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n"
      "[profile hub]\nrole_arn = arn:aws:iam::111111111111:role/hub\nsource_profile = default\n"
      "[profile dept-a]\nrole_arn = arn:aws:iam::222222222222:role/sgwatch-reader\n"
      "source_profile = hub\nexternal_id = sgwatch-a\nrole_session_name = audit\n",
      "dept-a");
  ASSERT_TRUE(p) << p.error().message;
  auto credentials = (*p)->credentials();
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "ASIA-sgwatch-reader");
  ASSERT_EQ(sts_.calls.size(), 2u);
  EXPECT_EQ(sts_.calls[0], "AKIABASE -> arn:aws:iam::111111111111:role/hub ext= session=sgwatch");
  EXPECT_EQ(sts_.calls[1],
            "ASIA-hub -> arn:aws:iam::222222222222:role/sgwatch-reader ext=sgwatch-a session=audit");
  // Cached until close to expiry: no further STS calls.
  ASSERT_TRUE((*p)->credentials());
  EXPECT_EQ(sts_.calls.size(), 2u);
}

TEST_F(ProfileCredentialsTest, CredentialSourceEnvironmentAndWebIdentity) {
  auto env_role = provider(
      "[profile r]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Environment\n", "r",
      {{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}});
  ASSERT_TRUE(env_role) << env_role.error().message;
  ASSERT_TRUE((*env_role)->credentials());
  EXPECT_EQ(sts_.calls.back().substr(0, 7), "AKIAENV");

  std::ofstream(dir_.file("token")) << "jwt-token\n";
  auto web = provider("[profile w]\nrole_arn = arn:aws:iam::1:role/pod\nweb_identity_token_file = " +
                          dir_.file("token") + "\n",
                      "w");
  ASSERT_TRUE(web);
  EXPECT_EQ((*web)->credentials()->access_key_id, "ASIA-WEB");
  EXPECT_EQ(sts_.calls.back(), "web jwt-token -> arn:aws:iam::1:role/pod");
}

TEST_F(ProfileCredentialsTest, MisconfigurationIsNamed) {
  struct Case {
    const char* config;
    const char* profile;
    ErrorCode code;
    const char* expected;
  };
  const Case cases[] = {
      {"[profile a]\nregion = x\n", "a", ErrorCode::kNotFound, "names no credentials"},
      {"[profile a]\n", "missing", ErrorCode::kNotFound, "there is no profile missing"},
      {"[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\nsource_profile = a\n",
       "a", ErrorCode::kInvalidInput, "cycle"},
      {"[profile a]\nrole_arn = r\n", "a", ErrorCode::kInvalidInput, "neither source_profile"},
      {"[profile a]\nrole_arn = r\ncredential_source = Laptop\n", "a", ErrorCode::kInvalidInput,
       "credential_source 'Laptop'"},
      {"[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nregion = x\n", "a",
       ErrorCode::kInvalidInput, "source_profile b has no credentials"},
      {"[profile a]\naws_access_key_id = AKIA\n", "a", ErrorCode::kInvalidInput, "only one of"},
      {"[profile a]\nrole_arn = r\nsource_profile = a\n", "a", ErrorCode::kInvalidInput,
       "its own source_profile but has no keys"},
      {"[profile a]\nrole_arn = r\nsource_profile = b\nduration_seconds = 60\n[profile b]\n"
       "aws_access_key_id = k\naws_secret_access_key = s\n",
       "a", ErrorCode::kInvalidInput, "duration_seconds"},
  };
  for (const Case& c : cases) {
    auto p = provider(c.config, c.profile);
    ASSERT_FALSE(p) << c.config;
    EXPECT_EQ(p.error().code, c.code) << c.config;
    EXPECT_NE(p.error().message.find(c.expected), std::string::npos) << p.error().message;
  }
}

TEST_F(ProfileCredentialsTest, AFailedAssumeRoleSaysWhichRole) {
  auto p = provider(
      "[default]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n"
      "[profile a]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\nexternal_id = wrong\n",
      "a");
  ASSERT_TRUE(p);
  auto credentials = (*p)->credentials();
  ASSERT_FALSE(credentials);
  EXPECT_NE(credentials.error().message.find("assuming arn:aws:iam::1:role/x"), std::string::npos)
      << credentials.error().message;
}

}  // namespace
}  // namespace sgwatch::profile_credentials_test
