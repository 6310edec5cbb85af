#include "app/queue_message_handler.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sgwatch {

const char* to_string(Disposition disposition) {
  switch (disposition) {
    case Disposition::kDone: return "done";
    case Disposition::kRetry: return "retry";
    case Disposition::kPoison: return "poison";
  }
  return "?";
}

QueueMessageHandler::QueueMessageHandler(EventIntake& events, ConfigIntake& config,
                                         const SnsVerifier& verifier, const Clock& clock)
    : events_(events), config_(config), verifier_(verifier), clock_(clock) {}

HandledMessage QueueMessageHandler::handle(std::string_view body, std::string_view source) {
  auto message = classify_queue_message(body, source);
  if (!message) {
    ++counts_.poison;
    return {Disposition::kPoison, message.error().message, false};
  }
  return handle_kind(*message, source, 0);
}

HandledMessage QueueMessageHandler::settled(const Error& error) {
  if (error.code == ErrorCode::kInvalidInput) {
    ++counts_.poison;
    return {Disposition::kPoison, error.message, false};
  }
  ++counts_.failed;
  return {Disposition::kRetry, error.message, false};
}

HandledMessage QueueMessageHandler::handle_kind(const QueueMessage& message,
                                                std::string_view source, int depth) {
  switch (message.kind) {
    case QueueMessageKind::kCloudTrailEvent: {
      ++counts_.cloudtrail_events;
      auto taken = events_.take(*message.event, source);
      if (!taken) return settled(taken.error());
      return {Disposition::kDone, taken->what, taken->recorded};
    }
    case QueueMessageKind::kConfigNotification: {
      ++counts_.config_notifications;
      // Inside a verified envelope (depth 1) the item is signed; raw, it is only a hint.
      auto taken = config_.take(message.config_message, source,
                                depth > 0 ? ConfigIntake::Trust::kSigned
                                          : ConfigIntake::Trust::kUnsigned);
      if (!taken) return settled(taken.error());
      return {Disposition::kDone, taken->what, taken->recorded};
    }
    case QueueMessageKind::kSnsEnvelope:
      ++counts_.sns_envelopes;
      if (depth > 0) {
        ++counts_.unknown;
        return {Disposition::kDone, "skipped: an SNS envelope inside another", false};
      }
      return handle_envelope(*message.sns, source, depth);
    case QueueMessageKind::kLogFileNotification:
      // Log files are read by `sgwatch ingest`; the consumer does not fetch them (yet).
      ++counts_.log_files;
      return {Disposition::kDone, "skipped: " + message.summary, false};
    case QueueMessageKind::kUnknown:
      ++counts_.unknown;
      return {Disposition::kDone, "skipped: " + message.summary, false};
  }
  ++counts_.unknown;
  return {Disposition::kDone, "skipped: a message of no known kind", false};
}

HandledMessage QueueMessageHandler::handle_envelope(const SnsMessage& envelope,
                                                    std::string_view source, int depth) {
  auto verified = verifier_.verify(envelope, clock_.now());
  if (!verified) {
    // A bad signature never passes; a certificate not fetched yet (or a fetch cut short)
    // is worth another try.
    const ErrorCode code = verified.error().code;
    if (code == ErrorCode::kNotFound) return settled(Error{ErrorCode::kIo, verified.error().message});
    return settled(verified.error());
  }
  if (envelope.type != SnsMessageType::kNotification) {
    // SNS asks a queue of another account to confirm; sgwatch leaves that to the operator,
    // whose queue policy decides who may send.
    spdlog::warn("{}: an SNS {} of topic {}; confirm or ignore it with the AWS CLI (see "
                 "docs/SQS.md).",
                 source, to_string(envelope.type), envelope.topic_arn);
    return {Disposition::kDone, fmt::format("logged: a {}", to_string(envelope.type)), false};
  }
  const std::string inner_source = fmt::format("{} (SNS message {})", source, envelope.message_id);
  auto inner = classify_queue_message(envelope.message, inner_source);
  if (!inner) {
    ++counts_.poison;
    return {Disposition::kPoison, inner.error().message, false};
  }
  return handle_kind(*inner, inner_source, depth + 1);
}

}  // namespace sgwatch
