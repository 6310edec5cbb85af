#include "app/config_file.h"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "app/config_schema.h"

namespace sgwatch {

LoadedConfig load_sgwatch_config(const std::string& flag_path, const EnvLookup& env) {
  const KeySchema schema = sgwatch_config_schema();
  std::string path = flag_path;
  if (path.empty()) path = env("SGWATCH_CONFIG").value_or("");
  if (path.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(kDefaultConfigPath, ec)) {
      return {"", ConfigLoad{defaults_of(schema), {}}};
    }
    path = kDefaultConfigPath;
  }
  return {path, load_config_file(path, schema, env)};
}

Result<std::shared_ptr<const ConfigTable>> reload_sgwatch_config(const std::string& flag_path,
                                                                 const EnvLookup& env) {
  LoadedConfig loaded = load_sgwatch_config(flag_path, env);
  std::string errors;
  for (const ConfigDiagnostic& diagnostic : loaded.load.diagnostics) {
    if (diagnostic.severity == ConfigDiagnostic::Severity::kWarning) {
      spdlog::warn("{}", diagnostic.str());
    } else {
      errors += (errors.empty() ? "" : "\n") + diagnostic.str();
    }
  }
  if (loaded.load.ok()) {
    for (const Error& problem : config_cross_check(*loaded.load.config)) {
      errors += (errors.empty() ? "" : "\n") + problem.message;
    }
  }
  if (!errors.empty()) return tl::unexpected(Error{ErrorCode::kInvalidInput, errors});
  return std::make_shared<const ConfigTable>(std::move(*loaded.load.config));
}

}  // namespace sgwatch
