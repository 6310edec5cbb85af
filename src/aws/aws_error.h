// Errors AWS services return, read from each protocol's error document, classified for
// retries, and worded for people. EC2 writes <Response><Errors><Error>; STS and SES (Query
// protocol) write <ErrorResponse><Error>; CloudTrail and Config (JSON 1.1) and SQS (JSON
// 1.0) write {"__type": "...#Code", "message": ...}. SQS, which spoke Query before JSON,
// also sends its Query-era code in an x-amzn-query-error header
// ("AWS.SimpleQueueService.NonExistentQueue;Sender"); like the AWS SDKs, sgwatch takes
// that code when it is there, so the code is the one AWS documents and awscli shows.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "aws/http.h"

namespace sgwatch {

enum class AwsProtocol { kEc2, kQuery, kJson };

struct AwsError {
  int http_status = 0;
  std::string code;     // "UnauthorizedOperation", "RequestLimitExceeded"
  std::string message;  // as the service wrote it
  std::string request_id;
};

// Reads the error in an unsuccessful response. A body that is not the protocol's error
// document still gives an error, named after the HTTP status, so nothing is mistaken for
// success.
AwsError parse_aws_error(const HttpResponse& response, AwsProtocol protocol);

enum class ErrorClass {
  kThrottling,          // slow down and retry
  kTransient,           // 5xx and the like: retry
  kExpiredCredentials,  // refresh the credentials, then retry once
  kPermanent,           // the request itself is wrong or forbidden: do not retry
};

ErrorClass classify(const AwsError& error);

// "ec2:DescribeSecurityGroups in eu-west-1 failed: UnauthorizedOperation: ... (the identity
// lacks the IAM permission ec2:DescribeSecurityGroups)".
std::string describe(const AwsError& error, std::string_view service, std::string_view action,
                     std::string_view region);

}  // namespace sgwatch
