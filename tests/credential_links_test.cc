// The credential chain's network links against the emulator's real endpoints, over the
// real transport: IMDSv2 and the container credentials endpoint.
#include <map>

#include <gtest/gtest.h>

#include "emulator_fixture.h"

#include "test_support.h"

#include "aws/curl_transport.h"
#include "aws/metadata_credentials.h"
#include "core/clock.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"

namespace sgwatch::credential_links_test {
namespace {

using testing::env_of;

class CredentialLinksTest : public testing::EmulatorTest {
 protected:
  // True when the emulator accepts these credentials as the instance role's.
  bool accepted_as_instance_role(const AwsCredentials& credentials) {
    auto caller = emulator_->identities().caller_for(credentials.access_key_id,
                                                     credentials.session_token);
    return caller && caller->arn.find(":assumed-role/sgwatch-reader/") != std::string::npos &&
           emulator_->identities().secret_for(credentials.access_key_id) ==
               credentials.secret_access_key;
  }

  CurlTransport transport_{CurlTransportOptions{std::chrono::milliseconds(1000),
                                                std::chrono::milliseconds(5000), 1 << 20, "",
                                                true, 4}};
};

TEST_F(CredentialLinksTest, InstanceMetadataV2) {
  InstanceMetadataCredentials imds(transport_,
                                   env_of({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", emulator_->endpoint()}}));
  auto credentials = imds.credentials();
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_TRUE(accepted_as_instance_role(*credentials));
  ASSERT_TRUE(credentials->expiration);
  EXPECT_GT(*credentials->expiration, clock_.now() + std::chrono::hours(5));

  auto disabled = InstanceMetadataCredentials(
                      transport_, env_of({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", emulator_->endpoint()},
                                          {"AWS_EC2_METADATA_DISABLED", "true"}}))
                      .credentials();
  ASSERT_FALSE(disabled);
  EXPECT_EQ(disabled.error().code, ErrorCode::kNotFound);

  // Nothing listening: not on EC2, so nothing found (the chain moves on).
  emulator_->stop();
  auto absent = imds.credentials();
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code, ErrorCode::kNotFound);
}

TEST_F(CredentialLinksTest, ContainerEndpointWithAuthorizationToken) {
  emulator_->credential_endpoints().set_container_token("pod-token");
  const std::string uri = emulator_->endpoint() + "/container/credentials";
  ContainerCredentials container(transport_, env_of({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", uri},
                                                     {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "pod-token"}}));
  auto credentials = container.credentials();
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_TRUE(accepted_as_instance_role(*credentials));

  auto wrong = ContainerCredentials(transport_, env_of({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", uri},
                                                        {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "x"}}))
                   .credentials();
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("HTTP 403"), std::string::npos) << wrong.error().message;
  auto unset = ContainerCredentials(transport_, env_of({})).credentials();
  ASSERT_FALSE(unset);
  EXPECT_EQ(unset.error().code, ErrorCode::kNotFound);
}

// Counts requests and answers none, so nothing leaves the test.
struct RecordingTransport final : HttpTransport {
  int requests = 0;
  TransportResult<HttpResponse> send(const HttpRequest&) override {
    ++requests;
    return tl::unexpected(TransportError{TransportFailure::kRefused, "not sent"});
  }
};

TEST(ContainerCredentials, AFullUriOverHttpMustStayOnTheMachineOrTheContainerHosts) {
  // Refused before any request: the token would go in clear to another host.
  RecordingTransport transport;
  for (const char* uri : {"http://169.254.169.254/creds", "http://example.com/creds",
                          "http://10.0.0.5:8080/creds", "ftp://127.0.0.1/creds", "not a url"}) {
    auto refused = ContainerCredentials(transport, env_of({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", uri},
                                                           {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "t"}}))
                       .credentials();
    ASSERT_FALSE(refused) << uri;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidInput) << uri;
    EXPECT_NE(refused.error().message.find("AWS_CONTAINER_CREDENTIALS_FULL_URI"), std::string::npos);
  }
  EXPECT_EQ(transport.requests, 0);
  for (const char* uri : {"http://127.0.0.1:9/creds", "http://localhost:9/creds", "http://[::1]:9/c",
                          "http://169.254.170.2/v2/credentials", "http://169.254.170.23/v1/credentials",
                          "http://[fd00:ec2::23]/v1/credentials", "https://creds.example.com/x"}) {
    auto tried = ContainerCredentials(transport, env_of({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", uri}}))
                     .credentials();
    ASSERT_FALSE(tried) << uri;  // the recording transport answers nothing
    EXPECT_NE(tried.error().code, ErrorCode::kInvalidInput) << uri << ": " << tried.error().message;
  }
  EXPECT_EQ(transport.requests, 7);
}

TEST(MetadataCredentials, DocumentsAreChecked) {
  EXPECT_TRUE(parse_metadata_credentials(
      R"({"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2026-11-23T12:00:00Z"})", "x"));
  EXPECT_FALSE(parse_metadata_credentials(R"({"Code":"Failure"})", "x"));
  EXPECT_FALSE(parse_metadata_credentials(R"({"AccessKeyId":"A","SecretAccessKey":"S","Token":"T"})", "x"));
  auto no_secret = parse_metadata_credentials(R"({"AccessKeyId":"A","Token":"T","Expiration":"2026-11-23T12:00:00Z"})", "imds");
  ASSERT_FALSE(no_secret);
  EXPECT_NE(no_secret.error().message.find("imds returned no SecretAccessKey"), std::string::npos);
}

}  // namespace
}  // namespace sgwatch::credential_links_test
