// Runs the sgwatch command line in-process, as `sgwatch ARGS...` from a shell would, with
// the test's clock (and, for `watch`, its stop signal), and keeps what it printed.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "core/clock.h"

namespace sgwatch::testing {

struct CliOutcome {
  int code = -1;
  std::string out;  // results
  std::string err;  // diagnostics
  nlohmann::json json() const { return nlohmann::json::parse(out); }
};

// `args` without the program name.
inline CliOutcome run_sgwatch(std::vector<std::string> args, const Clock& clock,
                              StopSignal* stop = nullptr) {
  args.insert(args.begin(), "sgwatch");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  std::ostringstream out, err;
  const int code = run_cli(static_cast<int>(argv.size()), argv.data(), out, err, clock, stop);
  return {code, out.str(), err.str()};
}

}  // namespace sgwatch::testing
