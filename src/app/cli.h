// The command line: every subcommand is one entry of a table that also makes --help.
#pragma once

#include <ostream>

#include "core/clock.h"

namespace sgwatch {

// Runs sgwatch with the given arguments, writing results to `out` and diagnostics to
// `err`. Returns the process exit code. Usable in-process by tests.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);
class StopSignal;

// The same with an injected clock, and for long-running commands (`watch`) a stop the
// caller requests; without one they stop on SIGTERM or SIGINT.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            const Clock& clock, StopSignal* stop = nullptr);

}  // namespace sgwatch
