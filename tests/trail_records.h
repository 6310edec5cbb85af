// CloudTrail records for tests, in the shape CloudTrail writes them, built field by field so
// a test says only what matters to it.
#pragma once

#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/time_format.h"

namespace sgwatch::testing {

struct TrailCall {
  std::string event_id = "11111111-2222-4333-8444-555555555555";
  Timestamp time;
  std::string account = "111122223333";
  std::string region = "eu-west-1";
  std::string actor_arn = "arn:aws:iam::111122223333:user/bob";
  std::string source_ip = "198.51.100.7";
  std::string user_agent = "aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0 source/x86_64.debian.12";
  std::string error_code;  // "Client.UnauthorizedOperation" for a refused call
};

// The common fields of every record.
inline nlohmann::json trail_record(const TrailCall& call, const std::string& event_name) {
  nlohmann::json record = {
      {"eventVersion", "1.08"},
      {"userIdentity",
       {{"type", "IAMUser"},
        {"principalId", "AIDAEXAMPLEBOB000000"},
        {"arn", call.actor_arn},
        {"accountId", call.account},
        {"accessKeyId", "AKIAEXAMPLEBOB000000"},
        {"userName", call.actor_arn.substr(call.actor_arn.rfind('/') + 1)}}},
      {"eventTime", format_utc(std::chrono::floor<std::chrono::seconds>(call.time))},
      {"eventSource", "ec2.amazonaws.com"},
      {"eventName", event_name},
      {"awsRegion", call.region},
      {"sourceIPAddress", call.source_ip},
      {"userAgent", call.user_agent},
      {"requestID", "req-" + call.event_id},
      {"eventID", call.event_id},
      {"eventType", "AwsApiCall"},
      {"recipientAccountId", call.account}};
  if (!call.error_code.empty()) {
    record["errorCode"] = call.error_code;
    record["errorMessage"] = "You are not authorized to perform this operation.";
  }
  return record;
}

// AuthorizeSecurityGroupIngress (or Egress) of one tcp port from one IPv4 block.
inline nlohmann::json authorize_record(const TrailCall& call, const std::string& group, int port,
                                       const std::string& cidr, bool egress = false) {
  nlohmann::json record = trail_record(
      call, egress ? "AuthorizeSecurityGroupEgress" : "AuthorizeSecurityGroupIngress");
  record["requestParameters"] = nlohmann::json::parse(fmt::format(
      R"({{"groupId":"{}","ipPermissions":{{"items":[{{"ipProtocol":"tcp","fromPort":{},)"
      R"("toPort":{},"ipRanges":{{"items":[{{"cidrIp":"{}"}}]}}}}]}}}})",
      group, port, port, cidr));
  record["responseElements"] =
      call.error_code.empty() ? nlohmann::json{{"_return", true}} : nlohmann::json(nullptr);
  return record;
}

}  // namespace sgwatch::testing
