#include "app/config_file.h"

#include <filesystem>

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

}  // namespace sgwatch
