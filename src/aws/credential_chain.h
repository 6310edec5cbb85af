// The standard credential chain, in the AWS CLI's order: environment variables; the
// selected profile of the shared files (AWS_PROFILE); web identity
// (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN); the container credentials endpoint; the
// EC2 instance role through IMDSv2. The first link that has credentials wins; a link that
// is configured but fails stops the chain with its error rather than falling through to
// another identity.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "aws/credential_provider.h"
#include "aws/endpoints.h"
#include "aws/http.h"
#include "aws/shared_config.h"
#include "aws/sts_api.h"

namespace sgwatch {

class ChainProvider final : public CredentialProvider {
 public:
  explicit ChainProvider(std::vector<std::shared_ptr<CredentialProvider>> links)
      : links_(std::move(links)) {}
  Result<AwsCredentials> credentials() override;
  std::string name() const override;
  void invalidate() override;

 private:
  std::vector<std::shared_ptr<CredentialProvider>> links_;
  std::mutex mutex_;
  std::shared_ptr<CredentialProvider> chosen_;  // the link that answered last
};

struct ChainOptions {
  EnvLookup env;
  const SharedConfig& config;
  StsApi& sts;
  const Clock& clock;
  // For the container endpoint and IMDS: short timeouts, since off EC2 nothing answers.
  HttpTransport& metadata_transport;
};

// Builds the chain. Fails when AWS_PROFILE names a profile that does not exist, as the
// CLI does, or when the selected profile is misconfigured.
Result<std::shared_ptr<CredentialProvider>> default_credential_chain(const ChainOptions& options);

}  // namespace sgwatch
