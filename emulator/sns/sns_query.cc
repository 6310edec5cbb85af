#include "emulator/sns/sns_query.h"

#include <sstream>
#include <vector>

#include "emulator/request_id.h"

namespace sgwatch::emulator {
namespace {

constexpr const char* kNamespace = "http://sns.amazonaws.com/doc/2010-03-31/";

std::string to_text(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

}  // namespace

Response sns_error(int status, const std::string& code, const std::string& message) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("ErrorResponse");
  root.append_attribute("xmlns") = kNamespace;
  pugi::xml_node error = root.append_child("Error");
  sns_query::add_text(error, "Type", status >= 500 ? "Receiver" : "Sender");
  sns_query::add_text(error, "Code", code);
  sns_query::add_text(error, "Message", message);
  sns_query::add_text(root, "RequestId", new_request_id());
  return Response{status, "text/xml", to_text(doc), {}};
}

namespace sns_query {

SnsError not_found(const std::string& what) { return SnsError{404, "NotFound", what}; }

SnsError invalid(const std::string& what) {
  return SnsError{400, "InvalidParameter", "Invalid parameter: " + what};
}

std::optional<ArnParts> arn_parts(const std::string& arn) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (size_t colon; (colon = arn.find(':', start)) != std::string::npos; start = colon + 1) {
    fields.push_back(arn.substr(start, colon - start));
  }
  fields.push_back(arn.substr(start));
  if (fields.size() < 6 || fields[0] != "arn" || fields[2] != "sns") return std::nullopt;
  return ArnParts{fields[3], fields[4]};
}

std::string param(const Params& params, const std::string& name) {
  auto found = params.find(name);
  return found == params.end() ? "" : found->second;
}

void add_text(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).text() = value.c_str();
}

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

Response empty_answer(const std::string& action) {
  pugi::xml_document doc;
  pugi::xml_node response = doc.append_child((action + "Response").c_str());
  response.append_attribute("xmlns") = kNamespace;
  return finish(doc);
}

}  // namespace sns_query
}  // namespace sgwatch::emulator
