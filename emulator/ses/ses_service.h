// The emulator's SES: the v1 API (Version 2010-12-01) in the Query protocol with SES's XML,
// signed for the service "ses". It keeps every mail it accepts instead of delivering it,
// so tests can read what a client sent (GET /_emulator/ses/messages).
//
// Served: SendRawEmail, SendEmail, VerifyEmailIdentity, VerifyDomainIdentity,
// GetIdentityVerificationAttributes, ListIdentities. Verified identities (email addresses
// and domains) belong to an account and a region, as in SES; a mail is accepted only from
// an address that is verified, or whose domain is. Verify* succeed at once: the emulator
// sends no verification mail and reads no DNS. Identities in other states (Pending,
// Failed, ...) come from the seed or set_identity(), so clients can meet them.
//
// The account is in production mode: recipients need no verification, and there is no
// sending quota (throttling is an injected fault).
//
// Thread-safe: the server calls it from several threads.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "emulator/caller.h"
#include "emulator/http_types.h"

namespace sgwatch::emulator {

// SES's VerificationStatus values.
enum class SesVerification { kPending, kSuccess, kFailed, kTemporaryFailure, kNotStarted };

std::string to_string(SesVerification status);  // "Pending", "Success", ...
std::optional<SesVerification> ses_verification_from(std::string_view text);

// A mail SES accepted, as the emulator keeps it.
struct SesMessage {
  std::string account_id;
  std::string region;
  std::string message_id;  // as answered to the client
  std::string action;      // "SendRawEmail" or "SendEmail"
  std::string source;      // the Source parameter, or the From header's address
  std::vector<std::string> destinations;  // the envelope recipients, in the order given
  // The message: for SendRawEmail the decoded RawMessage.Data byte for byte; for SendEmail
  // the message the emulator built from the parts.
  std::string raw;
  std::string configuration_set;  // "" when none was named
  Timestamp sent_at;              // the emulator's clock
};

class SesService {
 public:
  // `seed` non-zero makes message ids and verification tokens repeatable.
  explicit SesService(const Clock& clock, uint64_t seed = 0);

  // One verified call of `caller`, signed for `region`.
  Response handle(const Caller& caller, const std::string& region, const Params& params);

  // Adds or changes an identity: an email address ("a@example.com") or a domain
  // ("example.com"). Domains, and the domain part of addresses, are case-insensitive;
  // the local part of an address is not, as in SES.
  void set_identity(const std::string& account_id, const std::string& region,
                    const std::string& identity,
                    SesVerification status = SesVerification::kSuccess);
  // nullopt when the identity is unknown in that account and region.
  std::optional<SesVerification> identity_status(const std::string& account_id,
                                                 const std::string& region,
                                                 const std::string& identity) const;
  // Configuration sets a send may name; naming another is ConfigurationSetDoesNotExist.
  void add_configuration_set(const std::string& account_id, const std::string& region,
                             const std::string& name);
  // While paused, every send of the account in the region is AccountSendingPausedException.
  void set_sending_paused(const std::string& account_id, const std::string& region,
                          bool paused);

  // The mails accepted, oldest first.
  std::vector<SesMessage> messages() const;
  void clear_messages();
  // What GET /_emulator/ses/messages answers: {"messages": [{"account", "region",
  // "message_id", "action", "source", "destinations", "raw_message", "configuration_set",
  // "timestamp"}]}. raw_message is the message as text; bytes that are not UTF-8 show as
  // U+FFFD (messages() has them exact).
  std::string messages_json() const;

 private:
  struct Identity {
    SesVerification status = SesVerification::kSuccess;
    std::string token;  // domains only: the TXT record value SES asks for
  };
  // Per account and region.
  struct Scope {
    std::map<std::string, Identity> identities;  // by normalised name, sorted
    std::set<std::string> configuration_sets;
    bool paused = false;
  };
  using ScopeKey = std::pair<std::string, std::string>;  // account, region

  Response send_raw_email(const Caller& caller, const std::string& region, const Params& params);
  Response send_email(const Caller& caller, const std::string& region, const Params& params);
  Response verify_identity(const Caller& caller, const std::string& region,
                           const std::string& action, const std::string& identity);
  Response get_verification_attributes(const Caller& caller, const std::string& region,
                                       const Params& params);
  Response list_identities(const Caller& caller, const std::string& region,
                           const Params& params);
  // Checks what every send must pass (sending paused, the configuration set, the sender's
  // verification) and keeps the mail; the answer is the action's response or its error.
  Response accept(const Caller& caller, const std::string& region, const std::string& action,
                  const std::string& source, std::vector<std::string> destinations,
                  std::string raw, const std::string& configuration_set);
  bool verified_locked(const Scope& scope, const std::string& address) const;
  std::string random_hex(size_t digits);  // caller holds mutex_

  const Clock& clock_;
  mutable std::mutex mutex_;
  std::mt19937_64 random_;
  std::map<ScopeKey, Scope> scopes_;
  std::vector<SesMessage> messages_;
};

// Whether `action` is one of SES's, so that a request the emulator cannot verify still
// gets SES's error shape.
bool is_ses_action(const std::string& action);

// SES's error document, as the other Query services write it:
// <ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender
// </Type><Code/><Message/></Error><RequestId/></ErrorResponse>.
Response ses_error(int status, const std::string& code, const std::string& message);

}  // namespace sgwatch::emulator
