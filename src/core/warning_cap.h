// Caps repeated warnings within one command. A log whose 11,000 records share one unusable
// field should say so a few times and then count, not bury everything else under 11,000
// lines; and a hostile file whose every record is wrong in its own way should not either.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace sgwatch {

class WarningCap {
 public:
  struct Limits {
    size_t per_kind = 5;    // warnings of one kind written out
    size_t total = 50;      // warnings written out in all
    size_t summaries = 10;  // kinds with a line of their own in summaries()
  };

  WarningCap() : WarningCap(Limits{}) {}
  explicit WarningCap(Limits limits) : limits_(limits) {}

  // Counts a warning of `kind`; true when the caller should write it out: fewer than
  // `per_kind` of that kind and fewer than `total` in all were written before it.
  bool admit(const std::string& kind);

  // What was not written, one line per kind in the order kinds were first seen: "1,234
  // more warnings like these (kind) were not shown"; past `summaries` kinds, one line
  // for the rest: "56 more warnings of 7 other kinds were not shown".
  std::vector<std::string> summaries() const;

  // Warnings counted in all, written or not.
  size_t total() const { return total_; }

 private:
  struct Kind {
    std::string name;
    size_t count = 0;
    size_t shown = 0;
  };
  Limits limits_;
  size_t total_ = 0;
  size_t shown_ = 0;
  std::vector<Kind> kinds_;                         // in the order first seen
  std::unordered_map<std::string, size_t> index_;  // name -> position in kinds_
};

}  // namespace sgwatch
