#include "aws/endpoints.h"

#include <map>

#include <gtest/gtest.h>

#include "test_support.h"

namespace sgwatch::endpoints_test {
namespace {

using testing::env_of;

TEST(Endpoints, StandardRegionalEndpoints) {
  auto none = env_of({});
  EXPECT_EQ(service_endpoint("ec2", "eu-west-1", none), "https://ec2.eu-west-1.amazonaws.com");
  EXPECT_EQ(service_endpoint("sts", "us-east-1", none), "https://sts.us-east-1.amazonaws.com");
  EXPECT_EQ(service_endpoint("ses", "eu-west-1", none), "https://email.eu-west-1.amazonaws.com");
  EXPECT_EQ(service_endpoint("ec2", "cn-north-1", none), "https://ec2.cn-north-1.amazonaws.com.cn");
}

TEST(Endpoints, ConfiguredEndpointsWinInTheSdkOrder) {
  auto env = env_of({{"AWS_ENDPOINT_URL", "http://127.0.0.1:4566/"},
                     {"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000"}});
  EXPECT_EQ(service_endpoint("sts", "eu-west-1", env), "http://127.0.0.1:5000");
  EXPECT_EQ(service_endpoint("ec2", "eu-west-1", env), "http://127.0.0.1:4566");
  auto ignored = env_of({{"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"},
                         {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"}});
  EXPECT_EQ(service_endpoint("ec2", "eu-west-1", ignored), "https://ec2.eu-west-1.amazonaws.com");
  auto cloudtrail = env_of({{"AWS_ENDPOINT_URL_CLOUDTRAIL", "http://127.0.0.1:1"}});
  EXPECT_EQ(service_endpoint("cloudtrail", "eu-west-1", cloudtrail), "http://127.0.0.1:1");
}

TEST(Endpoints, InstanceMetadata) {
  EXPECT_EQ(imds_endpoint(env_of({})), "http://169.254.169.254");
  EXPECT_EQ(imds_endpoint(env_of({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}})),
            "http://[fd00:ec2::254]");
  EXPECT_EQ(imds_endpoint(env_of({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/"}})),
            "http://127.0.0.1:9");
}

}  // namespace
}  // namespace sgwatch::endpoints_test
