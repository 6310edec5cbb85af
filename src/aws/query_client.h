// Sends AWS Query-protocol calls (EC2, STS, and later SQS and SES): the form body, the
// service's endpoint, a SigV4 signature, retries in the standard mode, and each protocol's
// error document turned into a sentence. Returns the body of a successful response.
//
// Thread-safe if the transport is (the retry policy is shared on purpose).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "aws/aws_error.h"
#include "aws/credentials.h"
#include "aws/endpoints.h"
#include "aws/http.h"
#include "aws/retry_policy.h"
#include "core/clock.h"
#include "core/error.h"

namespace sgwatch {

struct QueryCall {
  std::string service;  // "ec2", "sts": the endpoint id and the signing name
  std::string region;
  std::string action;   // "DescribeSecurityGroups"
  std::string version;  // "2016-11-15"
  std::vector<std::pair<std::string, std::string>> params;
};

// Counts of what a client sent, for metrics and for tests that check the call budget.
struct CallCounts {
  int calls = 0;      // logical calls
  int attempts = 0;   // HTTP requests, retries included
};

class QueryClient {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;

  // `sleep` waits between retries; tests pass one that records instead of sleeping.
  QueryClient(HttpTransport& transport, const Clock& clock, EnvLookup env, RetryPolicy& retries,
              Sleep sleep);

  // Signed with `credentials`; `credentials` null sends the call unsigned (only
  // sts:AssumeRoleWithWebIdentity accepts that).
  Result<std::string> call(const QueryCall& call, const AwsCredentials* credentials);

  CallCounts counts() const;

 private:
  HttpTransport& transport_;
  const Clock& clock_;
  EnvLookup env_;
  RetryPolicy& retries_;
  Sleep sleep_;
  mutable std::mutex mutex_;
  CallCounts counts_;
};

// The form body of a Query call, each name and value percent-encoded (RFC 3986).
std::string query_form_body(const QueryCall& call);

}  // namespace sgwatch
