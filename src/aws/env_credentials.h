// The first link of the chain: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for
// temporary keys, AWS_SESSION_TOKEN.
#pragma once

#include "aws/credential_provider.h"
#include "aws/endpoints.h"

namespace sgwatch {

class EnvCredentials final : public CredentialProvider {
 public:
  explicit EnvCredentials(EnvLookup env) : env_(std::move(env)) {}
  Result<AwsCredentials> credentials() override;
  std::string name() const override { return "environment"; }

 private:
  EnvLookup env_;
};

}  // namespace sgwatch
