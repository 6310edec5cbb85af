// The manual page sgwatch(1), rendered as roff from the CLI11 App that sgwatch parses with,
// so every command and option documented is one that exists, with the help text --help
// shows. The build runs `sgwatch man` to produce the installed page.
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace sgwatch {

// The whole page: NAME, SYNOPSIS, DESCRIPTION, the global OPTIONS of `root`, COMMANDS with
// one subsection per subcommand of `root` (nested ones too, hidden ones included: the
// page is the complete reference, --help the quick one), EXIT STATUS, ENVIRONMENT, FILES
// and SEE ALSO. `version` goes in the page's header.
std::string render_man_page(const CLI::App& root, std::string_view version);

// `text` made safe as roff input text: backslashes print as backslashes, every '-' is a
// minus (so options copied from the page work), and a line starting with '.' or '\'' is
// not taken for a request.
std::string roff_escape(std::string_view text);

}  // namespace sgwatch
