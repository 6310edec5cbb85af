// Credentials of an assumed role: the source provider's credentials call sts:AssumeRole
// (with the external id and session name configured), and the role's temporary
// credentials come back. Wrap in a CachingProvider: each call here is an STS call.
#pragma once

#include <memory>

#include "aws/credential_provider.h"
#include "aws/sts_api.h"

namespace sgwatch {

class AssumeRoleProvider final : public CredentialProvider {
 public:
  AssumeRoleProvider(std::shared_ptr<CredentialProvider> source, StsApi& sts,
                     AssumeRoleRequest request)
      : source_(std::move(source)), sts_(sts), request_(std::move(request)) {}
  Result<AwsCredentials> credentials() override;
  std::string name() const override { return "role " + request_.role_arn; }
  void invalidate() override { source_->invalidate(); }

 private:
  std::shared_ptr<CredentialProvider> source_;
  StsApi& sts_;
  AssumeRoleRequest request_;
};

// AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (or a profile's web_identity_token_file and
// role_arn): the token file is read on every call, since the platform rotates it.
class WebIdentityProvider final : public CredentialProvider {
 public:
  WebIdentityProvider(std::string token_file, StsApi& sts, AssumeRoleRequest request)
      : token_file_(std::move(token_file)), sts_(sts), request_(std::move(request)) {}
  Result<AwsCredentials> credentials() override;
  std::string name() const override { return "web identity " + request_.role_arn; }

 private:
  std::string token_file_;
  StsApi& sts_;
  AssumeRoleRequest request_;
};

}  // namespace sgwatch
