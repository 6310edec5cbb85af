// Which of sgwatch's own problems are open, so that each is told once when it begins and
// logged when it ends.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/health_problem.h"

namespace sgwatch {

class HealthMonitor {
 public:
  // `current` holds every problem seen now. Returns those that were not open before
  // (logged as errors); problems open before and not seen now have ended (logged).
  std::vector<HealthProblem> begun(const std::vector<HealthProblem>& current);
  // Their alerts could not be queued: they count as not begun yet, to be told next time.
  void forget(const std::vector<HealthProblem>& problems);

  // How many problems of this kind are open.
  size_t open_count(HealthProblemKind kind) const;

 private:
  std::map<std::string, HealthProblem> open_;  // by condition()
};

}  // namespace sgwatch
