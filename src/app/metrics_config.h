// The config's [metrics] table: the HTTP server `sgwatch watch` runs for Prometheus
// (/metrics) and health checks (/healthz), and when /healthz calls sgwatch unhealthy. See
// docs/OPERATIONS.md.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "config/config_schema.h"
#include "config/config_table.h"
#include "core/error.h"

namespace sgwatch {

KeySchema metrics_config_schema();

struct MetricsSettings {
  bool enabled = false;  // `listen` given
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (the one bound is logged)
  // /healthz fails once a scope has gone this many intervals without a successful cycle.
  int unhealthy_after = 3;
};

// `listen_flag` replaces `listen` when not empty. Errors name the key's position.
Result<MetricsSettings> metrics_settings_from(const ConfigTable& root,
                                              std::string_view listen_flag = "");

// "127.0.0.1:9179", "[::1]:9179", "0.0.0.0:9179"; a bare "9179" or ":9179" is loopback
// (127.0.0.1). Ports 0 to 65535.
Result<std::pair<std::string, int>> parse_metrics_listen(std::string_view text);

}  // namespace sgwatch
