#include "app/checklist.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sgwatch {
namespace {

// Fixed width, so the subjects line up; FAILED in capitals to stand out.
const char* marker(Checklist::Outcome outcome) {
  switch (outcome) {
    case Checklist::Outcome::kOk: return "ok     ";
    case Checklist::Outcome::kWarning: return "warning";
    case Checklist::Outcome::kFailed: return "FAILED ";
    case Checklist::Outcome::kSkipped: return "skipped";
  }
  return "?      ";
}

std::string counted(size_t count, const char* singular, const char* plural) {
  return fmt::format("{} {}", count, count == 1 ? singular : plural);
}

}  // namespace

const char* Checklist::name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk: return "ok";
    case Outcome::kWarning: return "warning";
    case Outcome::kFailed: return "failed";
    case Outcome::kSkipped: return "skipped";
  }
  return "?";
}

void Checklist::ok(std::string subject, std::string detail) {
  add(Outcome::kOk, std::move(subject), std::move(detail));
}
void Checklist::warn(std::string subject, std::string detail) {
  add(Outcome::kWarning, std::move(subject), std::move(detail));
}
void Checklist::fail(std::string subject, std::string detail) {
  add(Outcome::kFailed, std::move(subject), std::move(detail));
}
void Checklist::skip(std::string subject, std::string detail) {
  add(Outcome::kSkipped, std::move(subject), std::move(detail));
}

void Checklist::add(Outcome outcome, std::string subject, std::string detail) {
  if (live_ != nullptr) {
    *live_ << marker(outcome) << "  " << subject << ": " << detail << std::endl;
  }
  entries_.push_back({outcome, std::move(subject), std::move(detail)});
}

bool Checklist::failed() const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [](const Entry& e) { return e.outcome == Outcome::kFailed; });
}

std::string Checklist::summary() const {
  auto count = [this](Outcome outcome) {
    return static_cast<size_t>(std::count_if(entries_.begin(), entries_.end(),
                                             [&](const Entry& e) { return e.outcome == outcome; }));
  };
  std::string text = fmt::format("{} passed", count(Outcome::kOk));
  if (size_t n = count(Outcome::kFailed)) text += fmt::format(", {} failed", n);
  if (size_t n = count(Outcome::kSkipped)) text += fmt::format(", {} skipped", n);
  if (size_t n = count(Outcome::kWarning)) text += ", " + counted(n, "warning", "warnings");
  return fmt::format("{}: {}.", counted(entries_.size(), "check", "checks"), text);
}

nlohmann::json Checklist::json() const {
  nlohmann::json checks = nlohmann::json::array();
  for (const Entry& e : entries_) {
    checks.push_back({{"outcome", name(e.outcome)}, {"subject", e.subject}, {"detail", e.detail}});
  }
  return {{"ok", !failed()}, {"checks", checks}};
}

}  // namespace sgwatch
