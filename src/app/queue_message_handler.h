// What becomes of one message from an SQS queue, whatever fed the queue: an EventBridge
// CloudTrail event goes to the EventIntake (a targeted refresh), an AWS Config
// notification to the ConfigIntake, raw or inside an SNS envelope (verified first, as the
// SNS endpoint verifies); notices of new CloudTrail log files and messages of unknown kinds
// are logged, counted and done with.
//
// The answer tells the consumer what to do with the message: delete it (done), leave it to
// come again (AWS or the store failed), or leave it as poison (it can never be taken in;
// after the queue's maxReceiveCount the queue moves it to its dead-letter queue).
//
// Thread-safe.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "app/config_intake.h"
#include "app/event_intake.h"
#include "core/clock.h"
#include "sources/queue_message.h"
#include "sources/sns_verifier.h"

namespace sgwatch {

enum class Disposition {
  kDone,    // taken in (or deliberately skipped): delete it
  kRetry,   // failed for now: leave it, it comes back after its visibility timeout
  kPoison,  // can never be taken in: leave it for the dead-letter queue
};
const char* to_string(Disposition disposition);  // "done", "retry", "poison"

struct HandledMessage {
  Disposition disposition = Disposition::kDone;
  std::string what;       // for the log: what was done, or why not
  bool recorded = false;  // a revision was recorded (alerts may be queued: wake the outbox)
};

// Running totals since start, by kind, for logs and metrics.
struct QueueMessageCounts {
  std::atomic<uint64_t> cloudtrail_events{0};
  std::atomic<uint64_t> config_notifications{0};
  std::atomic<uint64_t> sns_envelopes{0};
  std::atomic<uint64_t> log_files{0};
  std::atomic<uint64_t> unknown{0};
  std::atomic<uint64_t> poison{0};
  std::atomic<uint64_t> failed{0};  // left to come again
};

class QueueMessageHandler {
 public:
  // All must outlive the handler.
  QueueMessageHandler(EventIntake& events, ConfigIntake& config, const SnsVerifier& verifier,
                      const Clock& clock);

  // `source` names the message in logs and errors ("SQS message <id> of queue <name>").
  HandledMessage handle(std::string_view body, std::string_view source);

  const QueueMessageCounts& counts() const { return counts_; }

 private:
  // `depth` 1 inside an SNS envelope, whose Message is classified again (once).
  HandledMessage handle_kind(const QueueMessage& message, std::string_view source, int depth);
  HandledMessage handle_envelope(const SnsMessage& envelope, std::string_view source, int depth);
  // An intake's answer: kInvalidInput is poison, any other error comes again.
  HandledMessage settled(const Error& error);

  EventIntake& events_;
  ConfigIntake& config_;
  const SnsVerifier& verifier_;
  const Clock& clock_;
  QueueMessageCounts counts_;
};

}  // namespace sgwatch
