#include "aws/credential_chain.h"

#include "aws/assume_role_provider.h"
#include "aws/env_credentials.h"
#include "aws/metadata_credentials.h"
#include "aws/profile_credentials.h"

namespace sgwatch {
namespace {

// A link that only reports that it has nothing, with the reason, so the chain's final
// message lists every place it looked.
class NothingHere final : public CredentialProvider {
 public:
  NothingHere(std::string name, std::string why) : name_(std::move(name)), why_(std::move(why)) {}
  Result<AwsCredentials> credentials() override { return fail(ErrorCode::kNotFound, why_); }
  std::string name() const override { return name_; }

 private:
  std::string name_;
  std::string why_;
};

}  // namespace

Result<AwsCredentials> ChainProvider::credentials() {
  std::lock_guard lock(mutex_);
  // Once a link has answered, it keeps answering: identities do not switch mid-run.
  if (chosen_) return chosen_->credentials();
  std::string tried;
  for (const auto& link : links_) {
    auto credentials = link->credentials();
    if (credentials) {
      chosen_ = link;
      return credentials;
    }
    if (credentials.error().code != ErrorCode::kNotFound) {
      return tl::unexpected(credentials.error().within(link->name()));
    }
    tried += "\n  " + link->name() + ": " + credentials.error().message;
  }
  return fail(ErrorCode::kNotFound, "no AWS credentials found; tried:" + tried);
}

void ChainProvider::invalidate() {
  std::lock_guard lock(mutex_);
  if (chosen_) chosen_->invalidate();
}

std::string ChainProvider::name() const {
  return chosen_ ? chosen_->name() : "credential chain";
}

Result<std::shared_ptr<CredentialProvider>> default_credential_chain(const ChainOptions& options) {
  const EnvLookup& env = options.env;
  std::vector<std::shared_ptr<CredentialProvider>> links;
  links.push_back(std::make_shared<EnvCredentials>(env));

  auto container = [&]() -> std::shared_ptr<CredentialProvider> {
    return std::make_shared<CachingProvider>(
        std::make_unique<ContainerCredentials>(options.metadata_transport, env), options.clock);
  };
  auto instance = [&]() -> std::shared_ptr<CredentialProvider> {
    return std::make_shared<CachingProvider>(
        std::make_unique<InstanceMetadataCredentials>(options.metadata_transport, env),
        options.clock);
  };

  const std::string profile = selected_profile(env);
  const bool profile_asked_for = env("AWS_PROFILE").has_value();
  if (profile_asked_for && !options.config.has_profile(profile)) {
    return fail(ErrorCode::kInvalidInput,
                "the profile '" + profile + "' named by AWS_PROFILE is in neither " +
                    config_file_path(env) + " nor " + credentials_file_path(env));
  }
  ProfileContext context{options.config, env, options.sts, options.clock, instance, container};
  auto from_profile = profile_provider(context, profile);
  if (from_profile) {
    links.push_back(*from_profile);
  } else if (from_profile.error().code == ErrorCode::kNotFound) {
    links.push_back(std::make_shared<NothingHere>("profile " + profile, from_profile.error().message));
  } else {
    return tl::unexpected(from_profile.error());
  }

  auto token_file = env("AWS_WEB_IDENTITY_TOKEN_FILE");
  auto role_arn = env("AWS_ROLE_ARN");
  if (token_file && role_arn) {
    AssumeRoleRequest request;
    request.role_arn = *role_arn;
    request.session_name = env("AWS_ROLE_SESSION_NAME").value_or("sgwatch");
    links.push_back(std::make_shared<CachingProvider>(
        std::make_unique<WebIdentityProvider>(*token_file, options.sts, request), options.clock));
  } else {
    links.push_back(std::make_shared<NothingHere>(
        "web identity", "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not both set"));
  }
  links.push_back(container());
  links.push_back(instance());
  return std::shared_ptr<CredentialProvider>(std::make_shared<ChainProvider>(std::move(links)));
}

}  // namespace sgwatch
