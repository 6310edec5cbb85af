// The STS calls the credential chain needs, as an interface: the real client signs and
// sends them; tests substitute a fake.
#pragma once

#include <chrono>
#include <string>

#include "aws/credentials.h"
#include "core/error.h"

namespace sgwatch {

struct AssumeRoleRequest {
  std::string role_arn;
  std::string session_name = "sgwatch";
  std::string external_id;  // empty: none sent
  std::chrono::seconds duration = std::chrono::hours(1);
};

struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

class StsApi {
 public:
  virtual ~StsApi() = default;
  virtual Result<AwsCredentials> assume_role(const AwsCredentials& caller,
                                             const AssumeRoleRequest& request) = 0;
  // Unsigned: the token is the proof.
  virtual Result<AwsCredentials> assume_role_with_web_identity(const AssumeRoleRequest& request,
                                                               const std::string& token) = 0;
  virtual Result<CallerIdentity> get_caller_identity(const AwsCredentials& caller) = 0;
};

}  // namespace sgwatch
