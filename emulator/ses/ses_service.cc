#include "emulator/ses/ses_service.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <sstream>

#include <date/date.h>
#include <fmt/format.h>
#include <pugixml.hpp>

#include "emulator/request_id.h"
#include "emulator/ses/ses_mail.h"

namespace sgwatch::emulator {
namespace {

constexpr const char* kNamespace = "http://ses.amazonaws.com/doc/2010-12-01/";
constexpr const char* kVersion = "2010-12-01";

// SES's documented limits.
constexpr size_t kMaxRecipients = 50;
constexpr size_t kMaxMessageBytes = 10 * 1024 * 1024;
constexpr size_t kMaxIdentitiesPerQuery = 100;
constexpr int kMaxListItems = 1000;

constexpr std::array<const char*, 6> kActions = {
    "SendRawEmail",        "SendEmail",
    "VerifyEmailIdentity", "VerifyDomainIdentity",
    "GetIdentityVerificationAttributes", "ListIdentities"};

// --- Parameters ---

std::string ses_param(const Params& params, const std::string& name) {
  auto found = params.find(name);
  return found == params.end() ? "" : found->second;
}

bool has(const Params& params, const std::string& name) { return params.count(name) != 0; }

// A Query list, "Prefix.member.1", "Prefix.member.2", ...: numbered from 1, ending at the
// first number missing.
std::vector<std::string> list_param(const Params& params, const std::string& prefix) {
  std::vector<std::string> values;
  for (int n = 1;; ++n) {
    auto found = params.find(prefix + ".member." + std::to_string(n));
    if (found == params.end()) break;
    values.push_back(found->second);
  }
  return values;
}

// --- Base64 ---

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(std::max(written, 0)));
  return out;
}

// Standard base64, padded; line breaks (as MIME writes base64) are ignored. A space is an
// error: it is a '+' a client forgot to percent-encode.
std::optional<std::string> base64_decode(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\n') compact += c;
  }
  if (compact.size() % 4 != 0) return std::nullopt;
  for (size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    const bool padding = c == '=' && i + 2 >= compact.size() &&
                         (i + 1 == compact.size() || compact[i + 1] == '=');
    if (!padding && !std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/') {
      return std::nullopt;
    }
  }
  std::string out(compact.size() / 4 * 3, '\0');
  int decoded = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(compact.data()),
                                static_cast<int>(compact.size()));
  if (decoded < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t padding = 0;
  if (!compact.empty() && compact.back() == '=') ++padding;
  if (compact.size() > 1 && compact[compact.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(decoded) - padding);
  return out;
}

// --- XML ---

std::string to_text(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

void ses_add_text(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).text() = value.c_str();
}

// Starts <ActionResponse xmlns=...><ActionResult/>, returning the result element;
// ResponseMetadata is added by ses_finish().
pugi::xml_node ses_begin(pugi::xml_document& doc, const std::string& action) {
  pugi::xml_node response = doc.append_child((action + "Response").c_str());
  response.append_attribute("xmlns") = kNamespace;
  return response.append_child((action + "Result").c_str());
}

Response ses_finish(pugi::xml_document& doc) {
  pugi::xml_node metadata = doc.first_child().append_child("ResponseMetadata");
  metadata.append_child("RequestId").text() = new_request_id().c_str();
  return Response{200, "text/xml", to_text(doc), {}};
}

Response invalid_parameter(const std::string& message) {
  return ses_error(400, "InvalidParameterValue", message);
}

// How SES reports a required parameter left out.
Response missing(const std::string& member) {
  return ses_error(400, "ValidationError",
                   "1 validation error detected: Value null at '" + member +
                       "' failed to satisfy constraint: Member must not be null");
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

bool ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// A header value as SES writes it: as is when ASCII, else an RFC 2047 encoded word.
std::string header_text(const std::string& text) {
  return ascii(text) ? text : "=?UTF-8?B?" + base64_encode(text) + "?=";
}

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace

std::string to_string(SesVerification status) {
  switch (status) {
    case SesVerification::kPending: return "Pending";
    case SesVerification::kSuccess: return "Success";
    case SesVerification::kFailed: return "Failed";
    case SesVerification::kTemporaryFailure: return "TemporaryFailure";
    case SesVerification::kNotStarted: return "NotStarted";
  }
  return "Pending";
}

std::optional<SesVerification> ses_verification_from(std::string_view text) {
  for (SesVerification status :
       {SesVerification::kPending, SesVerification::kSuccess, SesVerification::kFailed,
        SesVerification::kTemporaryFailure, SesVerification::kNotStarted}) {
    if (to_string(status) == text) return status;
  }
  return std::nullopt;
}

bool is_ses_action(const std::string& action) {
  return std::find(kActions.begin(), kActions.end(), action) != kActions.end();
}

Response ses_error(int status, const std::string& code, const std::string& message) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("ErrorResponse");
  root.append_attribute("xmlns") = kNamespace;
  pugi::xml_node error = root.append_child("Error");
  ses_add_text(error, "Type", status >= 500 ? "Receiver" : "Sender");
  ses_add_text(error, "Code", code);
  ses_add_text(error, "Message", message);
  ses_add_text(root, "RequestId", new_request_id());
  return Response{status, "text/xml", to_text(doc), {}};
}

SesService::SesService(const Clock& clock, uint64_t seed)
    : clock_(clock), random_(seed != 0 ? seed : std::random_device()()) {}

std::string SesService::random_hex(size_t digits) {
  std::string out;
  while (out.size() < digits) out += fmt::format("{:016x}", random_());
  out.resize(digits);
  return out;
}

void SesService::set_identity(const std::string& account_id, const std::string& region,
                              const std::string& identity, SesVerification status) {
  const std::string name = normalise_identity(identity);
  std::lock_guard lock(mutex_);
  Identity& entry = scopes_[{account_id, region}].identities[name];
  entry.status = status;
  if (name.find('@') == std::string::npos && entry.token.empty()) {
    std::string bytes;
    for (int i = 0; i < 4; ++i) {
      uint64_t word = random_();
      bytes.append(reinterpret_cast<const char*>(&word), sizeof word);
    }
    entry.token = base64_encode(bytes);
  }
}

std::optional<SesVerification> SesService::identity_status(const std::string& account_id,
                                                           const std::string& region,
                                                           const std::string& identity) const {
  std::lock_guard lock(mutex_);
  auto scope = scopes_.find({account_id, region});
  if (scope == scopes_.end()) return std::nullopt;
  auto found = scope->second.identities.find(normalise_identity(identity));
  if (found == scope->second.identities.end()) return std::nullopt;
  return found->second.status;
}

void SesService::add_configuration_set(const std::string& account_id, const std::string& region,
                                       const std::string& name) {
  std::lock_guard lock(mutex_);
  scopes_[{account_id, region}].configuration_sets.insert(name);
}

void SesService::set_sending_paused(const std::string& account_id, const std::string& region,
                                    bool paused) {
  std::lock_guard lock(mutex_);
  scopes_[{account_id, region}].paused = paused;
}

std::vector<SesMessage> SesService::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

void SesService::clear_messages() {
  std::lock_guard lock(mutex_);
  messages_.clear();
}

std::string SesService::messages_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const SesMessage& message : messages()) {
    list.push_back({
        {"account", message.account_id},
        {"region", message.region},
        {"message_id", message.message_id},
        {"action", message.action},
        {"source", message.source},
        {"destinations", message.destinations},
        {"raw_message", message.raw},
        {"configuration_set", message.configuration_set},
        {"timestamp", date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(
                                                 message.sent_at))},
    });
  }
  // A raw message may hold any bytes; JSON holds only UTF-8.
  return nlohmann::json{{"messages", list}}.dump(-1, ' ', false,
                                                 nlohmann::json::error_handler_t::replace);
}

bool SesService::verified_locked(const Scope& scope, const std::string& address) const {
  for (const std::string& identity : {normalise_identity(address), domain_of(address)}) {
    auto found = scope.identities.find(identity);
    if (found != scope.identities.end() && found->second.status == SesVerification::kSuccess) {
      return true;
    }
  }
  return false;
}

Response SesService::handle(const Caller& caller, const std::string& region,
                            const Params& params) {
  const std::string action = ses_param(params, "Action");
  if (!is_ses_action(action)) {
    return ses_error(400, "InvalidAction",
                     "Could not find operation " + action + " for version " + kVersion);
  }
  if (!caller.may("ses", action)) {
    return ses_error(403, "AccessDenied",
                     "User: " + caller.arn + " is not authorized to perform ses:" + action);
  }
  if (action == "SendRawEmail") return send_raw_email(caller, region, params);
  if (action == "SendEmail") return send_email(caller, region, params);
  if (action == "VerifyEmailIdentity") {
    if (!has(params, "EmailAddress")) return missing("emailAddress");
    return verify_identity(caller, region, action, ses_param(params, "EmailAddress"));
  }
  if (action == "VerifyDomainIdentity") {
    if (!has(params, "Domain")) return missing("domain");
    return verify_identity(caller, region, action, ses_param(params, "Domain"));
  }
  if (action == "GetIdentityVerificationAttributes") {
    return get_verification_attributes(caller, region, params);
  }
  return list_identities(caller, region, params);
}

Response SesService::send_raw_email(const Caller& caller, const std::string& region,
                                    const Params& params) {
  if (!has(params, "RawMessage.Data")) return missing("rawMessage.data");
  auto raw = base64_decode(ses_param(params, "RawMessage.Data"));
  if (!raw) return invalid_parameter("RawMessage.Data is not valid base64.");
  if (raw->size() > kMaxMessageBytes) {
    return invalid_parameter(fmt::format("Message length is more than {} bytes long: '{}'.",
                                         kMaxMessageBytes, raw->size()));
  }
  const auto fields = header_fields(*raw);
  // Without Source, the sender is the From header's; without Destinations, the
  // recipients are those of To, Cc and Bcc.
  std::string source = ses_param(params, "Source");
  if (source.empty()) {
    std::vector<std::string> from = header_addresses(fields, {"from"});
    if (from.empty()) return invalid_parameter("Missing required header 'From'.");
    source = from.front();
  }
  std::vector<std::string> destinations = list_param(params, "Destinations");
  if (destinations.empty()) destinations = header_addresses(fields, {"to", "cc", "bcc"});
  if (destinations.empty()) return invalid_parameter("Missing required header 'To'.");
  return accept(caller, region, "SendRawEmail", source, std::move(destinations),
                std::move(*raw), ses_param(params, "ConfigurationSetName"));
}

Response SesService::send_email(const Caller& caller, const std::string& region,
                                const Params& params) {
  if (!has(params, "Source")) return missing("source");
  if (!has(params, "Message.Subject.Data")) return missing("message.subject.data");
  const std::string source = ses_param(params, "Source");
  const std::vector<std::string> to = list_param(params, "Destination.ToAddresses");
  const std::vector<std::string> cc = list_param(params, "Destination.CcAddresses");
  const std::vector<std::string> bcc = list_param(params, "Destination.BccAddresses");
  std::vector<std::string> destinations = to;
  destinations.insert(destinations.end(), cc.begin(), cc.end());
  destinations.insert(destinations.end(), bcc.begin(), bcc.end());
  if (destinations.empty()) return invalid_parameter("Missing required header 'To'.");

  // The message SES would build from the parts; Bcc recipients are not in its header.
  const std::string text = ses_param(params, "Message.Body.Text.Data");
  const std::string html = ses_param(params, "Message.Body.Html.Data");
  const bool has_text = has(params, "Message.Body.Text.Data");
  const bool has_html = has(params, "Message.Body.Html.Data");
  std::string raw = "From: " + source + "\r\n";
  if (!to.empty()) raw += "To: " + joined(to, ", ") + "\r\n";
  if (!cc.empty()) raw += "Cc: " + joined(cc, ", ") + "\r\n";
  raw += "Subject: " + header_text(ses_param(params, "Message.Subject.Data")) + "\r\n";
  raw += "MIME-Version: 1.0\r\n";
  auto part = [](const char* type, const std::string& body) {
    return fmt::format("Content-Type: text/{}; charset=UTF-8\r\n"
                       "Content-Transfer-Encoding: {}\r\n\r\n{}\r\n",
                       type, ascii(body) ? "7bit" : "8bit", body);
  };
  if (has_text && has_html) {
    const std::string boundary = "=_emulator_alternative";
    raw += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    raw += "--" + boundary + "\r\n" + part("plain", text);
    raw += "--" + boundary + "\r\n" + part("html", html);
    raw += "--" + boundary + "--\r\n";
  } else {
    raw += has_html ? part("html", html) : part("plain", text);
  }
  return accept(caller, region, "SendEmail", source, std::move(destinations), std::move(raw),
                ses_param(params, "ConfigurationSetName"));
}

Response SesService::accept(const Caller& caller, const std::string& region,
                            const std::string& action, const std::string& source,
                            std::vector<std::string> destinations, std::string raw,
                            const std::string& configuration_set) {
  if (destinations.size() > kMaxRecipients) {
    return invalid_parameter("Recipient count exceeds 50.");
  }
  const std::string sender = mailbox_address(source);
  if (!is_address(sender)) return invalid_parameter("Missing final '@domain'");
  for (std::string& destination : destinations) {
    destination = mailbox_address(destination);
    if (!is_address(destination)) return invalid_parameter("Missing final '@domain'");
  }

  SesMessage message;
  {
    std::lock_guard lock(mutex_);
    Scope& scope = scopes_[{caller.account_id, region}];
    if (scope.paused) {
      return ses_error(400, "AccountSendingPausedException",
                       "Email sending is paused for this account in region " + region + ".");
    }
    if (!configuration_set.empty() && scope.configuration_sets.count(configuration_set) == 0) {
      return ses_error(400, "ConfigurationSetDoesNotExist",
                       "Configuration set <" + configuration_set + "> does not exist.");
    }
    if (!verified_locked(scope, sender)) {
      return ses_error(400, "MessageRejected",
                       "Email address is not verified. The following identities failed the "
                       "check in region " + upper(region) + ": " + sender);
    }
    // SES's ids: 16 hex digits, a UUID, and "-000000".
    const std::string uuid = random_hex(32);
    message.message_id = fmt::format("{}-{}-{}-{}-{}-{}-000000", random_hex(16),
                                     uuid.substr(0, 8), uuid.substr(8, 4), uuid.substr(12, 4),
                                     uuid.substr(16, 4), uuid.substr(20, 12));
    message.account_id = caller.account_id;
    message.region = region;
    message.action = action;
    message.source = source;
    message.destinations = std::move(destinations);
    message.raw = std::move(raw);
    message.configuration_set = configuration_set;
    message.sent_at = clock_.now();
    messages_.push_back(message);
  }
  pugi::xml_document doc;
  pugi::xml_node result = ses_begin(doc, action);
  ses_add_text(result, "MessageId", message.message_id);
  return ses_finish(doc);
}

Response SesService::verify_identity(const Caller& caller, const std::string& region,
                                     const std::string& action, const std::string& identity) {
  const bool domain = action == "VerifyDomainIdentity";
  const std::string name = trimmed(identity);
  if (domain && (name.empty() || name.find('@') != std::string::npos)) {
    return invalid_parameter("Invalid domain name " + name + ".");
  }
  if (!domain && !is_address(name)) {
    return invalid_parameter("Invalid email address<" + name + ">.");
  }
  // The emulator sends no mail and reads no DNS: the identity is verified at once.
  set_identity(caller.account_id, region, name, SesVerification::kSuccess);
  pugi::xml_document doc;
  pugi::xml_node result = ses_begin(doc, action);
  if (domain) {
    std::lock_guard lock(mutex_);
    ses_add_text(result, "VerificationToken",
             scopes_[{caller.account_id, region}].identities[normalise_identity(name)].token);
  }
  return ses_finish(doc);
}

Response SesService::get_verification_attributes(const Caller& caller, const std::string& region,
                                                 const Params& params) {
  const std::vector<std::string> requested = list_param(params, "Identities");
  if (requested.size() > kMaxIdentitiesPerQuery) {
    return invalid_parameter(fmt::format("Too many identities: at most {} may be asked at once.",
                                         kMaxIdentitiesPerQuery));
  }
  pugi::xml_document doc;
  pugi::xml_node result = ses_begin(doc, "GetIdentityVerificationAttributes");
  pugi::xml_node map = result.append_child("VerificationAttributes");
  std::set<std::string> listed;
  std::lock_guard lock(mutex_);
  auto scope = scopes_.find({caller.account_id, region});
  for (const std::string& identity : requested) {
    // Identities this account does not have are left out, as SES does.
    if (scope == scopes_.end() || !listed.insert(identity).second) continue;
    auto found = scope->second.identities.find(normalise_identity(identity));
    if (found == scope->second.identities.end()) continue;
    pugi::xml_node entry = map.append_child("entry");
    ses_add_text(entry, "key", identity);
    pugi::xml_node value = entry.append_child("value");
    ses_add_text(value, "VerificationStatus", to_string(found->second.status));
    if (!found->second.token.empty()) ses_add_text(value, "VerificationToken", found->second.token);
  }
  return ses_finish(doc);
}

Response SesService::list_identities(const Caller& caller, const std::string& region,
                                     const Params& params) {
  const std::string type = ses_param(params, "IdentityType");
  if (!type.empty() && type != "EmailAddress" && type != "Domain") {
    return ses_error(400, "ValidationError",
                     "1 validation error detected: Value '" + type +
                         "' at 'identityType' failed to satisfy constraint: Member must "
                         "satisfy enum value set: [EmailAddress, Domain]");
  }
  int max_items = kMaxListItems;
  if (has(params, "MaxItems")) {
    const std::string text = ses_param(params, "MaxItems");
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), max_items);
    if (error != std::errc() || end != text.data() + text.size() || max_items < 1 ||
        max_items > kMaxListItems) {
      return invalid_parameter("MaxItems must be between 1 and 1000.");
    }
  }
  // The token is the name to continue from: identities are listed in name order.
  const std::string next = ses_param(params, "NextToken");
  pugi::xml_document doc;
  pugi::xml_node result = ses_begin(doc, "ListIdentities");
  pugi::xml_node list = result.append_child("Identities");
  std::lock_guard lock(mutex_);
  auto scope = scopes_.find({caller.account_id, region});
  if (scope != scopes_.end()) {
    const auto& identities = scope->second.identities;
    int listed = 0;
    for (auto it = identities.lower_bound(next); it != identities.end(); ++it) {
      const bool is_email = it->first.find('@') != std::string::npos;
      if ((type == "EmailAddress" && !is_email) || (type == "Domain" && is_email)) continue;
      if (listed == max_items) {
        ses_add_text(result, "NextToken", it->first);
        break;
      }
      ses_add_text(list, "member", it->first);
      ++listed;
    }
  }
  return ses_finish(doc);
}

}  // namespace sgwatch::emulator
