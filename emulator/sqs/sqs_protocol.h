// SQS's two wire protocols, folded into one shape so that each action is written once:
//  - JSON 1.0 (what current SDKs and sgwatch speak): POST with
//    `X-Amz-Target: AmazonSQS.<Action>` and a JSON body; answers JSON; errors are
//    {"__type": "com.amazonaws.sqs#<Shape>", "message": ...} with the Query code in the
//    header `x-amzn-query-error: <Code>;Sender` (SQS is "awsQueryCompatible").
//  - Query (awscli 2.9): a form body `Action=...&Version=2012-11-05`, posted to the queue's
//    URL; answers SQS's XML (xmlns "http://queue.amazonaws.com/doc/2012-11-05/"), errors as
//    <ErrorResponse><Error><Type/><Code/><Message/><Detail/></Error><RequestId/>.
//
// A request is decoded into the JSON protocol's input ({"QueueUrl": ..., "Attributes":
// {...}, "Entries": [...]}), and an action's output, written in the JSON protocol's shape,
// is encoded back into XML for Query callers (flattened lists: <QueueUrl>, <Message>,
// <Attribute><Name/><Value/></Attribute>, <...BatchResultEntry>, <BatchResultErrorEntry>).
//
// Errors carry the Query code ("AWS.SimpleQueueService.NonExistentQueue"); the JSON
// encoding maps it to the model's shape name ("QueueDoesNotExist").
#pragma once

#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "emulator/http_types.h"

namespace sgwatch::emulator {

enum class SqsWire { kJson, kQuery };

struct SqsError {
  int status = 400;
  std::string code;  // the Query code
  std::string message;
};

inline constexpr char kSqsTargetPrefix[] = "AmazonSQS.";

// "AmazonSQS.ReceiveMessage" -> "ReceiveMessage"; "" for any other target.
std::string sqs_operation(const std::string& target);
// Whether `action` is one the emulator's SQS serves.
bool is_sqs_action(const std::string& action);
// JSON when the request names an SQS operation in X-Amz-Target, Query otherwise.
SqsWire sqs_wire_of(const Request& request);

// The request's input in the JSON protocol's shape. Query parameters are folded:
// Attribute.N.Name/Value -> "Attributes" {}, AttributeName.N -> "AttributeNames" [],
// MessageSystemAttributeName.N, MessageAttributeName.N likewise, <X>RequestEntry.N.<F> ->
// "Entries" [{F: ...}], Tag.N.Key/Value -> "tags"; numbers stay strings (the actions accept
// both). A JSON body that is not an object is an error.
tl::expected<nlohmann::json, SqsError> sqs_input(SqsWire wire, const Request& request,
                                                 const Params& params);

// A successful answer to `action`, from its output in the JSON protocol's shape.
Response sqs_answer(SqsWire wire, const std::string& action, const nlohmann::ordered_json& output);

// An error answer in `wire`'s shape.
Response sqs_error(SqsWire wire, int status, const std::string& code, const std::string& message);
inline Response sqs_error(SqsWire wire, const SqsError& error) {
  return sqs_error(wire, error.status, error.code, error.message);
}

}  // namespace sgwatch::emulator
