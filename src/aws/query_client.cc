#include "aws/query_client.h"

#include <curl/curl.h>

#include <fmt/format.h>

#include "aws/sigv4_signer.h"

namespace sgwatch {
namespace {

std::string escape(const std::string& text) {
  char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  std::string out = escaped ? escaped : "";
  curl_free(escaped);
  return out;
}

AwsProtocol protocol_of(const std::string& service) {
  return service == "ec2" ? AwsProtocol::kEc2 : AwsProtocol::kQuery;
}

std::optional<std::chrono::milliseconds> retry_after(const HttpResponse& response) {
  std::string value = response.header("Retry-After");
  if (value.empty()) return std::nullopt;
  try {
    return std::chrono::seconds(std::stoi(value));
  } catch (const std::exception&) {
    return std::nullopt;  // an HTTP date: the computed backoff will do
  }
}

RetryReason reason_for(TransportFailure failure) {
  return failure == TransportFailure::kTimeout ? RetryReason::kTimeout : RetryReason::kConnection;
}

bool retryable(TransportFailure failure) {
  return failure == TransportFailure::kConnect || failure == TransportFailure::kTimeout ||
         failure == TransportFailure::kBroken;
}

}  // namespace

std::string query_form_body(const QueryCall& call) {
  std::string body = fmt::format("Action={}&Version={}", escape(call.action), escape(call.version));
  for (const auto& [name, value] : call.params) {
    fmt::format_to(std::back_inserter(body), "&{}={}", escape(name), escape(value));
  }
  return body;
}

QueryClient::QueryClient(HttpTransport& transport, const Clock& clock, EnvLookup env,
                         RetryPolicy& retries, Sleep sleep)
    : transport_(transport),
      clock_(clock),
      env_(std::move(env)),
      retries_(retries),
      sleep_(std::move(sleep)) {}

CallCounts QueryClient::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void QueryClient::count_into(Metrics* metrics) {
  if (metrics == nullptr) {
    requests_counted_ = retries_counted_ = nullptr;
    return;
  }
  requests_counted_ = &metrics->counter(
      "sgwatch_aws_requests_total",
      "HTTP requests sent to AWS, retries included, by outcome: the HTTP status, the AWS "
      "error code, or network (no answer).",
      {"service", "action", "code"});
  retries_counted_ = &metrics->counter(
      "sgwatch_aws_retries_total",
      "AWS requests sent again after a throttling, transient or network failure.", {"service"});
}

void QueryClient::count_request(const Target& target, std::string_view code) {
  if (requests_counted_) requests_counted_->with({target.service, target.action, code}).inc();
}

Result<std::string> QueryClient::call(const QueryCall& call, const AwsCredentials* credentials) {
  HttpRequest request{"POST", service_endpoint(call.service, call.region, env_) + "/", {},
                      query_form_body(call)};
  request.set_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  return send(std::move(request),
              Target{call.service, call.region, call.action, protocol_of(call.service)},
              credentials);
}

Result<std::string> QueryClient::call_json(const JsonCall& call,
                                           const AwsCredentials* credentials) {
  HttpRequest request{"POST", service_endpoint(call.service, call.region, env_) + "/", {},
                      call.body};
  request.set_header("Content-Type", call.version == JsonVersion::k1_0
                                         ? "application/x-amz-json-1.0"
                                         : "application/x-amz-json-1.1");
  // An x-amz-* header, so the signature covers it: the operation cannot be swapped.
  request.set_header("X-Amz-Target", call.target);
  return send(std::move(request), Target{call.service, call.region, call.action, AwsProtocol::kJson},
              credentials);
}

Result<std::string> QueryClient::send(HttpRequest request, const Target& target,
                                      const AwsCredentials* credentials) {
  {
    std::lock_guard lock(mutex_);
    ++counts_.calls;
  }
  const std::string what = fmt::format("{}:{} in {}", target.service, target.action, target.region);
  RetryReason last_reason = RetryReason::kTransient;
  for (int attempt = 1;; ++attempt) {
    {
      std::lock_guard lock(mutex_);
      ++counts_.attempts;
    }
    if (credentials) {
      if (auto signed_ok =
              sign_sigv4(request, *credentials, target.region, target.service, clock_.now());
          !signed_ok) {
        return tl::unexpected(signed_ok.error().within(what));
      }
    }
    auto response = transport_.send(request);
    std::optional<std::chrono::milliseconds> delay;
    std::string failure;
    ErrorCode code = ErrorCode::kIo;
    if (!response) {
      failure = what + " failed: " + response.error().message;
      if (response.error().failure == TransportFailure::kCancelled) code = ErrorCode::kCancelled;
      count_request(target, code == ErrorCode::kCancelled ? "cancelled" : "network");
      if (retryable(response.error().failure)) {
        last_reason = reason_for(response.error().failure);
        delay = retries_.next_delay(attempt, last_reason);
      }
    } else if (response->status >= 200 && response->status < 300) {
      count_request(target, std::to_string(response->status));
      retries_.on_success(attempt > 1, last_reason);
      return std::move(response->body);
    } else {
      AwsError error = parse_aws_error(*response, target.protocol);
      count_request(target, error.code.empty() ? std::to_string(response->status) : error.code);
      failure = describe(error, target.service, target.action, target.region);
      ErrorClass kind = classify(error);
      if (kind == ErrorClass::kExpiredCredentials) code = ErrorCode::kExpiredCredentials;
      if (kind == ErrorClass::kThrottling || kind == ErrorClass::kTransient) {
        last_reason = kind == ErrorClass::kThrottling ? RetryReason::kThrottling : RetryReason::kTransient;
        delay = retries_.next_delay(attempt, last_reason, retry_after(*response));
      }
    }
    if (!delay) {
      return fail(code, attempt > 1 ? fmt::format("{} (after {} attempts)", failure, attempt)
                                              : failure);
    }
    if (retries_counted_) retries_counted_->with({target.service}).inc();
    sleep_(*delay);
  }
}

}  // namespace sgwatch
