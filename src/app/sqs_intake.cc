#include "app/sqs_intake.h"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "app/short_call_options.h"

namespace sgwatch {
namespace {

// A long poll answers within its wait; the margin covers a slow network.
CurlTransportOptions poll_options(const SqsReceiveOptions& receive) {
  CurlTransportOptions options;
  options.total_timeout = receive.wait + std::chrono::seconds(15);
  return options;
}

}  // namespace

Result<std::unique_ptr<SqsIntake>> SqsIntake::start(const SqsSettings& settings,
                                                    Observer& observer, const Clock& clock,
                                                    const EnvLookup& env, StopSignal& stop,
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
  auto credentials = observer.default_credentials();
  if (!credentials) return invalid("no credentials of sgwatch's own to read the SQS queues with");

  std::unique_ptr<SqsIntake> intake(
      new SqsIntake(settings, std::move(verify), observer, clock, env, stop));
  intake->credentials_ = std::move(credentials);
  intake->poll_client_.count_into(metrics);
  intake->control_client_.count_into(metrics);
  SqsIntake* self = intake.get();
  for (const SqsQueue& queue : settings.queues) {
    SqsConsumerOptions options{settings.receive, std::chrono::seconds(5)};
    options.metrics = metrics;
    options.clock = &clock;
    auto consumer = std::make_unique<SqsConsumer>(
        self->poll_sqs_, self->control_sqs_, *self->credentials_, queue, options,
        [self](std::string_view body, std::string_view source) {
          return self->handler_.handle(body, source);
        },
        on_recorded);
    intake->consumers_.push_back(std::move(consumer));
  }
  // A long poll in progress ends at once; the messages in hand are still deleted.
  intake->stop_handle_ = stop.on_request([self] {
    for (auto& consumer : self->consumers_) consumer->stop();
    self->poll_transport_.cancel_all();
    self->fetch_transport_.cancel_all();
  });
  for (auto& consumer : intake->consumers_) consumer->start();
  return intake;
}

SqsIntake::SqsIntake(const SqsSettings& settings, SnsVerifyOptions verify, Observer& observer,
                     const Clock& clock, const EnvLookup& env, StopSignal& stop)
    : stop_(stop),
      poll_transport_(poll_options(settings.receive)),
      control_transport_(short_call_options()),
      fetch_transport_(short_call_options()),
      poll_client_(poll_transport_, clock, env, retries_,
                   [&stop](std::chrono::milliseconds delay) { stop.wait_for(delay); }),
      control_client_(control_transport_, clock, env, retries_,
                      [&stop](std::chrono::milliseconds delay) { stop.wait_for(delay); }),
      poll_sqs_(poll_client_),
      control_sqs_(control_client_),
      certificates_(settings.certificate_dir, &fetch_transport_),
      verifier_(std::move(verify), certificates_),
      config_client_(observer.client()),
      config_intake_(observer, config_client_),
      event_intake_(observer),
      handler_(event_intake_, config_intake_, verifier_, clock) {}

SqsIntake::~SqsIntake() {
  stop();
  if (stop_handle_) stop_.forget(*stop_handle_);
}

void SqsIntake::stop() {
  for (auto& consumer : consumers_) consumer->stop();
  poll_transport_.cancel_all();
  fetch_transport_.cancel_all();
  for (auto& consumer : consumers_) consumer->join();
}

}  // namespace sgwatch
