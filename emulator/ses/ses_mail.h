// How the emulator's SES reads mail: addresses of mailboxes and header fields, identities
// as SES keys them, and the header fields of a raw RFC 5322 message. The emulator's own
// reading, shared with nothing in src/ (see CMakeLists.txt).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sgwatch::emulator {

// "Ops <ops@example.com>" and "ops@example.com" both give "ops@example.com".
std::string mailbox_address(std::string_view mailbox);
bool is_address(std::string_view address);
std::string domain_of(std::string_view address);
// `text` without surrounding blanks.
std::string trimmed(std::string_view text);
// Domains in lower case (SES treats them case-insensitively), local parts as given.
std::string normalise_identity(const std::string& identity);
// The mailboxes of an address-list header value, split at commas outside quotes and
// angle brackets.
std::vector<std::string> address_list(std::string_view value);
// The header fields of an RFC 5322 message, unfolded, names in lower case, in order.
std::vector<std::pair<std::string, std::string>> header_fields(std::string_view raw);
// Every address in the fields called one of `names` ("to", "cc", "bcc").
std::vector<std::string> header_addresses(
    const std::vector<std::pair<std::string, std::string>>& fields,
    std::initializer_list<const char*> names);

}  // namespace sgwatch::emulator
