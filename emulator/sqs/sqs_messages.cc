// SqsService's message actions: sending, receiving (with long polling and redrive),
// deleting and changing visibility, one at a time and in batches.
#include <algorithm>
#include <set>

#include "emulator/sqs/sqs_fields.h"
#include "emulator/sqs/sqs_service.h"

namespace sgwatch::emulator {
namespace {

using OrderedJson = nlohmann::ordered_json;

std::string epoch_millis(Timestamp time) { return std::to_string(time.time_since_epoch().count()); }

OrderedJson failure(const std::string& id, const SqsError& error) {
  return {{"Id", id}, {"SenderFault", error.status < 500}, {"Code", error.code},
          {"Message", error.message}};
}

SqsError invalid_handle(const std::string& handle) {
  return SqsError{400, "ReceiptHandleIsInvalid",
                  "The input receipt handle \"" + handle + "\" is not a valid receipt handle."};
}

// Batch results: {"Successful": [...], "Failed": [...]}, each list only when not empty
// (as SQS's JSON answers; Query callers see the same entries as XML).
OrderedJson batch_output(OrderedJson successful, OrderedJson failed) {
  OrderedJson output = OrderedJson::object();
  if (!successful.empty()) output["Successful"] = std::move(successful);
  if (!failed.empty()) output["Failed"] = std::move(failed);
  return output;
}

}  // namespace

void SqsService::redrive_locked(SqsQueue& queue, std::vector<SqsMessage>& dead_letters) {
  SqsQueue* target = find_locked(queue.settings().dead_letter_target_arn);
  const SteadyTime now = std::chrono::steady_clock::now();
  for (SqsMessage& message : dead_letters) {
    if (target != nullptr) target->adopt(std::move(message), now);
  }
  dead_letters.clear();
  changed_.notify_all();  // receives waiting on the dead-letter queue
}

SqsService::Output SqsService::send_api(SqsQueue& queue, const Json& input) {
  if (!input.contains("MessageBody")) return tl::unexpected(sqs_missing("MessageBody"));
  const std::string body = sqs_string(input, "MessageBody");
  if (auto bad = sqs_check_body(body, queue.settings()); !bad.empty()) {
    return tl::unexpected(SqsError{400, "InvalidParameterValue", bad});
  }
  auto delay = sqs_int(input, "DelaySeconds", 0, 900);
  if (!delay) return tl::unexpected(delay.error());
  const SqsMessage& message =
      queue.push(new_id_locked(), body, clock_.now(), std::chrono::steady_clock::now(), *delay);
  return OrderedJson{{"MD5OfMessageBody", message.md5_of_body}, {"MessageId", message.id}};
}

SqsService::Output SqsService::send_batch_api(SqsQueue& queue, const Json& input) {
  if (auto checked = sqs_check_batch(input, "SendMessageBatchRequestEntry"); !checked) {
    return tl::unexpected(checked.error());
  }
  size_t total = 0;
  for (const auto& entry : input["Entries"]) total += sqs_string(entry, "MessageBody").size();
  if (total > 262144) {
    return tl::unexpected(SqsError{400, "AWS.SimpleQueueService.BatchRequestTooLong",
                                   "Batch requests cannot be longer than 262144 bytes. You have "
                                   "sent " + std::to_string(total) + " bytes."});
  }
  OrderedJson successful = OrderedJson::array();
  OrderedJson failed = OrderedJson::array();
  for (const auto& entry : input["Entries"]) {
    const std::string id = sqs_string(entry, "Id");
    auto sent = send_api(queue, entry);
    if (!sent) {
      failed.push_back(failure(id, sent.error()));
      continue;
    }
    successful.push_back({{"Id", id},
                          {"MessageId", (*sent)["MessageId"]},
                          {"MD5OfMessageBody", (*sent)["MD5OfMessageBody"]}});
  }
  return batch_output(std::move(successful), std::move(failed));
}

SqsService::Output SqsService::receive_api(std::unique_lock<std::mutex>& lock,
                                           const std::string& arn, const Json& input) {
  auto max = sqs_int(input, "MaxNumberOfMessages", 1, 10);
  if (!max) return tl::unexpected(max.error());
  auto visibility = sqs_int(input, "VisibilityTimeout", 0, 43200);
  if (!visibility) return tl::unexpected(visibility.error());
  auto wait = sqs_int(input, "WaitTimeSeconds", 0, 20);
  if (!wait) return tl::unexpected(wait.error());
  std::set<std::string> wanted;
  for (const char* list : {"AttributeNames", "MessageSystemAttributeNames"}) {
    auto names = sqs_string_list(input, list);
    if (!names) return tl::unexpected(names.error());
    wanted.insert(names->begin(), names->end());
  }
  const bool all = wanted.count("All") != 0;
  auto want = [&](const char* name) { return all || wanted.count(name) != 0; };

  SqsQueue* queue = find_locked(arn);
  const SqsQueueSettings& settings = queue->settings();
  const auto hidden_for = std::chrono::seconds(visibility->value_or(settings.visibility_timeout));
  const SteadyTime deadline = std::chrono::steady_clock::now() +
                              std::chrono::seconds(wait->value_or(settings.receive_message_wait_time));
  std::vector<SqsMessage> received;
  for (;;) {
    if (stopping_) break;
    queue = find_locked(arn);
    if (queue == nullptr) return tl::unexpected(sqs_no_such_queue());  // deleted meanwhile
    const SteadyTime now = std::chrono::steady_clock::now();
    const std::string& target = queue->settings().dead_letter_target_arn;
    const bool redrive = !target.empty() && target != arn && find_locked(target) != nullptr;
    std::vector<SqsMessage> dead_letters;
    received = queue->receive(static_cast<size_t>(max->value_or(1)), hidden_for, clock_.now(), now,
                              redrive, [this] { return new_handle_locked(); }, dead_letters);
    if (!dead_letters.empty()) redrive_locked(*queue, dead_letters);
    if (!received.empty() || now >= deadline) break;
    // Sleep until a send or a change wakes us, the next message's visibility comes back,
    // or the wait is over, whichever is first.
    SteadyTime wake = deadline;
    if (auto next = queue->next_visible_after(now); next && *next < wake) wake = *next;
    changed_.wait_until(lock, wake);
  }
  OrderedJson messages = OrderedJson::array();
  for (const SqsMessage& message : received) {
    OrderedJson item = {{"MessageId", message.id},
                        {"ReceiptHandle", message.receipt_handle},
                        {"MD5OfBody", message.md5_of_body},
                        {"Body", message.body}};
    OrderedJson attributes = OrderedJson::object();
    if (want("SenderId")) attributes["SenderId"] = queue->account();
    if (want("SentTimestamp")) attributes["SentTimestamp"] = epoch_millis(message.sent_at);
    if (want("ApproximateReceiveCount")) {
      attributes["ApproximateReceiveCount"] = std::to_string(message.receive_count);
    }
    if (want("ApproximateFirstReceiveTimestamp")) {
      attributes["ApproximateFirstReceiveTimestamp"] = epoch_millis(*message.first_received_at);
    }
    if (!attributes.empty()) item["Attributes"] = std::move(attributes);
    messages.push_back(std::move(item));
  }
  if (messages.empty()) return OrderedJson::object();
  return OrderedJson{{"Messages", std::move(messages)}};
}

SqsService::Output SqsService::delete_api(SqsQueue& queue, const Json& input) {
  const std::string handle = sqs_string(input, "ReceiptHandle");
  if (handle.empty()) return tl::unexpected(sqs_missing("ReceiptHandle"));
  // An earlier handle of a message received again is accepted and deletes nothing.
  if (queue.erase(handle) == SqsHandle::kUnknown) return tl::unexpected(invalid_handle(handle));
  return OrderedJson::object();
}

SqsService::Output SqsService::delete_batch_api(SqsQueue& queue, const Json& input) {
  if (auto checked = sqs_check_batch(input, "DeleteMessageBatchRequestEntry"); !checked) {
    return tl::unexpected(checked.error());
  }
  OrderedJson successful = OrderedJson::array();
  OrderedJson failed = OrderedJson::array();
  for (const auto& entry : input["Entries"]) {
    const std::string id = sqs_string(entry, "Id");
    auto deleted = delete_api(queue, entry);
    if (deleted) {
      successful.push_back({{"Id", id}});
    } else {
      failed.push_back(failure(id, deleted.error()));
    }
  }
  return batch_output(std::move(successful), std::move(failed));
}

SqsService::Output SqsService::change_visibility_api(SqsQueue& queue, const Json& input) {
  const std::string handle = sqs_string(input, "ReceiptHandle");
  if (handle.empty()) return tl::unexpected(sqs_missing("ReceiptHandle"));
  if (!input.contains("VisibilityTimeout")) return tl::unexpected(sqs_missing("VisibilityTimeout"));
  auto timeout = sqs_int(input, "VisibilityTimeout", 0, 43200);
  if (!timeout) return tl::unexpected(timeout.error());
  switch (queue.change_visibility(handle, std::chrono::seconds(**timeout),
                                  std::chrono::steady_clock::now())) {
    case SqsHandle::kCurrent: return OrderedJson::object();
    case SqsHandle::kUnknown: return tl::unexpected(invalid_handle(handle));
    case SqsHandle::kStale:
    case SqsHandle::kGone: break;
  }
  return tl::unexpected(SqsError{400, "InvalidParameterValue",
                                 "Value " + handle + " for parameter ReceiptHandle is invalid. "
                                 "Reason: Message does not exist or is not available for "
                                 "visibility timeout change."});
}

SqsService::Output SqsService::change_visibility_batch_api(SqsQueue& queue, const Json& input) {
  if (auto checked = sqs_check_batch(input, "ChangeMessageVisibilityBatchRequestEntry");
      !checked) {
    return tl::unexpected(checked.error());
  }
  OrderedJson successful = OrderedJson::array();
  OrderedJson failed = OrderedJson::array();
  for (const auto& entry : input["Entries"]) {
    const std::string id = sqs_string(entry, "Id");
    auto changed = change_visibility_api(queue, entry);
    if (changed) {
      successful.push_back({{"Id", id}});
    } else {
      failed.push_back(failure(id, changed.error()));
    }
  }
  return batch_output(std::move(successful), std::move(failed));
}

}  // namespace sgwatch::emulator
