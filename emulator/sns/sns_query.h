// SNS's Query protocol (Version 2010-03-31) as the emulator's SNS speaks it: parameters
// from the form, answers in SNS's XML
//   <ActionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ActionResult/>
//   <ResponseMetadata><RequestId/></ResponseMetadata></ActionResponse>
// and SNS's error document. Shared by the service and the files its actions are split into.
#pragma once

#include <optional>
#include <string>

#include <pugixml.hpp>

#include "emulator/http_types.h"

namespace sgwatch::emulator {

// An SNS error: its code ("NotFound", "InvalidParameter", ...) and message.
struct SnsError {
  int status = 400;
  std::string code;
  std::string message;
};

// SNS's error document: <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
// <Error><Type>Sender</Type><Code/><Message/></Error><RequestId/></ErrorResponse>.
Response sns_error(int status, const std::string& code, const std::string& message);

namespace sns_query {

inline Response error_response(const SnsError& error) {
  return sns_error(error.status, error.code, error.message);
}
SnsError not_found(const std::string& what);
// "Invalid parameter: <what>", as SNS words it.
SnsError invalid(const std::string& what);

// The region and account of "arn:aws:sns:<region>:<account>:<name>[:<id>]" (a topic's or
// a subscription's ARN); nullopt for anything else.
struct ArnParts {
  std::string region;
  std::string account;
};
std::optional<ArnParts> arn_parts(const std::string& arn);

// The parameter's value; "" when it is absent.
std::string param(const Params& params, const std::string& name);

// Starts the answer to `action`; returns its <ActionResult> element.
pugi::xml_node begin(pugi::xml_document& doc, const std::string& action);
// Adds the ResponseMetadata and makes the 200 answer.
Response finish(pugi::xml_document& doc);
// The answer of an action that answers nothing but its metadata.
Response empty_answer(const std::string& action);
void add_text(pugi::xml_node parent, const char* name, const std::string& value);

}  // namespace sns_query
}  // namespace sgwatch::emulator
