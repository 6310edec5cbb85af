// The SQS side of `sgwatch watch`: one SqsConsumer per configured queue, all feeding one
// QueueMessageHandler (EventBridge events to a targeted refresh, Config notifications to
// the ConfigIntake), with sgwatch's own credentials. Long polls go through a transport of
// their own, cancelled at a stop request so shutdown never waits out a 20 s poll; deletes
// and visibility changes go through another, so the messages handled before the stop are
// still deleted.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "app/config_intake.h"
#include "app/event_intake.h"
#include "app/observer.h"
#include "app/queue_message_handler.h"
#include "app/sqs_config.h"
#include "app/sqs_consumer.h"
#include "app/stop_signal.h"
#include "aws/config_client.h"
#include "aws/curl_transport.h"
#include "aws/query_client.h"
#include "aws/retry_policy.h"
#include "aws/sqs_client.h"
#include "sources/sns_certificates.h"
#include "sources/sns_verifier.h"

namespace sgwatch {

class SqsIntake {
 public:
  // Starts reading every queue of `settings` (enabled). `on_recorded` runs after each
  // message that recorded a revision (the outbox's wake). `metrics` (may be null) counts
  // the messages, their lag and the SQS requests. Everything given must outlive the intake.
  static Result<std::unique_ptr<SqsIntake>> start(const SqsSettings& settings,
                                                  Observer& observer, const Clock& clock,
                                                  const EnvLookup& env, StopSignal& stop,
                                                  std::function<void()> on_recorded,
                                                  Metrics* metrics = nullptr);
  ~SqsIntake();

  // Ends every consumer (after the message each has in hand) and waits for them.
  void stop();

  const std::vector<std::unique_ptr<SqsConsumer>>& consumers() const { return consumers_; }
  const QueueMessageCounts& message_counts() const { return handler_.counts(); }
  const EventIntakeCounts& event_counts() const { return event_intake_.counts(); }
  const ConfigIntakeCounts& config_counts() const { return config_intake_.counts(); }

 private:
  SqsIntake(const SqsSettings& settings, SnsVerifyOptions verify, Observer& observer,
            const Clock& clock, const EnvLookup& env, StopSignal& stop);

  StopSignal& stop_;
  std::optional<size_t> stop_handle_;  // set once the consumers exist
  CurlTransport poll_transport_;
  CurlTransport control_transport_;
  CurlTransport fetch_transport_;  // SNS certificates
  RetryPolicy retries_;
  QueryClient poll_client_;
  QueryClient control_client_;
  SqsClient poll_sqs_;
  SqsClient control_sqs_;
  SnsCertificates certificates_;
  SnsVerifier verifier_;
  ConfigClient config_client_;
  ConfigIntake config_intake_;
  EventIntake event_intake_;
  QueueMessageHandler handler_;
  std::shared_ptr<CredentialProvider> credentials_;
  std::vector<std::unique_ptr<SqsConsumer>> consumers_;
};

}  // namespace sgwatch
