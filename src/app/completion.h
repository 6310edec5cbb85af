// Shell completion for bash, rendered from the CLI11 App that sgwatch parses with, so it
// offers exactly the commands and options that exist. `sgwatch completion bash` prints it;
// the build installs it as bash-completion's completions/sgwatch.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace sgwatch {

// A bash script defining `_sgwatch` and `complete -F _sgwatch sgwatch`. After a command
// that has commands under it, it offers those; after "-", the command's options and the
// global ones (taken anywhere); after an option with a fixed set of values
// (`--output`), those values; otherwise file names.
std::string render_bash_completion(const CLI::App& root);

// The values `option` accepts when it checks them against a set (IsMember,
// CheckedTransformer): {"text", "json"} for --output; empty for any value.
std::vector<std::string> option_choices(const CLI::Option& option);

}  // namespace sgwatch
