#include "notify/sinks/ses_sink.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "aws/aws_error.h"
#include "aws/endpoints.h"
#include "aws/query_client.h"
#include "aws/sigv4_signer.h"
#include "core/digest.h"
#include "notify/email_message.h"
#include "notify/sinks/http_delivery.h"

namespace sgwatch {
namespace {

using std::chrono::milliseconds;

constexpr const char* kService = "ses";
constexpr const char* kVersion = "2010-12-01";
constexpr const char* kSendRawEmail = "SendRawEmail";
constexpr const char* kGetAttributes = "GetIdentityVerificationAttributes";

// Alerts whose partial progress is kept. An alert the outbox gave up on (too old) is
// never delivered again and would otherwise stay forever.
constexpr std::size_t kMaxRememberedAlerts = 1024;

std::string trim_line_ends(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Errors of a credential provider that no retry mends: nothing configured, a broken
// configuration. Others (a metadata service not answering yet) may pass.
bool credentials_may_pass(ErrorCode code) {
  return code != ErrorCode::kNotFound && code != ErrorCode::kInvalidInput &&
         code != ErrorCode::kIncompatible;
}

// An AWS error message as a reason may hold it. SignatureDoesNotMatch goes on, after its
// first line, with the canonical request, whose x-amz-security-token line is the session
// token: only the first line is kept, and any credential value left in it is blanked.
std::string scrubbed(const std::string& message, const AwsCredentials& credentials) {
  std::string text = message.substr(0, message.find('\n'));
  for (const std::string* secret : {&credentials.secret_access_key, &credentials.session_token}) {
    if (secret->empty()) continue;
    for (std::size_t at = text.find(*secret); at != std::string::npos;
         at = text.find(*secret, at)) {
      text.replace(at, secret->size(), "[redacted]");
    }
  }
  return trim_line_ends(text);
}

// What one SES call came to.
struct CallResult {
  DeliveryOutcome::Kind kind = DeliveryOutcome::Kind::kOk;
  std::string body;    // kOk: the answer, unparsed
  std::string reason;  // otherwise: a sentence holding no secret
  ErrorCode code = ErrorCode::kIo;  // otherwise: for check_ses_identity's Error
};

CallResult retry(std::string reason, ErrorCode code = ErrorCode::kIo) {
  return {DeliveryOutcome::Kind::kRetry, "", std::move(reason), code};
}
CallResult fatal(std::string reason, ErrorCode code = ErrorCode::kIo) {
  return {DeliveryOutcome::Kind::kFatal, "", std::move(reason), code};
}

struct SesContext {
  const SesOptions& options;
  HttpTransport& transport;
  CredentialProvider& credentials;
  const EnvLookup& env;
  const Clock& clock;
};

// One signed call, judged; never retried here.
CallResult ses_call(const SesContext& context, const std::string& action,
                    std::vector<std::pair<std::string, std::string>> params) {
  const std::string& region = context.options.region;
  const std::string what = fmt::format("{}:{} in {} failed", kService, action, region);
  auto credentials = context.credentials.credentials();
  if (!credentials) {
    std::string reason = fmt::format("{}: no credentials: {}", what, credentials.error().message);
    return credentials_may_pass(credentials.error().code) ? retry(std::move(reason))
                                                          : fatal(std::move(reason));
  }
  const QueryCall call{kService, region, action, kVersion, std::move(params)};
  HttpRequest request{"POST", service_endpoint(kService, region, context.env) + "/", {},
                      query_form_body(call)};
  request.set_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  if (auto signed_ok =
          sign_sigv4(request, *credentials, region, kService, context.clock.now());
      !signed_ok) {
    return fatal(fmt::format("{}: {}", what, signed_ok.error().message),
                 ErrorCode::kInvalidInput);
  }

  auto response = context.transport.send(request);
  if (!response) {
    const TransportError& error = response.error();
    // The transport's message names the endpoint's host, never a header or the body.
    std::string reason = fmt::format("{}: {} ({})", what, to_string(error.failure),
                                     scrubbed(error.message, *credentials));
    const ErrorCode code =
        error.failure == TransportFailure::kCancelled ? ErrorCode::kCancelled : ErrorCode::kIo;
    return may_pass(error.failure) ? retry(std::move(reason), code)
                                   : fatal(std::move(reason), code);
  }
  if (response->status >= 200 && response->status <= 299) {
    return {DeliveryOutcome::Kind::kOk, std::move(response->body), "", ErrorCode::kIo};
  }
  AwsError error = parse_aws_error(*response, AwsProtocol::kQuery);
  error.message = scrubbed(error.message, *credentials);
  std::string reason = describe(error, kService, action, region);
  switch (classify(error)) {
    case ErrorClass::kThrottling:
    case ErrorClass::kTransient:
      return retry(std::move(reason));
    case ErrorClass::kExpiredCredentials:
      // Refused as expired before their stated expiry (revoked, clock skew): the next
      // attempt must fetch fresh ones.
      context.credentials.invalidate();
      return retry(std::move(reason), ErrorCode::kExpiredCredentials);
    case ErrorClass::kPermanent:
      break;
  }
  return fatal(std::move(reason));
}

bool region_like(const std::string& region) {
  return !region.empty() && std::all_of(region.begin(), region.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '-';
  });
}

// "verification status Pending", or "not an identity in this account" when SES left it
// out of its answer.
std::string status_text(const std::map<std::string, std::string>& statuses,
                        const std::string& identity) {
  auto found = statuses.find(lower(identity));
  if (found == statuses.end()) return "not an identity in this account";
  return "verification status " + found->second;
}

}  // namespace

Status check_ses_options(const SesOptions& options) {
  if (options.region.empty()) return invalid("the SES region is empty");
  if (!region_like(options.region)) {
    return invalid(fmt::format("the SES region '{}' is not a region name (like us-east-1)",
                               options.region));
  }
  if (options.timeout <= milliseconds(0)) {
    return invalid(
        fmt::format("the SES timeout must be positive, not {} ms", options.timeout.count()));
  }
  return {};
}

SesSink::SesSink(SesOptions options, HttpTransport& transport, CredentialProvider& credentials,
                 EnvLookup env, const Clock& clock, EmailComposer compose)
    : transport_(transport),
      options_(std::move(options)),
      credentials_(credentials),
      env_(std::move(env)),
      clock_(clock),
      compose_(std::move(compose)),
      options_status_(check_ses_options(options_)) {}

SesSink::SesSink(SesOptions options, std::unique_ptr<HttpTransport> transport,
                 CredentialProvider& credentials, EnvLookup env, const Clock& clock,
                 EmailComposer compose)
    : owned_transport_(std::move(transport)),
      transport_(*owned_transport_),
      options_(std::move(options)),
      credentials_(credentials),
      env_(std::move(env)),
      clock_(clock),
      compose_(std::move(compose)),
      options_status_(check_ses_options(options_)) {}

std::string SesSink::describe() const { return "ses " + options_.region; }

void SesSink::remember(const std::string& alert_id, const std::vector<std::string>& recipients) {
  auto [entry, added] = sent_.try_emplace(alert_id);
  entry->second.insert(recipients.begin(), recipients.end());
  if (!added) return;
  sent_order_.push_back(alert_id);
  while (sent_.size() > kMaxRememberedAlerts && !sent_order_.empty()) {
    sent_.erase(sent_order_.front());
    sent_order_.pop_front();
  }
}

void SesSink::forget(const std::string& alert_id) {
  if (sent_.erase(alert_id) == 0) return;
  std::erase(sent_order_, alert_id);
}

DeliveryOutcome SesSink::deliver(const Alert& alert) {
  if (!options_status_) {
    return DeliveryOutcome::fatal(
        fmt::format("{}: {}", describe(), options_status_.error().message));
  }
  auto email = compose_(alert);
  if (!email) {
    return DeliveryOutcome::fatal(
        fmt::format("{}: cannot compose the email: {}", describe(), email.error().message));
  }
  if (email->recipients.empty()) {
    return DeliveryOutcome::fatal(fmt::format("{}: the email has no recipients", describe()));
  }

  std::vector<std::string> pending;
  auto done = sent_.find(alert.id);
  for (const std::string& recipient : email->recipients) {
    if (done == sent_.end() || done->second.count(recipient) == 0) pending.push_back(recipient);
  }
  const std::string data = base64(email->mime);
  const SesContext context{options_, transport_, credentials_, env_, clock_};
  for (std::size_t start = 0; start < pending.size(); start += kSesMaxRecipientsPerCall) {
    const std::size_t end = std::min(pending.size(), start + kSesMaxRecipientsPerCall);
    const std::vector<std::string> batch(pending.begin() + static_cast<std::ptrdiff_t>(start),
                                         pending.begin() + static_cast<std::ptrdiff_t>(end));
    std::vector<std::pair<std::string, std::string>> params;
    params.reserve(batch.size() + 3);
    params.emplace_back("Source", email->from);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      params.emplace_back(fmt::format("Destinations.member.{}", i + 1), batch[i]);
    }
    params.emplace_back("RawMessage.Data", data);
    if (!options_.configuration_set.empty()) {
      params.emplace_back("ConfigurationSetName", options_.configuration_set);
    }

    CallResult result = ses_call(context, kSendRawEmail, std::move(params));
    if (result.kind != DeliveryOutcome::Kind::kOk) {
      const std::size_t sent = email->recipients.size() - (pending.size() - start);
      if (sent > 0) {
        result.reason += fmt::format(" ({} of {} recipients were already sent to and are not "
                                     "sent to again)",
                                     sent, email->recipients.size());
      }
      return result.kind == DeliveryOutcome::Kind::kRetry
                 ? DeliveryOutcome::retry(std::move(result.reason))
                 : DeliveryOutcome::fatal(std::move(result.reason));
    }
    remember(alert.id, batch);
  }
  forget(alert.id);
  return DeliveryOutcome::ok();
}

Result<std::unique_ptr<SesSink>> make_ses_sink(SesOptions options,
                                               CredentialProvider& credentials, EnvLookup env,
                                               const Clock& clock, EmailComposer compose,
                                               bool loopback_only) {
  if (auto checked = check_ses_options(options); !checked) {
    return tl::unexpected(checked.error());
  }
  auto transport = make_delivery_transport(options.timeout, loopback_only);
  return std::make_unique<SesSink>(std::move(options), std::move(transport), credentials,
                                   std::move(env), clock, std::move(compose));
}

Status check_ses_identity(const SesOptions& options, HttpTransport& transport,
                          CredentialProvider& credentials, const EnvLookup& env,
                          const Clock& clock, const std::string& from_address) {
  if (auto checked = check_ses_options(options); !checked) return checked;
  const std::string label = "ses " + options.region;
  const std::string address = bare_address(from_address);
  const std::size_t at = address.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == address.size()) {
    return invalid(fmt::format("{}: the sender '{}' is not an email address", label,
                               from_address));
  }
  const std::string domain = lower(address.substr(at + 1));

  const SesContext context{options, transport, credentials, env, clock};
  CallResult result = ses_call(context, kGetAttributes,
                               {{"Identities.member.1", address}, {"Identities.member.2", domain}});
  if (result.kind != DeliveryOutcome::Kind::kOk) return fail(result.code, result.reason);

  pugi::xml_document doc;
  if (!doc.load_buffer(result.body.data(), result.body.size())) {
    return fail(ErrorCode::kIo,
                fmt::format("{}: {}: the answer is not XML", label, kGetAttributes));
  }
  pugi::xml_node map = doc.child("GetIdentityVerificationAttributesResponse")
                           .child("GetIdentityVerificationAttributesResult")
                           .child("VerificationAttributes");
  if (!map) {
    return fail(ErrorCode::kIo, fmt::format("{}: {}: the answer has no VerificationAttributes",
                                            label, kGetAttributes));
  }
  // SES echoes each identity as asked; the domain part is compared without case.
  std::map<std::string, std::string> statuses;
  for (pugi::xml_node entry : map.children("entry")) {
    statuses[lower(entry.child_value("key"))] =
        entry.child("value").child_value("VerificationStatus");
  }
  for (const std::string& identity : {address, domain}) {
    auto found = statuses.find(lower(identity));
    if (found != statuses.end() && found->second == "Success") return {};
  }
  return invalid(fmt::format("{}: the sender {} is not verified in {} ({}: {}; {}: {})", label,
                             address, options.region, address, status_text(statuses, address),
                             domain, status_text(statuses, domain)));
}

}  // namespace sgwatch
