#include "aws/env_credentials.h"

namespace sgwatch {

Result<AwsCredentials> EnvCredentials::credentials() {
  auto key = env_("AWS_ACCESS_KEY_ID");
  auto secret = env_("AWS_SECRET_ACCESS_KEY");
  if (!key && !secret) return fail(ErrorCode::kNotFound, "AWS_ACCESS_KEY_ID is not set");
  // Half a key pair is a mistake worth stopping for, not a reason to try other sources.
  if (!key || !secret) {
    return invalid(std::string(key ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") +
                   " is not set while " + (key ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") +
                   " is");
  }
  return AwsCredentials{*key, *secret, env_("AWS_SESSION_TOKEN").value_or(""), std::nullopt};
}

}  // namespace sgwatch
