// Running the sgwatch command line, in the process or from main(). Light on purpose: the
// many tests that run commands in-process include it, and CLI11 stays out of them
// (app/command_line.h has the parser).
#pragma once

#include <ostream>

#include "core/clock.h"

namespace sgwatch {

class StopSignal;

// What `sgwatch --version` and the man page name.
inline constexpr char kSgwatchVersion[] = "0.1.0";

// Runs sgwatch with the given arguments, writing results to `out` and diagnostics to
// `err`. Returns the process exit code. Usable in-process by tests.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

// The same with an injected clock, and for long-running commands (`watch`) a stop the
// caller requests; without one they stop on SIGTERM or SIGINT.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            const Clock& clock, StopSignal* stop = nullptr);

}  // namespace sgwatch
