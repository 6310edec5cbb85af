#include "emulator/sts_service.h"

#include <charconv>
#include <sstream>

#include <date/date.h>
#include <pugixml.hpp>

#include "emulator/request_id.h"

namespace sgwatch::emulator {
namespace {

constexpr const char* kNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

std::string to_text(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

std::string param(const Params& params, const std::string& name) {
  auto found = params.find(name);
  return found == params.end() ? "" : found->second;
}

// Starts <ActionResponse xmlns=...><ActionResult/>, returning the result element;
// ResponseMetadata is added by finish().
pugi::xml_node begin(pugi::xml_document& doc, const std::string& action) {
  pugi::xml_node response = doc.append_child((action + "Response").c_str());
  response.append_attribute("xmlns") = kNamespace;
  return response.append_child((action + "Result").c_str());
}

Response finish(pugi::xml_document& doc) {
  pugi::xml_node metadata = doc.first_child().append_child("ResponseMetadata");
  metadata.append_child("RequestId").text() = new_request_id().c_str();
  return Response{200, "text/xml", to_text(doc), {}};
}

void add_text(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).text() = value.c_str();
}

void add_credentials(pugi::xml_node result, const Credentials& credentials,
                     const Caller& caller) {
  pugi::xml_node node = result.append_child("Credentials");
  add_text(node, "AccessKeyId", credentials.access_key_id);
  add_text(node, "SecretAccessKey", credentials.secret_access_key);
  add_text(node, "SessionToken", credentials.session_token);
  add_text(node, "Expiration",
           date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(*credentials.expiration)));
  pugi::xml_node user = result.append_child("AssumedRoleUser");
  add_text(user, "AssumedRoleId", caller.principal_id);
  add_text(user, "Arn", caller.arn);
}

// DurationSeconds, default one hour.
std::optional<std::chrono::seconds> duration(const Params& params) {
  std::string text = param(params, "DurationSeconds");
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
  root.append_attribute("xmlns") = kNamespace;
  pugi::xml_node error = root.append_child("Error");
  add_text(error, "Type", status >= 500 ? "Receiver" : "Sender");
  add_text(error, "Code", code);
  add_text(error, "Message", message);
  add_text(root, "RequestId", new_request_id());
  return Response{status, "text/xml", to_text(doc), {}};
}

Response StsService::handle(const std::optional<Caller>& caller, const Params& params) {
  const std::string action = param(params, "Action");
  if (action == "AssumeRoleWithWebIdentity") {
    for (const char* name : {"RoleArn", "RoleSessionName", "WebIdentityToken"}) {
      if (param(params, name).empty()) return missing(name);
    }
    auto length = duration(params);
    if (!length) return sts_error(400, "ValidationError", "DurationSeconds is not a number");
    auto issued = identities_.assume_role_with_web_identity(
        param(params, "RoleArn"), param(params, "RoleSessionName"),
        param(params, "WebIdentityToken"), *length);
    if (!issued) return refused(issued.error());
    pugi::xml_document doc;
    pugi::xml_node result = begin(doc, action);
    add_credentials(result, issued->first, issued->second);
    add_text(result, "SubjectFromWebIdentityToken", "system:serviceaccount:sgwatch:sgwatch");
    add_text(result, "Audience", "sts.amazonaws.com");
    add_text(result, "Provider", "oidc.emulator.sgwatch");
    return finish(doc);
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
    pugi::xml_node result = begin(doc, action);
    add_text(result, "Arn", caller->arn);
    add_text(result, "UserId", caller->principal_id);
    add_text(result, "Account", caller->account_id);
    return finish(doc);
  }
  if (action == "AssumeRole") {
    for (const char* name : {"RoleArn", "RoleSessionName"}) {
      if (param(params, name).empty()) return missing(name);
    }
    auto length = duration(params);
    if (!length) return sts_error(400, "ValidationError", "DurationSeconds is not a number");
    auto issued = identities_.assume_role(*caller, param(params, "RoleArn"),
                                          param(params, "RoleSessionName"),
                                          param(params, "ExternalId"), *length);
    if (!issued) return refused(issued.error());
    pugi::xml_document doc;
    pugi::xml_node result = begin(doc, action);
    add_credentials(result, issued->first, issued->second);
    return finish(doc);
  }
  return sts_error(400, "InvalidAction", "Could not find operation " + action + " for version 2011-06-15");
}

}  // namespace sgwatch::emulator
