// `sgwatch config schema`: every config key with its type, default and description, as
// text, Markdown (docs/CONFIG.md is this output) or JSON.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/config_schema.h"
#include "config/schema_docs.h"

namespace sgwatch {
namespace {

int run_schema(CommandContext& ctx, const std::string& format) {
  const KeySchema schema = sgwatch_config_schema();
  if (format == "json" || (format.empty() && ctx.global.output == OutputFormat::kJson)) {
    ctx.out << schema_json(schema).dump(2) << "\n";
  } else if (format == "markdown") {
    ctx.out << schema_markdown(schema);
  } else {
    ctx.out << schema_text(schema);
  }
  return kExitOk;
}

}  // namespace

Command config_command() {
  return {"config", "Describe the config file",
          [](CLI::App& app) -> CommandRun {
            app.require_subcommand(1);
            CLI::App* schema = app.add_subcommand(
                "schema", "Print every config key with its type, default and description");
            auto format = std::make_shared<std::string>();
            schema->add_option("--format", *format, "text, markdown or json (default: text, "
                                                    "or json with --output json)")
                ->check(CLI::IsMember({"text", "markdown", "json"}));
            return [format](CommandContext& ctx) { return run_schema(ctx, *format); };
          },
          ConfigUse::kNone};
}

}  // namespace sgwatch
