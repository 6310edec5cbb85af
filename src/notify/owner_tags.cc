#include "notify/owner_tags.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "notify/email_message.h"

namespace sgwatch {
namespace {

std::string_view trim_spaces(std::string_view text) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The items of "a@x.com; b@y.org, c@z.net", trimmed, empty ones skipped.
std::vector<std::string_view> split_items(std::string_view text) {
  std::vector<std::string_view> items;
  while (true) {
    const size_t end = text.find_first_of(",;");
    std::string_view item = trim_spaces(text.substr(0, end));
    if (!item.empty()) items.push_back(item);
    if (end == std::string_view::npos) return items;
    text.remove_prefix(end + 1);
  }
}

}  // namespace

bool is_email_address(std::string_view text) {
  if (!check_email_address(text)) return false;
  // A domain without a dot ("a@localhost") is a local mailbox, never a team's list.
  const std::string_view domain = text.substr(text.rfind('@') + 1);
  return domain.find('.') != std::string_view::npos;
}

OwnerPolicy read_owner_tags(const std::map<std::string, std::string>& tags,
                            const OwnerTagNames& names, bool notify_by_default) {
  OwnerPolicy policy;
  policy.notify = notify_by_default;
  if (auto found = tags.find(names.notify); found != tags.end()) {
    const std::string answer = lowercase(trim_spaces(found->second));
    if (answer == "yes" || answer == "no") {
      policy.notify = answer == "yes";
    } else {
      policy.problems.push_back(fmt::format(
          "tag {} is '{}', which is neither Yes nor No; taken as absent ({})", names.notify,
          found->second, notify_by_default ? "owners are told" : "owners are not told"));
    }
  }
  auto found = tags.find(names.addresses);
  if (found == tags.end()) return policy;
  std::vector<std::string> seen;  // lowercased, for spotting repeats
  for (std::string_view item : split_items(found->second)) {
    if (!is_email_address(item)) {
      policy.problems.push_back(
          fmt::format("tag {}: '{}' is not an email address; left out", names.addresses, item));
      continue;
    }
    std::string key = lowercase(item);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(std::move(key));
    policy.addresses.emplace_back(item);
  }
  return policy;
}

}  // namespace sgwatch
