#include "aws/aws_error.h"

#include <array>

#include <fmt/format.h>
#include <pugixml.hpp>
#include <simdjson.h>

namespace sgwatch {
namespace {

std::string child_text(pugi::xml_node node, const char* name) {
  return node.child(name).text().as_string();
}

// JSON protocol codes may carry a namespace ("com.amazonaws...#ThrottlingException") and
// a suffix after ':' in the x-amzn-ErrorType header.
std::string plain_code(std::string_view code) {
  if (size_t hash = code.rfind('#'); hash != std::string_view::npos) code.remove_prefix(hash + 1);
  if (size_t colon = code.find(':'); colon != std::string_view::npos) code = code.substr(0, colon);
  return std::string(code);
}

void read_xml(const HttpResponse& response, AwsProtocol protocol, AwsError& error) {
  pugi::xml_document doc;
  if (!doc.load_buffer(response.body.data(), response.body.size())) return;
  pugi::xml_node node;
  if (protocol == AwsProtocol::kEc2) {
    pugi::xml_node root = doc.child("Response");
    node = root.child("Errors").child("Error");
    error.request_id = child_text(root, "RequestID");
  } else {
    pugi::xml_node root = doc.child("ErrorResponse");
    node = root.child("Error");
    error.request_id = child_text(root, "RequestId");
  }
  error.code = child_text(node, "Code");
  error.message = child_text(node, "Message");
}

// "AWS.SimpleQueueService.NonExistentQueue;Sender": the code, then who is at fault.
std::string query_compatible_code(std::string_view header) {
  return std::string(header.substr(0, header.find(';')));
}

void read_json(const HttpResponse& response, AwsError& error) {
  error.code = query_compatible_code(response.header("x-amzn-query-error"));
  if (error.code.empty()) error.code = plain_code(response.header("x-amzn-ErrorType"));
  error.request_id = response.header("x-amzn-RequestId");
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(response.body).get_object().get(object) != simdjson::SUCCESS) return;
  std::string_view text;
  if (error.code.empty() && object["__type"].get_string().get(text) == simdjson::SUCCESS) {
    error.code = plain_code(text);
  }
  // Services disagree on the capital letter.
  for (const char* key : {"message", "Message"}) {
    if (object[key].get_string().get(text) == simdjson::SUCCESS) {
      error.message = std::string(text);
      break;
    }
  }
}

bool one_of(const std::string& code, std::initializer_list<std::string_view> codes) {
  for (std::string_view candidate : codes) {
    if (code == candidate) return true;
  }
  return false;
}

}  // namespace

AwsError parse_aws_error(const HttpResponse& response, AwsProtocol protocol) {
  AwsError error;
  error.http_status = response.status;
  if (protocol == AwsProtocol::kJson) {
    read_json(response, error);
  } else {
    read_xml(response, protocol, error);
  }
  if (error.code.empty()) error.code = fmt::format("HTTP{}", response.status);
  if (error.message.empty()) error.message = "the service gave no error message";
  return error;
}

ErrorClass classify(const AwsError& error) {
  // The codes the AWS SDKs' standard retry mode treats as throttling and as transient.
  if (one_of(error.code, {"Throttling", "ThrottlingException", "ThrottledException",
                          "RequestThrottledException", "TooManyRequestsException",
                          "ProvisionedThroughputExceededException", "TransactionInProgressException",
                          "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
                          "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
                          "EC2ThrottledException",
                          // SQS: KMS throttling the queue's key (JSON and Query names), and
                          // too many messages in flight, which deletes soon relieve.
                          "KmsThrottled", "KMS.ThrottlingException", "OverLimit"}) ||
      error.http_status == 429) {
    return ErrorClass::kThrottling;
  }
  if (one_of(error.code, {"ExpiredToken", "ExpiredTokenException", "RequestExpired"})) {
    return ErrorClass::kExpiredCredentials;
  }
  if (one_of(error.code, {"RequestTimeout", "RequestTimeoutException", "InternalError",
                          "InternalFailure", "ServiceUnavailable", "Unavailable"}) ||
      error.http_status == 500 || error.http_status == 502 || error.http_status == 503 ||
      error.http_status == 504) {
    return ErrorClass::kTransient;
  }
  return ErrorClass::kPermanent;
}

std::string describe(const AwsError& error, std::string_view service, std::string_view action,
                     std::string_view region) {
  std::string text = fmt::format("{}:{} in {} failed: {}: {}", service, action, region,
                                 error.code, error.message);
  if (one_of(error.code, {"UnauthorizedOperation", "AccessDenied", "AccessDeniedException"})) {
    text += fmt::format(" (the identity lacks the IAM permission {}:{})", service, action);
  } else if (one_of(error.code, {"AuthFailure", "InvalidClientTokenId",
                                 "UnrecognizedClientException", "SignatureDoesNotMatch"})) {
    text += " (the credentials were not accepted: check the access key and secret)";
  } else if (one_of(error.code, {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})) {
    text += " (no such queue: check the queue URL, and that its account and region are the "
            "queue's)";
  } else if (error.code == "RequestExpired") {
    text += " (the request's time was off: check this machine's clock)";
  }
  if (!error.request_id.empty()) text += fmt::format(" [request id {}]", error.request_id);
  return text;
}

}  // namespace sgwatch
