// The real StsApi: STS's Query API through a QueryClient, responses read with pugixml.
#pragma once

#include <string>

#include "aws/query_client.h"
#include "aws/sts_api.h"

namespace sgwatch {

class StsClient final : public StsApi {
 public:
  // `region` picks the regional STS endpoint (as the SDKs do by default).
  StsClient(QueryClient& client, std::string region)
      : client_(client), region_(std::move(region)) {}

  Result<AwsCredentials> assume_role(const AwsCredentials& caller,
                                     const AssumeRoleRequest& request) override;
  Result<AwsCredentials> assume_role_with_web_identity(const AssumeRoleRequest& request,
                                                       const std::string& token) override;
  Result<CallerIdentity> get_caller_identity(const AwsCredentials& caller) override;

 private:
  QueryClient& client_;
  std::string region_;
};

// Reads <Credentials> out of an AssumeRole* response; exposed for tests.
Result<AwsCredentials> parse_sts_credentials(const std::string& xml, const std::string& action);

}  // namespace sgwatch
