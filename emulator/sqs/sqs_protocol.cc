#include "emulator/sqs/sqs_protocol.h"

#include <algorithm>
#include <array>
#include <map>
#include <sstream>
#include <vector>

#include <pugixml.hpp>

#include "emulator/request_id.h"

namespace sgwatch::emulator {
namespace {

constexpr const char* kNamespace = "http://queue.amazonaws.com/doc/2012-11-05/";

constexpr std::array<const char*, 14> kActions = {
    "CreateQueue",          "GetQueueUrl",          "ListQueues",
    "GetQueueAttributes",   "SetQueueAttributes",   "SendMessage",
    "SendMessageBatch",     "ReceiveMessage",       "DeleteMessage",
    "DeleteMessageBatch",   "ChangeMessageVisibility", "ChangeMessageVisibilityBatch",
    "PurgeQueue",           "DeleteQueue"};

// The JSON protocol's error shape for each Query code the emulator answers with; codes
// the model has no shape for keep their Query code.
const std::map<std::string, std::string>& json_shapes() {
  static const std::map<std::string, std::string> shapes = {
      {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"},
      {"QueueAlreadyExists", "QueueNameExists"},
      {"AWS.SimpleQueueService.MessageNotInflight", "MessageNotInflight"},
      {"AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "TooManyEntriesInBatchRequest"},
      {"AWS.SimpleQueueService.EmptyBatchRequest", "EmptyBatchRequest"},
      {"AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "BatchEntryIdsNotDistinct"},
      {"AWS.SimpleQueueService.InvalidBatchEntryId", "InvalidBatchEntryId"},
      {"AWS.SimpleQueueService.PurgeQueueInProgress", "PurgeQueueInProgress"},
      {"AWS.SimpleQueueService.BatchRequestTooLong", "BatchRequestTooLong"},
      {"AWS.SimpleQueueService.UnsupportedOperation", "UnsupportedOperation"},
      {"InvalidAction", "UnknownOperationException"},
  };
  return shapes;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + 1) {
    parts.push_back(text.substr(start, at - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

// "3" -> 3; anything else -> -1.
int index_of(const std::string& text) {
  if (text.empty() || text.size() > 6 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return -1;
  }
  return std::stoi(text);
}

void sqs_add_text(pugi::xml_node parent, const std::string& name, const std::string& value) {
  parent.append_child(name.c_str()).text() = value.c_str();
}

std::string scalar_text(const nlohmann::ordered_json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump();
}

void encode_attributes(pugi::xml_node parent, const nlohmann::ordered_json& map,
                       const char* element, const char* key_name, const char* value_name) {
  for (const auto& [key, value] : map.items()) {
    pugi::xml_node entry = parent.append_child(element);
    sqs_add_text(entry, key_name, key);
    sqs_add_text(entry, value_name, scalar_text(value));
  }
}

void encode_fields(pugi::xml_node parent, const std::string& action,
                   const nlohmann::ordered_json& object) {
  for (const auto& [key, value] : object.items()) {
    if (key == "Attributes") {
      encode_attributes(parent, value, "Attribute", "Name", "Value");
    } else if (key == "Tags") {
      encode_attributes(parent, value, "Tag", "Key", "Value");
    } else if (key == "QueueUrls") {
      for (const auto& url : value) sqs_add_text(parent, "QueueUrl", url.get<std::string>());
    } else if (key == "Messages") {
      for (const auto& message : value) encode_fields(parent.append_child("Message"), action, message);
    } else if (key == "Successful") {
      const std::string element = action + "ResultEntry";
      for (const auto& entry : value) encode_fields(parent.append_child(element.c_str()), action, entry);
    } else if (key == "Failed") {
      for (const auto& entry : value) {
        encode_fields(parent.append_child("BatchResultErrorEntry"), action, entry);
      }
    } else if (!value.is_structured()) {
      sqs_add_text(parent, key, scalar_text(value));
    }
  }
}

std::string to_text(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

}  // namespace

std::string sqs_operation(const std::string& target) {
  if (!target.starts_with(kSqsTargetPrefix)) return "";
  return target.substr(sizeof kSqsTargetPrefix - 1);
}

bool is_sqs_action(const std::string& action) {
  return std::find(kActions.begin(), kActions.end(), action) != kActions.end();
}

SqsWire sqs_wire_of(const Request& request) {
  return sqs_operation(request.header("X-Amz-Target")).empty() ? SqsWire::kQuery
                                                                : SqsWire::kJson;
}

tl::expected<nlohmann::json, SqsError> sqs_input(SqsWire wire, const Request& request,
                                                 const Params& params) {
  if (wire == SqsWire::kJson) {
    nlohmann::json body = request.body.empty() ? nlohmann::json::object()
                                               : nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object()) {
      return tl::unexpected(
          SqsError{400, "InvalidParameterValue", "The request body is not a JSON object."});
    }
    return body;
  }
  nlohmann::json input = nlohmann::json::object();
  std::map<int, std::pair<std::string, std::string>> attributes;  // Attribute.N.Name/Value
  std::map<int, std::pair<std::string, std::string>> tags;        // Tag.N.Key/Value
  std::map<std::string, std::map<int, std::string>> lists;        // AttributeName.N, ...
  std::map<int, nlohmann::json> entries;                          // <X>RequestEntry.N.F
  for (const auto& [name, value] : params) {
    if (name == "Action" || name == "Version") continue;
    const std::vector<std::string> parts = split(name, '.');
    if (parts.size() == 1) {
      input[name] = value;
      continue;
    }
    const int index = index_of(parts[1]);
    if (index < 0) continue;
    if (parts.size() == 2 && (parts[0] == "AttributeName" ||
                              parts[0] == "MessageSystemAttributeName" ||
                              parts[0] == "MessageAttributeName" || parts[0] == "TagKey")) {
      lists[parts[0] + "s"][index] = value;
    } else if (parts.size() == 3 && parts[0] == "Attribute") {
      (parts[2] == "Name" ? attributes[index].first : attributes[index].second) = value;
    } else if (parts.size() == 3 && parts[0] == "Tag") {
      (parts[2] == "Key" ? tags[index].first : tags[index].second) = value;
    } else if (parts.size() == 3 && parts[0].ends_with("RequestEntry")) {
      entries[index][parts[2]] = value;
    }
    // Anything deeper (message attributes) is not served and is ignored.
  }
  if (!attributes.empty()) {
    nlohmann::json map = nlohmann::json::object();
    for (const auto& [index, pair] : attributes) map[pair.first] = pair.second;
    input["Attributes"] = map;
  }
  if (!tags.empty()) {
    nlohmann::json map = nlohmann::json::object();
    for (const auto& [index, pair] : tags) map[pair.first] = pair.second;
    input["Tags"] = map;
  }
  for (const auto& [list, values] : lists) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& [index, value] : values) array.push_back(value);
    input[list] = array;
  }
  if (!entries.empty()) {
    nlohmann::json array = nlohmann::json::array();
    for (auto& [index, entry] : entries) array.push_back(std::move(entry));
    input["Entries"] = array;
  }
  return input;
}

Response sqs_answer(SqsWire wire, const std::string& action,
                    const nlohmann::ordered_json& output) {
  if (wire == SqsWire::kJson) {
    return Response{200, "application/x-amz-json-1.0", output.dump(), {}};
  }
  pugi::xml_document doc;
  pugi::xml_node response = doc.append_child((action + "Response").c_str());
  response.append_attribute("xmlns") = kNamespace;
  if (!output.empty()) {
    encode_fields(response.append_child((action + "Result").c_str()), action, output);
  }
  response.append_child("ResponseMetadata").append_child("RequestId").text() =
      new_request_id().c_str();
  return Response{200, "text/xml", to_text(doc), {}};
}

Response sqs_error(SqsWire wire, int status, const std::string& code,
                   const std::string& message) {
  const std::string fault = status >= 500 ? "Receiver" : "Sender";
  if (wire == SqsWire::kJson) {
    auto shape = json_shapes().find(code);
    const std::string type = shape == json_shapes().end() ? code : shape->second;
    nlohmann::ordered_json body = {{"__type", "com.amazonaws.sqs#" + type},
                                   {"message", message}};
    return Response{status, "application/x-amz-json-1.0", body.dump(),
                    {{"x-amzn-query-error", code + ";" + fault}}};
  }
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("ErrorResponse");
  root.append_attribute("xmlns") = kNamespace;
  pugi::xml_node error = root.append_child("Error");
  sqs_add_text(error, "Type", fault);
  sqs_add_text(error, "Code", code);
  sqs_add_text(error, "Message", message);
  error.append_child("Detail");
  sqs_add_text(root, "RequestId", new_request_id());
  return Response{status, "text/xml", to_text(doc), {}};
}

}  // namespace sgwatch::emulator
