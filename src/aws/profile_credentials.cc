#include "aws/profile_credentials.h"

#include <charconv>

#include "aws/assume_role_provider.h"
#include "aws/credential_process.h"
#include "aws/env_credentials.h"

namespace sgwatch {
namespace {

class ProcessProvider final : public CredentialProvider {
 public:
  ProcessProvider(std::string command, std::string profile)
      : command_(std::move(command)), profile_(std::move(profile)) {}
  Result<AwsCredentials> credentials() override {
    auto credentials = run_credential_process(command_);
    if (!credentials) return tl::unexpected(credentials.error().within("profile " + profile_));
    return credentials;
  }
  std::string name() const override { return "credential_process of profile " + profile_; }

 private:
  std::string command_;
  std::string profile_;
};

Result<std::shared_ptr<CredentialProvider>> resolve(const ProfileContext& context,
                                                    const std::string& profile,
                                                    std::set<std::string>& visiting);

Result<AssumeRoleRequest> role_request(const ProfileContext& context, const std::string& profile,
                                       const std::string& role_arn) {
  AssumeRoleRequest request;
  request.role_arn = role_arn;
  request.external_id = context.config.get(profile, "external_id").value_or("");
  request.session_name = context.config.get(profile, "role_session_name").value_or("sgwatch");
  if (auto seconds = context.config.get(profile, "duration_seconds")) {
    int value = 0;
    auto [end, ec] = std::from_chars(seconds->data(), seconds->data() + seconds->size(), value);
    if (ec != std::errc() || end != seconds->data() + seconds->size() || value < 900) {
      return invalid("profile " + profile + ": duration_seconds must be a number of seconds, 900 or more");
    }
    request.duration = std::chrono::seconds(value);
  }
  return request;
}

Result<std::shared_ptr<CredentialProvider>> role_source(const ProfileContext& context,
                                                        const std::string& profile,
                                                        std::set<std::string>& visiting) {
  auto source_profile = context.config.get(profile, "source_profile");
  auto credential_source = context.config.get(profile, "credential_source");
  if (source_profile && credential_source) {
    return invalid("profile " + profile + " sets both source_profile and credential_source");
  }
  if (source_profile) {
    // A profile may name itself as its source: then its own static keys are the source.
    if (*source_profile == profile) {
      auto key = context.config.get(profile, "aws_access_key_id");
      auto secret = context.config.get(profile, "aws_secret_access_key");
      if (!key || !secret) return invalid("profile " + profile + " is its own source_profile but has no keys");
      return std::shared_ptr<CredentialProvider>(std::make_shared<StaticProvider>(
          AwsCredentials{*key, *secret, context.config.get(profile, "aws_session_token").value_or(""), {}},
          "profile " + profile));
    }
    auto source = resolve(context, *source_profile, visiting);
    if (!source && source.error().code == ErrorCode::kNotFound) {
      return invalid("profile " + profile + ": source_profile " + *source_profile +
                     " has no credentials");
    }
    return source;
  }
  if (credential_source) {
    std::shared_ptr<CredentialProvider> source;
    if (*credential_source == "Environment") {
      source = std::make_shared<EnvCredentials>(context.env);
    } else if (*credential_source == "Ec2InstanceMetadata" && context.instance_metadata) {
      source = context.instance_metadata();
    } else if (*credential_source == "EcsContainer" && context.container) {
      source = context.container();
    } else if (*credential_source != "Ec2InstanceMetadata" && *credential_source != "EcsContainer") {
      return invalid("profile " + profile + ": credential_source '" + *credential_source +
                     "' is not Environment, Ec2InstanceMetadata or EcsContainer");
    }
    if (!source) {
      return invalid("profile " + profile + ": credential_source " + *credential_source +
                     " is not available here");
    }
    return source;
  }
  return invalid("profile " + profile + " sets role_arn but neither source_profile nor "
                 "credential_source nor web_identity_token_file");
}

Result<std::shared_ptr<CredentialProvider>> resolve(const ProfileContext& context,
                                                    const std::string& profile,
                                                    std::set<std::string>& visiting) {
  if (!context.config.has_profile(profile)) {
    return fail(ErrorCode::kNotFound, "there is no profile " + profile);
  }
  if (!visiting.insert(profile).second) {
    return invalid("profile " + profile + " is part of a source_profile cycle");
  }
  const SharedConfig& config = context.config;
  if (auto role_arn = config.get(profile, "role_arn")) {
    auto request = role_request(context, profile, *role_arn);
    if (!request) return tl::unexpected(request.error());
    std::unique_ptr<CredentialProvider> provider;
    if (auto token_file = config.get(profile, "web_identity_token_file")) {
      provider = std::make_unique<WebIdentityProvider>(*token_file, context.sts, *request);
    } else {
      auto source = role_source(context, profile, visiting);
      if (!source) return tl::unexpected(source.error());
      provider = std::make_unique<AssumeRoleProvider>(*source, context.sts, *request);
    }
    return std::shared_ptr<CredentialProvider>(
        std::make_shared<CachingProvider>(std::move(provider), context.clock));
  }
  auto key = config.get(profile, "aws_access_key_id");
  auto secret = config.get(profile, "aws_secret_access_key");
  if (key || secret) {
    if (!key || !secret) {
      return invalid("profile " + profile + " sets only one of aws_access_key_id and "
                     "aws_secret_access_key");
    }
    return std::shared_ptr<CredentialProvider>(std::make_shared<StaticProvider>(
        AwsCredentials{*key, *secret, config.get(profile, "aws_session_token").value_or(""), {}},
        "profile " + profile));
  }
  if (auto command = config.get(profile, "credential_process")) {
    return std::shared_ptr<CredentialProvider>(std::make_shared<CachingProvider>(
        std::make_unique<ProcessProvider>(*command, profile), context.clock));
  }
  return fail(ErrorCode::kNotFound, "profile " + profile + " names no credentials");
}

}  // namespace

Result<std::shared_ptr<CredentialProvider>> profile_provider(const ProfileContext& context,
                                                             const std::string& profile) {
  std::set<std::string> visiting;
  return resolve(context, profile, visiting);
}

}  // namespace sgwatch
