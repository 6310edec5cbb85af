#include "emulator/cloudtrail/cloudtrail_service.h"

#include <nlohmann/json.hpp>

#include "emulator/cloudtrail/lookup_events.h"
#include "emulator/request_id.h"

namespace sgwatch::emulator {
namespace {

constexpr char kContentType[] = "application/x-amz-json-1.1";

Response json_answer(int status, const std::string& body) {
  return Response{status, kContentType, body, {{"x-amzn-RequestId", new_request_id()}}};
}

}  // namespace

std::string cloudtrail_operation(const std::string& target) {
  const std::string prefix = kCloudTrailTargetPrefix;
  return target.starts_with(prefix) ? target.substr(prefix.size()) : "";
}

Response cloudtrail_error(int status, const std::string& type, const std::string& message) {
  return json_answer(status, nlohmann::json{{"__type", type}, {"message", message}}.dump());
}

Response CloudTrailService::handle(const Caller& caller, const std::string& region,
                                   const std::string& operation, const std::string& body) {
  if (operation != "LookupEvents") {
    return cloudtrail_error(400, "UnknownOperationException",
                            "The emulator does not serve the CloudTrail operation '" + operation +
                                "'.");
  }
  if (!caller.may("cloudtrail", operation)) {
    const std::string permission = "cloudtrail:" + operation;
    return cloudtrail_error(400, "AccessDeniedException",
                            "User: " + caller.arn + " is not authorized to perform: " +
                                permission + " because no identity-based policy allows the " +
                                permission + " action");
  }
  // Throttled before anything else is looked at, as AWS's front end does.
  if (!trail_.admit_lookup(caller.account_id, region)) {
    return cloudtrail_error(400, "ThrottlingException", "Rate exceeded");
  }
  const nlohmann::json request =
      body.empty() ? nlohmann::json::object() : nlohmann::json::parse(body, nullptr, false);
  if (request.is_discarded()) {
    return cloudtrail_error(400, "SerializationException", "The request body is not JSON.");
  }
  auto answer = lookup_events(trail_, caller.account_id, region, request, clock_.now());
  if (!answer) return cloudtrail_error(answer.error().status, answer.error().type,
                                       answer.error().message);
  return json_answer(200, answer->dump());
}

}  // namespace sgwatch::emulator
