#include "sources/sns_endpoint.h"

#include <httplib.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sources/sns_signature.h"

namespace sgwatch {

Status check_subscribe_url(std::string_view url, std::string_view test_only_trusted_cert_url) {
  auto parsed = parse_sns_cert_url(url);
  if (!parsed) return tl::unexpected(parsed.error().within("SubscribeURL"));
  if (parsed->has_userinfo || parsed->has_fragment) {
    return invalid("SubscribeURL has user information or a fragment");
  }
  if (parsed->scheme == "https" && is_sns_host(parsed->host) &&
      (!parsed->port || *parsed->port == "443")) {
    return {};
  }
  if (!test_only_trusted_cert_url.empty()) {
    auto trusted = parse_sns_cert_url(test_only_trusted_cert_url);
    if (trusted && trusted->scheme == parsed->scheme && trusted->host == parsed->host &&
        trusted->port == parsed->port) {
      return {};
    }
  }
  return invalid("SubscribeURL '" + parsed->scheme + "://" + parsed->host +
                 "/...' is not https on an SNS host");
}

Result<std::unique_ptr<SnsEndpoint>> SnsEndpoint::start(SnsEndpointOptions options,
                                                        const SnsVerifier& verifier, Store& store,
                                                        HttpTransport& transport,
                                                        const Clock& clock,
                                                        SnsNotificationHandler handler) {
  std::unique_ptr<SnsEndpoint> endpoint(new SnsEndpoint(std::move(options), verifier, store,
                                                        transport, clock, std::move(handler)));
  const SnsEndpointOptions& opts = endpoint->options_;
  if (opts.tls_certificate_file.empty() != opts.tls_key_file.empty()) {
    return invalid("the SNS endpoint needs both a TLS certificate and its key, or neither");
  }
  if (!opts.tls_certificate_file.empty()) {
    auto server = std::make_unique<httplib::SSLServer>(opts.tls_certificate_file.c_str(),
                                                       opts.tls_key_file.c_str());
    if (!server->is_valid()) {
      return invalid("the SNS endpoint's TLS certificate '" + opts.tls_certificate_file +
                     "' or key '" + opts.tls_key_file + "' cannot be loaded");
    }
    endpoint->server_ = std::move(server);
  } else {
    endpoint->server_ = std::make_unique<httplib::Server>();
  }
  httplib::Server& server = *endpoint->server_;
  server.set_payload_max_length(opts.max_body_bytes);
  server.set_tcp_nodelay(true);
  SnsEndpoint* self = endpoint.get();
  server.Post(opts.path, [self](const httplib::Request& request, httplib::Response& response) {
    Answer answer = self->handle(request.body, request.get_header_value("x-amz-sns-message-type"));
    response.status = answer.status;
    response.set_content(answer.body + "\n", "text/plain");
  });
  endpoint->port_ = opts.port == 0 ? server.bind_to_any_port(opts.host)
                                   : (server.bind_to_port(opts.host, opts.port) ? opts.port : -1);
  if (endpoint->port_ <= 0) {
    return fail(ErrorCode::kIo, fmt::format("the SNS endpoint cannot listen on {}:{}", opts.host,
                                            opts.port));
  }
  endpoint->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  spdlog::info("Receiving SNS messages at {}.", endpoint->url());
  return endpoint;
}

SnsEndpoint::SnsEndpoint(SnsEndpointOptions options, const SnsVerifier& verifier, Store& store,
                         HttpTransport& transport, const Clock& clock,
                         SnsNotificationHandler handler)
    : options_(std::move(options)),
      verifier_(verifier),
      store_(store),
      transport_(transport),
      clock_(clock),
      handler_(std::move(handler)) {}

SnsEndpoint::~SnsEndpoint() { stop(); }

void SnsEndpoint::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string SnsEndpoint::url() const {
  const bool tls = !options_.tls_certificate_file.empty();
  const bool v6 = options_.host.find(':') != std::string::npos;
  return fmt::format("{}://{}:{}{}", tls ? "https" : "http",
                     v6 ? "[" + options_.host + "]" : options_.host, port_, options_.path);
}

SnsEndpoint::Answer SnsEndpoint::handle(std::string_view body, std::string_view type_header) {
  auto message = parse_sns_message(body, "the SNS message");
  if (!message) {
    spdlog::warn("Refused a delivery to the SNS endpoint: {}", message.error().message);
    return {400, message.error().message};
  }
  if (!type_header.empty() && type_header != to_string(message->type)) {
    std::string why = fmt::format("SNS message {}: its x-amz-sns-message-type header says {}, "
                                  "its Type {}",
                                  message->message_id, type_header, to_string(message->type));
    spdlog::warn("Refused a delivery to the SNS endpoint: {}", why);
    return {400, why};
  }
  auto verified = verifier_.verify(*message, clock_.now());
  if (!verified) {
    const std::string& why = verified.error().message;
    spdlog::warn("Refused a delivery to the SNS endpoint: {}", why);
    // A certificate not fetched (or not yet pre-seeded) may be there next time: SNS
    // retries a 5xx, and gives up on a 4xx.
    const ErrorCode code = verified.error().code;
    const int status = code == ErrorCode::kIo || code == ErrorCode::kNotFound ? 503 : 403;
    // The sender learns which check failed; the details (file paths) stay in the log.
    const size_t check = why.find(" check: ");
    return {status, check == std::string::npos ? why : why.substr(0, check + 6)};
  }
  auto seen = store_.sns_message_handled(message->message_id);
  if (!seen) {
    spdlog::error("Could not tell whether SNS message {} was handled before: {}",
                  message->message_id, seen.error().message);
    return {500, "the store failed"};
  }
  if (*seen) return {200, "already handled"};
  switch (message->type) {
    case SnsMessageType::kSubscriptionConfirmation:
      return confirm(*message);
    case SnsMessageType::kUnsubscribeConfirmation:
      spdlog::warn("SNS topic {} unsubscribed this endpoint (message {}); nothing more will "
                   "arrive from it until it is subscribed again.",
                   message->topic_arn, message->message_id);
      return handled(*message, "unsubscribed");
    case SnsMessageType::kNotification:
      return notify(*message);
  }
  return {400, "unknown message type"};
}

SnsEndpoint::Answer SnsEndpoint::confirm(const SnsMessage& message) {
  if (auto allowed = check_subscribe_url(message.subscribe_url,
                                         verifier_.options().test_only_trusted_cert_url);
      !allowed) {
    spdlog::warn("Did not confirm the subscription to {}: {}", message.topic_arn,
                 allowed.error().message);
    return {403, allowed.error().message};
  }
  HttpRequest request;
  request.url = message.subscribe_url;
  auto answer = transport_.send(request);
  if (!answer || answer->status / 100 != 2) {
    const std::string why =
        answer ? fmt::format("SNS answered HTTP {}", answer->status) : answer.error().message;
    spdlog::error("Could not confirm the subscription to {}: {}", message.topic_arn, why);
    return {502, "the subscription could not be confirmed: " + why};
  }
  spdlog::info("Confirmed the subscription to SNS topic {}.", message.topic_arn);
  return handled(message, "confirmed");
}

SnsEndpoint::Answer SnsEndpoint::notify(const SnsMessage& message) {
  auto taken = handler_(message);
  if (!taken) {
    if (taken.error().code == ErrorCode::kInvalidInput) {
      spdlog::error("Refused SNS message {} from {}: {}", message.message_id, message.topic_arn,
                    taken.error().message);
      return {400, taken.error().message};
    }
    spdlog::error("Could not take in SNS message {} from {} (SNS will deliver it again): {}",
                  message.message_id, message.topic_arn, taken.error().message);
    return {500, "not taken in; deliver again"};
  }
  spdlog::info("SNS message {} from {}: {}", message.message_id, message.topic_arn, *taken);
  return handled(message, *taken);
}

SnsEndpoint::Answer SnsEndpoint::handled(const SnsMessage& message, std::string what) {
  if (auto kept = store_.remember_sns_message(message.message_id, message.topic_arn,
                                              clock_.now());
      !kept) {
    // Taken in already; a redelivery finds the same state and does nothing.
    spdlog::warn("Could not remember SNS message {}: {}", message.message_id,
                 kept.error().message);
  }
  return {200, std::move(what)};
}

}  // namespace sgwatch
