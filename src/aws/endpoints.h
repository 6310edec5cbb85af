// Where each AWS service is reached, as the AWS SDKs decide it: a service-specific
// AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the standard regional endpoint.
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns the first two off.
#pragma once

#include <string>
#include <string_view>

#include "core/env.h"

namespace sgwatch {

// `service` is the SDK's service id: "ec2", "sts", "cloudtrail", "sqs", "ses".
// The result has no trailing slash: "https://ec2.eu-west-1.amazonaws.com".
std::string service_endpoint(std::string_view service, std::string_view region,
                             const EnvLookup& env);

// The endpoint for the instance metadata service: AWS_EC2_METADATA_SERVICE_ENDPOINT, else
// the IPv4 or (AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6) IPv6 link-local address.
std::string imds_endpoint(const EnvLookup& env);

}  // namespace sgwatch
