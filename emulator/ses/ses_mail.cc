#include "emulator/ses/ses_mail.h"

#include <algorithm>
#include <cctype>

namespace sgwatch::emulator {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string trimmed(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// The address of a mailbox as SES reads Source and header fields: "Ops <ops@example.com>"
// and "ops@example.com" both give "ops@example.com".
std::string mailbox_address(std::string_view mailbox) {
  size_t open = mailbox.rfind('<');
  if (open != std::string_view::npos) {
    size_t close = mailbox.find('>', open);
    if (close != std::string_view::npos) return trimmed(mailbox.substr(open + 1, close - open - 1));
  }
  return trimmed(mailbox);
}

bool is_address(std::string_view address) {
  size_t at = address.rfind('@');
  return at != std::string_view::npos && at > 0 && at + 1 < address.size();
}

std::string domain_of(std::string_view address) {
  return lower(std::string(address.substr(address.rfind('@') + 1)));
}

// Identities are keyed with the domain in lower case: SES treats domains as
// case-insensitive and the local part of an address as case-sensitive.
std::string normalise_identity(const std::string& identity) {
  std::string text = trimmed(identity);
  size_t at = text.rfind('@');
  if (at == std::string::npos) return lower(text);
  return text.substr(0, at + 1) + lower(text.substr(at + 1));
}

// The mailboxes of an address-list header value, split at commas outside quotes and
// angle brackets.
std::vector<std::string> address_list(std::string_view value) {
  std::vector<std::string> addresses;
  std::string current;
  bool quoted = false;
  int angle = 0;
  auto flush = [&] {
    std::string address = mailbox_address(current);
    if (!address.empty()) addresses.push_back(address);
    current.clear();
  };
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\' && quoted && i + 1 < value.size()) {
      current += c;
      current += value[++i];
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '<') ++angle;
    if (!quoted && c == '>' && angle > 0) --angle;
    if (c == ',' && !quoted && angle == 0) {
      flush();
      continue;
    }
    current += c;
  }
  flush();
  return addresses;
}

// The header fields of an RFC 5322 message, unfolded, names in lower case, in order.
std::vector<std::pair<std::string, std::string>> header_fields(std::string_view raw) {
  std::vector<std::pair<std::string, std::string>> fields;
  size_t begin = 0;
  while (begin < raw.size()) {
    size_t end = raw.find('\n', begin);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view line = raw.substr(begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    begin = end + 1;
    if (line.empty()) break;  // the header ends at the first empty line
    if ((line.front() == ' ' || line.front() == '\t') && !fields.empty()) {
      fields.back().second += " " + trimmed(line);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    fields.emplace_back(lower(trimmed(line.substr(0, colon))), trimmed(line.substr(colon + 1)));
  }
  return fields;
}

std::vector<std::string> header_addresses(
    const std::vector<std::pair<std::string, std::string>>& fields,
    std::initializer_list<const char*> names) {
  std::vector<std::string> addresses;
  for (const auto& [name, value] : fields) {
    if (std::find(names.begin(), names.end(), name) == names.end()) continue;
    for (std::string& address : address_list(value)) addresses.push_back(std::move(address));
  }
  return addresses;
}

}  // namespace sgwatch::emulator
