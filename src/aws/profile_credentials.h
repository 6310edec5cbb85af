// Credentials named by a profile of the shared config files, resolved as the AWS CLI
// does: role_arn with source_profile (a chain of profiles) or credential_source
// (Environment, Ec2InstanceMetadata, EcsContainer); role_arn with
// web_identity_token_file; static keys; credential_process.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "aws/credential_provider.h"
#include "aws/endpoints.h"
#include "aws/shared_config.h"
#include "aws/sts_api.h"

namespace sgwatch {

// What a profile may point at beyond the files themselves.
struct ProfileContext {
  const SharedConfig& config;
  EnvLookup env;
  StsApi& sts;
  const Clock& clock;
  // The chain's own links, for credential_source. May return null when unavailable.
  std::function<std::shared_ptr<CredentialProvider>()> instance_metadata;
  std::function<std::shared_ptr<CredentialProvider>()> container;
};

// A provider for `profile`, or kNotFound when the profile does not exist or names no
// credentials. Misconfiguration (a source_profile cycle, an unknown credential_source, a
// role without a source) is kInvalidInput naming the profile and the setting.
Result<std::shared_ptr<CredentialProvider>> profile_provider(const ProfileContext& context,
                                                             const std::string& profile);

// Fixed credentials, for static keys.
class StaticProvider final : public CredentialProvider {
 public:
  StaticProvider(AwsCredentials credentials, std::string name)
      : credentials_(std::move(credentials)), name_(std::move(name)) {}
  Result<AwsCredentials> credentials() override { return credentials_; }
  std::string name() const override { return name_; }

 private:
  AwsCredentials credentials_;
  std::string name_;
};

}  // namespace sgwatch
