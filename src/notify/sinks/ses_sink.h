// The SES destination: the composed email sent with SES's v1 API, SendRawEmail (Query
// protocol, SigV4 signing name "ses"), so the owner gets the same bytes an SMTP
// destination would send.
//
// What SES receives, per call:
//   POST <service_endpoint("ses", region)>/   (AWS_ENDPOINT_URL_SES, AWS_ENDPOINT_URL, or
//                                              https://email.<region>.amazonaws.com)
//   Action=SendRawEmail&Version=2010-12-01&Source=<email.from>
//   &Destinations.member.N=<recipient>&RawMessage.Data=<base64 of email.mime>
//   [&ConfigurationSetName=<configuration_set>]
//
// SES takes at most 50 recipients per call, so an alert for more goes out in several
// calls, each to the next 50. One deliver() is one attempt: the calls are made in order
// and the first that fails ends it. The sink remembers, per alert id, the recipients whose
// call succeeded, and a later deliver() of the same alert sends to the others only, so a
// retry after a partial failure does not mail anyone twice. The memory is the process's:
// a restart between the calls sends the whole alert again. A call whose answer was lost
// (connection broken, timed out) may have been accepted; its recipients get the alert
// again on the retry: delivery is at least once.
//
// How an answer is judged (DeliveryOutcome):
// - 2xx for every call: ok.
// - throttling (Throttling: "Maximum sending rate exceeded.", and also "Daily message
//   quota exceeded.", which passes too, only later), 5xx and transient errors: retry.
// - expired credentials (ExpiredToken): the provider is told to refresh, then retry.
// - no answer: retry when the cause may pass (connect, timeout, broken connection,
//   cancelled); fatal when it will not (TLS verification, a policy refusal).
// - any other error: fatal, described as AWS errors are (describe() in aws/aws_error.h):
//   MessageRejected (the sender not verified), MailFromDomainNotVerifiedException,
//   ConfigurationSetDoesNotExist, AccountSendingPausedException, AccessDenied, bad
//   credentials, any other 4xx.
// - the composer's error, or an email without recipients: fatal, before any call.
//
// A failed call's reason starts with "ses:SendRawEmail in <region> failed: ", one found
// before any call with "ses <region>: ". Neither reasons, describe() nor errors ever hold
// the secret access key or the session token: AWS quotes the whole canonical request (with
// the session token) in SignatureDoesNotMatch, so only the first line of an AWS message is
// kept, and any credential value in it is blanked.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "aws/credential_provider.h"
#include "aws/http.h"
#include "core/clock.h"
#include "core/env.h"
#include "core/error.h"
#include "notify/outgoing_email.h"
#include "notify/sinks/sink.h"

namespace sgwatch {

struct SesOptions {
  std::string region{};             // "us-east-1": where the sending identity is verified
  std::string configuration_set{};  // "" sends with none
  // The whole exchange of one call. Used by make_ses_sink(); a transport the caller gives
  // to the constructor carries its own timeouts.
  std::chrono::milliseconds timeout{30000};
};

// SES's limit of recipients per call (To, Cc and Bcc together).
inline constexpr std::size_t kSesMaxRecipientsPerCall = 50;

// Checks what can be known without calling SES: a region that looks like one
// ("us-east-1"), a positive timeout.
[[nodiscard]] Status check_ses_options(const SesOptions& options);

class SesSink final : public Sink {
 public:
  // `transport` and `credentials` must outlive the sink. Options check_ses_options()
  // refuses are not thrown on: every deliver() then answers Fatal with its message.
  SesSink(SesOptions options, HttpTransport& transport, CredentialProvider& credentials,
          EnvLookup env, const Clock& clock, EmailComposer compose);
  // The same, owning its transport.
  SesSink(SesOptions options, std::unique_ptr<HttpTransport> transport,
          CredentialProvider& credentials, EnvLookup env, const Clock& clock,
          EmailComposer compose);
  SesSink(const SesSink&) = delete;
  SesSink& operator=(const SesSink&) = delete;

  DeliveryOutcome deliver(const Alert& alert) override;
  void cancel() override { transport_.cancel_all(); }
  std::string describe() const override;  // "ses us-east-1"

 private:
  // Records that `recipients` of alert `alert_id` have been sent to.
  void remember(const std::string& alert_id, const std::vector<std::string>& recipients);
  void forget(const std::string& alert_id);

  std::unique_ptr<HttpTransport> owned_transport_;  // set by the owning constructor only
  HttpTransport& transport_;
  const SesOptions options_;
  CredentialProvider& credentials_;
  const EnvLookup env_;
  const Clock& clock_;
  const EmailComposer compose_;
  const Status options_status_;
  // Per alert id, the recipients already sent to, for alerts not yet wholly delivered;
  // the oldest alerts are forgotten first beyond a bound, so alerts abandoned by the
  // outbox cannot make it grow without end.
  std::map<std::string, std::set<std::string>> sent_;
  std::deque<std::string> sent_order_;
};

// A SesSink owning a CurlTransport whose total timeout is `options.timeout`.
// `loopback_only` refuses every non-loopback address (tests, the demo). Fails
// (kInvalidInput) on options check_ses_options() refuses.
Result<std::unique_ptr<SesSink>> make_ses_sink(SesOptions options,
                                               CredentialProvider& credentials, EnvLookup env,
                                               const Clock& clock, EmailComposer compose,
                                               bool loopback_only = false);

// For `sgwatch validate`: asks SES (GetIdentityVerificationAttributes) about the address
// `from_address` names ("alerts@example.com" or "Alerts <alerts@example.com>") and its
// domain, without sending anything. Ok when either is verified (status Success). Otherwise
// kInvalidInput naming the address, the region and the status of both: "ses us-east-1: the
// sender a@example.com is not verified in us-east-1 (a@example.com: verification status
// Pending; example.com: not an identity in this account)". A call that fails is kIo
// (kExpiredCredentials, kCancelled where they apply), described as AWS errors are.
[[nodiscard]] Status check_ses_identity(const SesOptions& options, HttpTransport& transport,
                                        CredentialProvider& credentials, const EnvLookup& env,
                                        const Clock& clock, const std::string& from_address);

}  // namespace sgwatch
