// Every link of the credential chain against the emulator, with sgwatch's real STS client
// and transport: the credentials each link yields must be accepted by the emulator as
// the identity that link stands for.
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "emulator_fixture.h"

#include "aws/credential_chain.h"
#include "aws/curl_transport.h"
#include "aws/sts_client.h"
#include "core/clock.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "temp_dir.h"

namespace sgwatch::credential_chain_test {
namespace {

class CredentialChainTest : public testing::EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    if (HasFatalFailure()) return;
    vars_ = {{"AWS_ENDPOINT_URL", emulator_->endpoint()},
             {"AWS_CONFIG_FILE", dir_.file("config")},
             {"AWS_SHARED_CREDENTIALS_FILE", dir_.file("credentials")},
             {"AWS_EC2_METADATA_DISABLED", "true"}};
  }
  EnvLookup env() {
    return [this](const std::string& name) -> std::optional<std::string> {
      auto found = vars_.find(name);
      if (found == vars_.end() || found->second.empty()) return std::nullopt;
      return found->second;
    };
  }
  // The ARN the emulator sees for the credentials the chain yields.
  std::string identity_of_chain() {
    auto config = load_shared_config(env());
    EXPECT_TRUE(config) << config.error().message;
    auto chain = default_credential_chain({env(), *config, sts_, clock_, transport_});
    if (!chain) return "chain error: " + chain.error().message;
    auto credentials = (*chain)->credentials();
    if (!credentials) return "error: " + credentials.error().message;
    auto identity = sts_.get_caller_identity(*credentials);
    if (!identity) return "rejected: " + identity.error().message;
    return identity->arn;
  }

  testing::TempDir dir_;
  std::map<std::string, std::string> vars_;
  CurlTransport transport_{CurlTransportOptions{std::chrono::milliseconds(1000),
                                                std::chrono::milliseconds(5000), 1 << 20, "",
                                                true, 4}};
  RetryPolicy retries_{1, 1};
  QueryClient client_{transport_, clock_, env(), retries_, [](std::chrono::milliseconds) {}};
  StsClient sts_{client_, "eu-west-1"};
};

TEST_F(CredentialChainTest, EnvironmentComesFirst) {
  std::ofstream(dir_.file("credentials"))
      << "[default]\naws_access_key_id = AKIAEMULATORREAD0000\n"
         "aws_secret_access_key = emulator-readonly-secret\n";
  vars_["AWS_ACCESS_KEY_ID"] = "AKIAEMULATORADMIN000";
  vars_["AWS_SECRET_ACCESS_KEY"] = "emulator-admin-secret";
  EXPECT_EQ(identity_of_chain(), "arn:aws:iam::111122223333:user/admin");
  vars_.erase("AWS_ACCESS_KEY_ID");
  vars_.erase("AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(identity_of_chain(), "arn:aws:iam::111122223333:user/readonly");
}

TEST_F(CredentialChainTest, ProfileAssumesARoleWithExternalId) {
  std::ofstream(dir_.file("credentials"))
      << "[base]\naws_access_key_id = AKIAEMULATORADMIN000\n"
         "aws_secret_access_key = emulator-admin-secret\n";
  std::ofstream(dir_.file("config"))
      << "[profile audit]\nrole_arn = arn:aws:iam::111122223333:role/sgwatch-reader\n"
         "source_profile = base\nexternal_id = sgwatch\nrole_session_name = audit\n"
         "[profile wrong]\nrole_arn = arn:aws:iam::111122223333:role/sgwatch-reader\n"
         "source_profile = base\nexternal_id = nope\n";
  vars_["AWS_PROFILE"] = "audit";
  EXPECT_EQ(identity_of_chain(), "arn:aws:sts::111122223333:assumed-role/sgwatch-reader/audit");
  vars_["AWS_PROFILE"] = "wrong";
  EXPECT_NE(identity_of_chain().find("AccessDenied"), std::string::npos);
  vars_["AWS_PROFILE"] = "missing";
  EXPECT_NE(identity_of_chain().find("the profile 'missing' named by AWS_PROFILE"), std::string::npos);
}

TEST_F(CredentialChainTest, WebIdentityFromTheEnvironment) {
  emulator_->identities().add_web_identity_token("pod.jwt.token");
  std::ofstream(dir_.file("token")) << "pod.jwt.token";
  vars_["AWS_WEB_IDENTITY_TOKEN_FILE"] = dir_.file("token");
  vars_["AWS_ROLE_ARN"] = "arn:aws:iam::111122223333:role/sgwatch-reader";
  vars_["AWS_ROLE_SESSION_NAME"] = "pod";
  EXPECT_EQ(identity_of_chain(), "arn:aws:sts::111122223333:assumed-role/sgwatch-reader/pod");
}

TEST_F(CredentialChainTest, ContainerEndpoint) {
  emulator_->credential_endpoints().set_container_token("t0ken");
  std::ofstream(dir_.file("auth")) << "t0ken\n";
  vars_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = emulator_->endpoint() + "/container/credentials";
  vars_["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = dir_.file("auth");
  EXPECT_NE(identity_of_chain().find(":assumed-role/sgwatch-reader/"), std::string::npos);
}

TEST_F(CredentialChainTest, InstanceRoleThroughImdsV2) {
  vars_.erase("AWS_EC2_METADATA_DISABLED");
  vars_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = emulator_->endpoint();
  EXPECT_NE(identity_of_chain().find(":assumed-role/sgwatch-reader/"), std::string::npos);
}

TEST_F(CredentialChainTest, NothingAnywhereListsEveryPlaceTried) {
  std::string result = identity_of_chain();
  EXPECT_NE(result.find("no AWS credentials found"), std::string::npos) << result;
  for (const char* link : {"environment", "profile default", "web identity",
                           "container credentials endpoint", "instance metadata"}) {
    EXPECT_NE(result.find(link), std::string::npos) << link << " in " << result;
  }
}

}  // namespace
}  // namespace sgwatch::credential_chain_test
