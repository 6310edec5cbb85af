// What a group's owners say about alerts, in tags they already put on their groups:
// whether they want to hear of changes (NotifyOnChange = Yes/No) and where (OwnerDL = email
// addresses). People write these tags by hand in the console, so reading them never fails:
// what cannot be used is left out and said in `problems`, for a warning.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sgwatch {

// The tag keys to read. Keys are matched exactly: EC2 tag keys are case-sensitive.
struct OwnerTagNames {
  std::string notify = "NotifyOnChange";
  std::string addresses = "OwnerDL";
};

struct OwnerPolicy {
  bool notify = true;
  std::vector<std::string> addresses;  // valid, without duplicates, in the tag's order
  std::vector<std::string> problems;   // sentences naming the tag and the value
};

// The notify tag: "yes" or "no" in any case, spaces around ignored. Absent: `notify_by_default`.
// Any other value (also "true", "1", or empty) is taken as absent, with a problem.
// The addresses tag: items separated by ',' or ';', spaces around each trimmed, empty items
// skipped. An item that is not an email address (is_email_address) is left out with a problem;
// a repeat of an earlier address (compared ignoring case) is dropped.
OwnerPolicy read_owner_tags(const std::map<std::string, std::string>& tags,
                            const OwnerTagNames& names, bool notify_by_default);

// An address every mail destination can write to as is: check_email_address()'s plain
// addr-spec ("Team <team@example.com>" is refused: it is a display name) whose domain has a
// dot ("a@localhost" is a local mailbox, not a team's list). Checking tags by
// the same rule as the composer keeps one bad owner address from failing the alert for
// every other owner.
bool is_email_address(std::string_view text);

}  // namespace sgwatch
