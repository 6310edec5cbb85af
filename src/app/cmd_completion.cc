// `sgwatch completion bash`: the shell completion script, for `source <(sgwatch completion
// bash)` or bash-completion's directory (where the package installs it).
#include <CLI/CLI.hpp>

#include "app/command.h"
#include "app/completion.h"

namespace sgwatch {

Command completion_command() {
  return {"completion",
          "Print the shell completion script: `source <(sgwatch completion bash)`",
          [](CLI::App& app) -> CommandRun {
            auto shell = std::make_shared<std::string>();
            app.add_option("SHELL", *shell, "The shell (bash)")
                ->required()
                ->check(CLI::IsMember({"bash"}));
            const CLI::App* root = app.get_parent();
            // The lambda keeps `shell` alive: CLI11 writes the parsed value into it.
            return [root, shell](CommandContext& ctx) {
              ctx.out << render_bash_completion(*root);
              return kExitOk;
            };
          },
          ConfigUse::kNone};
}

}  // namespace sgwatch
