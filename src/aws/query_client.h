// Sends AWS calls in two protocols: Query (EC2, STS: a form body) and JSON 1.0 and 1.1
// (SQS, CloudTrail, Config: a JSON body, the operation named by X-Amz-Target). Both share
// one loop: the service's endpoint, a SigV4 signature, retries in the standard mode, and
// each protocol's error document turned into a sentence. Returns the body of a successful
// response, unparsed.
//
// Thread-safe if the transport is (the retry policy is shared on purpose).
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
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
#include "core/metrics.h"

namespace sgwatch {

struct QueryCall {
  std::string service;  // "ec2", "sts": the endpoint id and the signing name
  std::string region;
  std::string action;   // "DescribeSecurityGroups"
  std::string version;  // "2016-11-15"
  std::vector<std::pair<std::string, std::string>> params;
};

// The version of the JSON protocol a service speaks: its Content-Type is
// application/x-amz-json-<version>. The two differ only in that header.
enum class JsonVersion {
  k1_0,  // SQS
  k1_1,  // CloudTrail, Config
};

// A JSON call: POST / with Content-Type application/x-amz-json-1.0 or 1.1.
struct JsonCall {
  std::string service;  // "cloudtrail": the endpoint id and the signing name
  std::string region;
  // X-Amz-Target: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
  std::string target;
  std::string action;  // "LookupEvents": for messages
  std::string body;    // the request document
  JsonVersion version = JsonVersion::k1_1;
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
  // The same for a JSON call; `credentials` null sends it unsigned. Named apart from
  // call(), since a braced QueryCall would also fit a JsonCall.
  Result<std::string> call_json(const JsonCall& call, const AwsCredentials* credentials);

  CallCounts counts() const;

  // From now on counts every HTTP request into `metrics`, by service, action and outcome
  // (sgwatch_aws_requests_total), and every retry (sgwatch_aws_retries_total); null: counts
  // nothing. Not thread-safe: call before the client is shared with other threads.
  void count_into(Metrics* metrics);

 private:
  // What the shared loop needs to know of a call besides its request.
  struct Target {
    const std::string& service;
    const std::string& region;
    const std::string& action;
    AwsProtocol protocol;
  };
  // Signs (when `credentials` is set), sends, and retries `request` until it succeeds or
  // the retry policy gives up.
  Result<std::string> send(HttpRequest request, const Target& target,
                           const AwsCredentials* credentials);
  // One request's outcome: its HTTP status, the AWS error code, "network" or "cancelled".
  void count_request(const Target& target, std::string_view code);

  HttpTransport& transport_;
  const Clock& clock_;
  EnvLookup env_;
  RetryPolicy& retries_;
  Sleep sleep_;
  mutable std::mutex mutex_;
  CallCounts counts_;
  CounterFamily* requests_counted_ = nullptr;  // null: not counted
  CounterFamily* retries_counted_ = nullptr;
};

// The form body of a Query call, each name and value percent-encoded (RFC 3986).
std::string query_form_body(const QueryCall& call);

}  // namespace sgwatch
