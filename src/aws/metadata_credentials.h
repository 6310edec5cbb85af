// The chain's last two links: the container credentials endpoint (ECS, EKS Pod Identity)
// and the EC2 instance metadata service (IMDSv2: a session token first, then the
// instance role's credentials). Both hand out temporary credentials: wrap in a
// CachingProvider.
#pragma once

#include <optional>
#include <string>

#include "aws/credential_provider.h"
#include "aws/endpoints.h"
#include "aws/http.h"

namespace sgwatch {

// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2) or
// AWS_CONTAINER_CREDENTIALS_FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
// AWS_CONTAINER_AUTHORIZATION_TOKEN. kNotFound when neither URI is set.
class ContainerCredentials final : public CredentialProvider {
 public:
  ContainerCredentials(HttpTransport& transport, EnvLookup env)
      : transport_(transport), env_(std::move(env)) {}
  Result<AwsCredentials> credentials() override;
  std::string name() const override { return "container credentials endpoint"; }

 private:
  HttpTransport& transport_;
  EnvLookup env_;
};

// IMDSv2 only: sgwatch never falls back to the token-less IMDSv1. kNotFound when
// AWS_EC2_METADATA_DISABLED=true or the service does not answer (not on EC2).
class InstanceMetadataCredentials final : public CredentialProvider {
 public:
  InstanceMetadataCredentials(HttpTransport& transport, EnvLookup env)
      : transport_(transport), env_(std::move(env)) {}
  Result<AwsCredentials> credentials() override;
  std::string name() const override { return "instance metadata (IMDSv2)"; }

 private:
  HttpTransport& transport_;
  EnvLookup env_;
};

// Reads the credentials document both endpoints return (AccessKeyId, SecretAccessKey,
// Token, Expiration). `source` names the endpoint in errors.
Result<AwsCredentials> parse_metadata_credentials(const std::string& body, const std::string& source);

}  // namespace sgwatch
