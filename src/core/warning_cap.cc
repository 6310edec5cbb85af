#include "core/warning_cap.h"

namespace sgwatch {
namespace {

// 11548 -> "11,548": counts people read at a glance.
std::string grouped(size_t number) {
  std::string digits = std::to_string(number);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(at, ",");
  return digits;
}

std::string warnings(size_t count) {
  return grouped(count) + (count == 1 ? " more warning" : " more warnings");
}

std::string were(size_t count) { return count == 1 ? "was" : "were"; }

}  // namespace

bool WarningCap::admit(const std::string& kind) {
  ++total_;
  auto [at, added] = index_.try_emplace(kind, kinds_.size());
  if (added) kinds_.push_back({kind});
  Kind& entry = kinds_[at->second];
  ++entry.count;
  if (entry.shown >= limits_.per_kind || shown_ >= limits_.total) return false;
  ++entry.shown;
  ++shown_;
  return true;
}

std::vector<std::string> WarningCap::summaries() const {
  std::vector<std::string> out;
  size_t rest = 0, rest_kinds = 0;
  for (const Kind& kind : kinds_) {
    const size_t hidden = kind.count - kind.shown;
    if (hidden == 0) continue;
    if (out.size() < limits_.summaries) {
      out.push_back(warnings(hidden) + " like these (" + kind.name + ") " + were(hidden) +
                    " not shown");
    } else {
      rest += hidden;
      ++rest_kinds;
    }
  }
  if (rest > 0) {
    out.push_back(warnings(rest) + " of " + grouped(rest_kinds) +
                  (rest_kinds == 1 ? " other kind " : " other kinds ") + were(rest) +
                  " not shown");
  }
  return out;
}

}  // namespace sgwatch
