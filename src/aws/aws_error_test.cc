#include "aws/aws_error.h"

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.h"

namespace sgwatch::aws_error_test {
namespace {

std::string sample(const std::string& name) { return testing::test_data("ec2/" + name); }

HttpResponse response(int status, std::string body, HttpHeaders headers = {}) {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

TEST(AwsError, ReadsRealEc2ErrorBodies) {
  AwsError throttled = parse_aws_error(response(503, sample("error_RequestLimitExceeded.xml")),
                                       AwsProtocol::kEc2);
  EXPECT_EQ(throttled.code, "RequestLimitExceeded");
  EXPECT_EQ(throttled.message, "Request limit exceeded.");
  EXPECT_EQ(throttled.request_id, "6280e71d-9be4-442c-8ddf-00265efeafe6");
  EXPECT_EQ(classify(throttled), ErrorClass::kThrottling);

  AwsError missing = parse_aws_error(
      response(400, sample("error_InvalidPermission.NotFound.xml")), AwsProtocol::kEc2);
  EXPECT_EQ(missing.code, "InvalidPermission.NotFound");
  EXPECT_EQ(classify(missing), ErrorClass::kPermanent);

  AwsError auth = parse_aws_error(response(401, sample("error_AuthFailure.xml")), AwsProtocol::kEc2);
  EXPECT_EQ(auth.code, "AuthFailure");
  EXPECT_NE(describe(auth, "ec2", "DescribeSecurityGroups", "eu-west-1")
                .find("the credentials were not accepted"),
            std::string::npos);
}

TEST(AwsError, ReadsQueryAndJsonProtocolErrors) {
  AwsError sts = parse_aws_error(
      response(403, R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>r-1</RequestId></ErrorResponse>)"),
      AwsProtocol::kQuery);
  EXPECT_EQ(sts.code, "ExpiredToken");
  EXPECT_EQ(sts.request_id, "r-1");
  EXPECT_EQ(classify(sts), ErrorClass::kExpiredCredentials);

  AwsError json = parse_aws_error(
      response(400, R"({"__type":"com.amazonaws.cloudtrail#ThrottlingException","message":"Rate exceeded"})"),
      AwsProtocol::kJson);
  EXPECT_EQ(json.code, "ThrottlingException");
  EXPECT_EQ(json.message, "Rate exceeded");
  EXPECT_EQ(classify(json), ErrorClass::kThrottling);

  AwsError header = parse_aws_error(
      response(400, R"({"Message":"bad"})",
               {{"X-Amzn-ErrorType", "InvalidLookupAttributesException:http://internal"}}),
      AwsProtocol::kJson);
  EXPECT_EQ(header.code, "InvalidLookupAttributesException");
  EXPECT_EQ(header.message, "bad");
}

TEST(AwsError, NonErrorBodiesStillGiveAnError) {
  AwsError gateway = parse_aws_error(response(502, "<html>Bad Gateway</html>"), AwsProtocol::kEc2);
  EXPECT_EQ(gateway.code, "HTTP502");
  EXPECT_EQ(classify(gateway), ErrorClass::kTransient);
  AwsError empty = parse_aws_error(response(400, ""), AwsProtocol::kJson);
  EXPECT_EQ(empty.code, "HTTP400");
  EXPECT_EQ(classify(empty), ErrorClass::kPermanent);
  EXPECT_EQ(classify(parse_aws_error(response(429, ""), AwsProtocol::kJson)),
            ErrorClass::kThrottling);
}

TEST(AwsError, UnauthorizedOperationNamesTheMissingPermission) {
  AwsError denied{403, "UnauthorizedOperation", "You are not authorized to perform this operation.",
                  "abc"};
  std::string text = describe(denied, "ec2", "DescribeSecurityGroups", "eu-west-1");
  EXPECT_NE(text.find("lacks the IAM permission ec2:DescribeSecurityGroups"), std::string::npos)
      << text;
  EXPECT_NE(text.find("eu-west-1"), std::string::npos);
  EXPECT_NE(text.find("[request id abc]"), std::string::npos);
}

// SQS speaks JSON 1.0 and sends its Query-era code beside the JSON one: the shapes are those
// of botocore's sqs service-2.json (awsQueryCompatible) and what SQS answers for a queue
// that does not exist.
TEST(AwsError, SqsJsonErrorsTakeTheQueryCompatibleCode) {
  AwsError missing = parse_aws_error(
      response(400,
               R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."})",
               {{"x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"},
                {"x-amzn-RequestId", "a918fbf2-457a-4fe1-99ba-5685ce220fc1"}}),
      AwsProtocol::kJson);
  EXPECT_EQ(missing.code, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(missing.message, "The specified queue does not exist.");
  EXPECT_EQ(missing.request_id, "a918fbf2-457a-4fe1-99ba-5685ce220fc1");
  EXPECT_EQ(classify(missing), ErrorClass::kPermanent);
  EXPECT_EQ(describe(missing, "sqs", "ReceiveMessage", "eu-west-1"),
            "sqs:ReceiveMessage in eu-west-1 failed: AWS.SimpleQueueService.NonExistentQueue: "
            "The specified queue does not exist. (no such queue: check the queue URL, and that "
            "its account and region are the queue's) [request id "
            "a918fbf2-457a-4fe1-99ba-5685ce220fc1]");

  // Without the header, the JSON code alone still reads as a missing queue.
  AwsError bare = parse_aws_error(
      response(400, R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"})"),
      AwsProtocol::kJson);
  EXPECT_EQ(bare.code, "QueueDoesNotExist");
  EXPECT_EQ(classify(bare), ErrorClass::kPermanent);
  EXPECT_NE(describe(bare, "sqs", "ReceiveMessage", "eu-west-1").find("no such queue"),
            std::string::npos);
}

TEST(AwsError, SqsRetryClasses) {
  auto sqs_error = [](std::string type, std::string query_code) {
    HttpHeaders headers;
    if (!query_code.empty()) headers.emplace_back("x-amzn-query-error", query_code + ";Sender");
    return parse_aws_error(
        response(400, R"({"__type":"com.amazonaws.sqs#)" + type + R"(","message":"m"})",
                 std::move(headers)),
        AwsProtocol::kJson);
  };
  for (const auto& [type, query_code] : std::vector<std::pair<std::string, std::string>>{
           {"RequestThrottled", "RequestThrottled"},
           {"ThrottlingException", ""},
           {"KmsThrottled", "KMS.ThrottlingException"},
           {"KmsThrottled", ""},
           {"OverLimit", "OverLimit"}}) {
    AwsError error = sqs_error(type, query_code);
    EXPECT_EQ(classify(error), ErrorClass::kThrottling) << type << " / " << error.code;
  }
  for (const auto& [type, query_code] : std::vector<std::pair<std::string, std::string>>{
           {"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"},
           {"QueueDoesNotExist", ""},
           {"AccessDenied", "AccessDenied"},
           {"InvalidParameterValue", "InvalidParameterValue"},
           {"ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid"}}) {
    AwsError error = sqs_error(type, query_code);
    EXPECT_EQ(classify(error), ErrorClass::kPermanent) << type << " / " << error.code;
  }
  AwsError denied = sqs_error("AccessDenied", "AccessDenied");
  EXPECT_NE(describe(denied, "sqs", "DeleteMessageBatch", "eu-west-1")
                .find("(the identity lacks the IAM permission sqs:DeleteMessageBatch)"),
            std::string::npos);
}

}  // namespace
}  // namespace sgwatch::aws_error_test
