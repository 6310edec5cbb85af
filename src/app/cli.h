// The command line: every subcommand is one entry of a table that also makes --help.
#pragma once

#include <ostream>

#include "core/clock.h"

namespace sgwatch {

// Runs sgwatch with the given arguments, writing results to `out` and diagnostics to
// `err`. Returns the process exit code. Usable in-process by tests.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);
// The same with an injected clock.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            const Clock& clock);

}  // namespace sgwatch
