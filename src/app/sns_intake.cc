#include "app/sns_intake.h"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "app/short_call_options.h"

namespace sgwatch {

Result<std::unique_ptr<SnsIntake>> SnsIntake::start(const SnsSettings& settings,
                                                    Observer& observer, Store& store,
                                                    const Clock& clock, const EnvLookup& env,
                                                    std::function<void()> on_recorded,
                                                    Metrics* metrics) {
  SnsVerifyOptions verify = settings.verify;
  auto trusted = test_only_trusted_cert_url(env);
  if (!trusted) return tl::unexpected(trusted.error());
  verify.test_only_trusted_cert_url = *trusted;
  std::error_code error;
  std::filesystem::create_directories(settings.certificate_dir, error);
  if (error) {
    return fail(ErrorCode::kIo, "cannot create the SNS certificate directory '" +
                                    settings.certificate_dir + "': " + error.message());
  }
  std::unique_ptr<SnsIntake> intake(new SnsIntake(settings, std::move(verify), observer));
  intake->on_recorded_ = std::move(on_recorded);
  if (metrics) {
    intake->notifications_counted_ = &metrics->counter(
        "sgwatch_sns_notifications_total",
        "Verified AWS Config notifications from the SNS endpoint, by outcome: recorded (a "
        "change), not_news (nothing new: seen, stale, not watched) or failed.",
        {"outcome"});
    for (const char* outcome : {"recorded", "not_news", "failed"}) {
      intake->notifications_counted_->with({outcome});
    }
  }
  SnsIntake* self = intake.get();
  auto endpoint = SnsEndpoint::start(settings.endpoint, intake->verifier_, store,
                                     intake->transport_, clock,
                                     [self](const SnsMessage& message) { return self->take(message); });
  if (!endpoint) return tl::unexpected(endpoint.error());
  intake->endpoint_ = std::move(*endpoint);
  return intake;
}

SnsIntake::SnsIntake(const SnsSettings& settings, SnsVerifyOptions verify, Observer& observer)
    : transport_(short_call_options()),
      certificates_(settings.certificate_dir, &transport_),
      verifier_(std::move(verify), certificates_),
      config_client_(observer.client()),
      config_intake_(observer, config_client_) {}

SnsIntake::~SnsIntake() { stop(); }

void SnsIntake::stop() {
  transport_.cancel_all();
  if (endpoint_) endpoint_->stop();
}

Result<std::string> SnsIntake::take(const SnsMessage& message) {
  auto taken = config_intake_.take(message.message, "SNS message " + message.message_id);
  if (notifications_counted_) {
    notifications_counted_->with({!taken ? "failed" : taken->recorded ? "recorded" : "not_news"})
        .inc();
  }
  if (!taken) return tl::unexpected(taken.error());
  if (taken->recorded && on_recorded_) on_recorded_();
  return taken->what;
}

}  // namespace sgwatch
