// `sgwatch validate`'s checklist: one line per check (ok, warning, FAILED, skipped), printed
// as each check finishes so a slow endpoint shows where it is slow.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sgwatch {

class Checklist {
 public:
  enum class Outcome { kOk, kWarning, kFailed, kSkipped };
  struct Entry {
    Outcome outcome;
    std::string subject;  // "config", "store", "account dept-a (111122223333)", ...
    std::string detail;   // a sentence: what was seen, or what is wrong and where
  };

  // `live`: where each entry is written as text when added; nullptr writes nothing.
  explicit Checklist(std::ostream* live) : live_(live) {}

  void ok(std::string subject, std::string detail);
  void warn(std::string subject, std::string detail);
  void fail(std::string subject, std::string detail);
  void skip(std::string subject, std::string detail);

  bool failed() const;
  const std::vector<Entry>& entries() const { return entries_; }
  // "3 checks passed, 1 failed, 1 skipped, 1 warning."
  std::string summary() const;
  nlohmann::json json() const;

  static const char* name(Outcome outcome);  // "ok", "warning", "failed", "skipped"

 private:
  void add(Outcome outcome, std::string subject, std::string detail);

  std::ostream* live_;
  std::vector<Entry> entries_;
};

}  // namespace sgwatch
