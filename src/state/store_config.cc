#include "state/store_config.h"

#include "state/sqlite_store.h"

namespace sgwatch {

KeySchema store_config_schema() {
  return table_key(
      "store", "The store: every observed revision of every group, in one SQLite file.",
      {string_key("path",
                  "The store file. Default: `$STATE_DIRECTORY/sgwatch.db` (systemd's "
                  "StateDirectory=), else `$XDG_STATE_HOME/sgwatch/sgwatch.db`, else "
                  "`~/.local/state/sgwatch/sgwatch.db`. Commands that read it (`history`, "
                  "`show`) use it too. Flag: `--store`.")});
}

std::string store_path_from(const ConfigTable& root) {
  return root.table("store").string("path").value_or(default_store_path());
}

}  // namespace sgwatch
