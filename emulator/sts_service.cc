#include "emulator/sts_service.h"

#include <charconv>
#include <sstream>

#include <date/date.h>
#include <pugixml.hpp>

#include "emulator/request_id.h"

namespace sgwatch::emulator {
namespace {

constexpr const char* kStsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

std::string sts_text(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

std::string sts_param(const Params& params, const std::string& name) {
  auto found = params.find(name);
  return found == params.end() ? "" : found->second;
}

// Starts <ActionResponse xmlns=...><ActionResult/>, returning the result element;
// ResponseMetadata is added by sts_finish().
pugi::xml_node sts_begin(pugi::xml_document& doc, const std::string& action) {
  pugi::xml_node response = doc.append_child((action + "Response").c_str());
  response.append_attribute("xmlns") = kStsNamespace;
  return response.append_child((action + "Result").c_str());
}

Response sts_finish(pugi::xml_document& doc) {
  pugi::xml_node metadata = doc.first_child().append_child("ResponseMetadata");
  metadata.append_child("RequestId").text() = new_request_id().c_str();
  return Response{200, "text/xml", sts_text(doc), {}};
}

void add_sts_text(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).text() = value.c_str();
}

void add_credentials(pugi::xml_node result, const Credentials& credentials,
                     const Caller& caller) {
  pugi::xml_node node = result.append_child("Credentials");
  add_sts_text(node, "AccessKeyId", credentials.access_key_id);
  add_sts_text(node, "SecretAccessKey", credentials.secret_access_key);
  add_sts_text(node, "SessionToken", credentials.session_token);
  add_sts_text(node, "Expiration",
           date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(*credentials.expiration)));
  pugi::xml_node user = result.append_child("AssumedRoleUser");
  add_sts_text(user, "AssumedRoleId", caller.principal_id);
  add_sts_text(user, "Arn", caller.arn);
}

// DurationSeconds, default one hour.
std::optional<std::chrono::seconds> duration(const Params& params) {
  std::string text = sts_param(params, "DurationSeconds");
  if (text.empty()) return std::chrono::seconds(3600);
  int seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return std::chrono::seconds(seconds);
}

Response refused(const StsRefusal& refusal) {
  return sts_error(refusal.status, refusal.code, refusal.message);
}

Response missing(const char* name) {
  return sts_error(400, "MissingParameter",
                   std::string("The request must contain the parameter ") + name);
}

}  // namespace

Response sts_error(int status, const std::string& code, const std::string& message) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("ErrorResponse");
  root.append_attribute("xmlns") = kStsNamespace;
  pugi::xml_node error = root.append_child("Error");
  add_sts_text(error, "Type", status >= 500 ? "Receiver" : "Sender");
  add_sts_text(error, "Code", code);
  add_sts_text(error, "Message", message);
  add_sts_text(root, "RequestId", new_request_id());
  return Response{status, "text/xml", sts_text(doc), {}};
}

Response StsService::handle(const std::optional<Caller>& caller, const Params& params) {
  const std::string action = sts_param(params, "Action");
  if (action == "AssumeRoleWithWebIdentity") {
    for (const char* name : {"RoleArn", "RoleSessionName", "WebIdentityToken"}) {
      if (sts_param(params, name).empty()) return missing(name);
    }
    auto length = duration(params);
    if (!length) return sts_error(400, "ValidationError", "DurationSeconds is not a number");
    auto issued = identities_.assume_role_with_web_identity(
        sts_param(params, "RoleArn"), sts_param(params, "RoleSessionName"),
        sts_param(params, "WebIdentityToken"), *length);
    if (!issued) return refused(issued.error());
    pugi::xml_document doc;
    pugi::xml_node result = sts_begin(doc, action);
    add_credentials(result, issued->first, issued->second);
    add_sts_text(result, "SubjectFromWebIdentityToken", "system:serviceaccount:sgwatch:sgwatch");
    add_sts_text(result, "Audience", "sts.amazonaws.com");
    add_sts_text(result, "Provider", "oidc.emulator.sgwatch");
    return sts_finish(doc);
  }
  if (!caller) {
    return sts_error(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
  }
  if (!caller->may("sts", action) && action != "GetCallerIdentity") {
    return sts_error(403, "AccessDenied",
                     "User: " + caller->arn + " is not authorized to perform: sts:" + action);
  }
  if (action == "GetCallerIdentity") {
    pugi::xml_document doc;
    pugi::xml_node result = sts_begin(doc, action);
    add_sts_text(result, "Arn", caller->arn);
    add_sts_text(result, "UserId", caller->principal_id);
    add_sts_text(result, "Account", caller->account_id);
    return sts_finish(doc);
  }
  if (action == "AssumeRole") {
    for (const char* name : {"RoleArn", "RoleSessionName"}) {
      if (sts_param(params, name).empty()) return missing(name);
    }
    auto length = duration(params);
    if (!length) return sts_error(400, "ValidationError", "DurationSeconds is not a number");
    auto issued = identities_.assume_role(*caller, sts_param(params, "RoleArn"),
                                          sts_param(params, "RoleSessionName"),
                                          sts_param(params, "ExternalId"), *length);
    if (!issued) return refused(issued.error());
    pugi::xml_document doc;
    pugi::xml_node result = sts_begin(doc, action);
    add_credentials(result, issued->first, issued->second);
    return sts_finish(doc);
  }
  return sts_error(400, "InvalidAction", "Could not find operation " + action + " for version 2011-06-15");
}

}  // namespace sgwatch::emulator
