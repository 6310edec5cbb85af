// Everything behind `sgwatch watch`'s SNS endpoint, started after the observer: the
// certificate cache, the verifier, the endpoint, and the AWS Config intake its
// notifications go to. Stopped (the endpoint first) before the observer goes.
#pragma once

#include <functional>
#include <memory>

#include "app/config_intake.h"
#include "app/observer.h"
#include "app/sns_config.h"
#include "aws/config_client.h"
#include "aws/curl_transport.h"
#include "core/env.h"
#include "core/metrics.h"
#include "sources/sns_certificates.h"
#include "sources/sns_endpoint.h"
#include "sources/sns_verifier.h"

namespace sgwatch {

class SnsIntake {
 public:
  // `on_recorded` runs after a notification recorded a change (to wake the outbox).
  // `settings.enabled` must be true. `metrics` (may be null) counts the notifications
  // taken in by outcome. The observer, store and metrics must outlive the intake.
  static Result<std::unique_ptr<SnsIntake>> start(const SnsSettings& settings, Observer& observer,
                                                  Store& store, const Clock& clock,
                                                  const EnvLookup& env,
                                                  std::function<void()> on_recorded,
                                                  Metrics* metrics = nullptr);
  ~SnsIntake();

  const SnsEndpoint& endpoint() const { return *endpoint_; }
  const ConfigIntakeCounts& counts() const { return config_intake_.counts(); }
  void stop();

 private:
  SnsIntake(const SnsSettings& settings, SnsVerifyOptions verify, Observer& observer);
  Result<std::string> take(const SnsMessage& message);

  CurlTransport transport_;  // certificates and SubscribeURL
  SnsCertificates certificates_;
  SnsVerifier verifier_;
  ConfigClient config_client_;
  ConfigIntake config_intake_;
  std::function<void()> on_recorded_;
  // sgwatch_sns_notifications_total{outcome}; null when not counted.
  CounterFamily* notifications_counted_ = nullptr;
  std::unique_ptr<SnsEndpoint> endpoint_;
};

}  // namespace sgwatch
