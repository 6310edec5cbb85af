#include "emulator/credential_endpoints.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sgwatch::emulator::credential_endpoints_test {
namespace {

using std::chrono::seconds;

class CredentialEndpointsTest : public ::testing::Test {
 protected:
  CredentialEndpointsTest() {
    identities_.add_role(Role{"111122223333", "instance-role", "", "", {}});
    identities_.set_instance_role("arn:aws:iam::111122223333:role/instance-role");
  }
  Response call(const std::string& method, const std::string& path,
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request request;
    request.method = method;
    request.path = path;
    request.headers = std::move(headers);
    auto response = endpoints_.handle(request);
    EXPECT_TRUE(response.has_value()) << path;
    return response.value_or(Response{});
  }
  std::string token(int ttl) {
    Response response =
        call("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", std::to_string(ttl)}});
    EXPECT_EQ(response.status, 200);
    return response.body;
  }

  ManualClock clock_{Timestamp(std::chrono::hours(490000))};
  Identities identities_{clock_, 1};
  CredentialEndpoints endpoints_{identities_, clock_, "eu-west-1"};
};

TEST_F(CredentialEndpointsTest, ImdsV2HandsOutRoleCredentialsThatWork) {
  std::string session = token(60);
  Response role = call("GET", "/latest/meta-data/iam/security-credentials/",
                       {{"X-aws-ec2-metadata-token", session}});
  ASSERT_EQ(role.status, 200);
  EXPECT_EQ(role.body, "instance-role");
  Response credentials = call("GET", "/latest/meta-data/iam/security-credentials/instance-role",
                              {{"X-aws-ec2-metadata-token", session}});
  ASSERT_EQ(credentials.status, 200);
  auto json = nlohmann::json::parse(credentials.body);
  EXPECT_EQ(json["Code"], "Success");
  auto caller = identities_.caller_for(json["AccessKeyId"], json["Token"]);
  ASSERT_TRUE(caller);
  EXPECT_EQ(caller->type, "AssumedRole");
  EXPECT_EQ(identities_.secret_for(json["AccessKeyId"]), json["SecretAccessKey"]);
  EXPECT_EQ(call("GET", "/latest/meta-data/placement/region",
                 {{"X-aws-ec2-metadata-token", session}}).body,
            "eu-west-1");
}

TEST_F(CredentialEndpointsTest, ImdsV1AndExpiredTokensAreRefused) {
  EXPECT_EQ(call("GET", "/latest/meta-data/iam/security-credentials/").status, 401);
  EXPECT_EQ(call("PUT", "/latest/api/token").status, 400);  // no TTL
  EXPECT_EQ(call("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21601"}})
                .status,
            400);
  std::string session = token(10);
  clock_.advance(seconds(11));
  EXPECT_EQ(call("GET", "/latest/meta-data/iam/security-credentials/",
                 {{"X-aws-ec2-metadata-token", session}}).status,
            401);
}

TEST_F(CredentialEndpointsTest, CredentialsExpireAfterTheirLifetime) {
  endpoints_.set_credentials_lifetime(seconds(900));
  std::string session = token(21600);
  auto json = nlohmann::json::parse(
      call("GET", "/latest/meta-data/iam/security-credentials/instance-role",
           {{"X-aws-ec2-metadata-token", session}}).body);
  EXPECT_TRUE(identities_.caller_for(json["AccessKeyId"], json["Token"]));
  clock_.advance(seconds(901));
  EXPECT_FALSE(identities_.caller_for(json["AccessKeyId"], json["Token"]));
  EXPECT_TRUE(identities_.expired(json["AccessKeyId"]));
  // A wrong session token never matches, expired or not.
  EXPECT_FALSE(identities_.caller_for(json["AccessKeyId"], "other"));
}

TEST_F(CredentialEndpointsTest, ContainerEndpointChecksItsToken) {
  endpoints_.set_container_token("secret-token");
  EXPECT_EQ(call("GET", "/container/credentials").status, 403);
  Response ok = call("GET", "/container/credentials", {{"Authorization", "secret-token"}});
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok.body)["RoleArn"],
            "arn:aws:iam::111122223333:role/instance-role");
  Request other;
  other.path = "/";
  EXPECT_FALSE(endpoints_.handle(other).has_value());
}

}  // namespace
}  // namespace sgwatch::emulator::credential_endpoints_test
