#include "app/metrics_config.h"

#include <charconv>

namespace sgwatch {
namespace {

constexpr int kMaxUnhealthyAfter = 1000;

std::string check_listen(const ConfigValue& value) {
  if (as_text(value).empty()) return "";
  auto parsed = parse_metrics_listen(as_text(value));
  return parsed ? "" : parsed.error().message;
}

std::string check_unhealthy_after(const ConfigValue& value) {
  const auto* count = std::get_if<std::int64_t>(&value);
  return count && *count >= 1 && *count <= kMaxUnhealthyAfter ? "" : "must be 1 to 1000";
}

}  // namespace

Result<std::pair<std::string, int>> parse_metrics_listen(std::string_view text) {
  const auto colon = text.rfind(':');
  // Without a host, only the port is chosen: the endpoint stays on this machine.
  std::string host = "127.0.0.1";
  std::string_view port_text = text;
  if (colon != std::string_view::npos) {
    port_text = text.substr(colon + 1);
    if (colon > 0) host = std::string(text.substr(0, colon));
    if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
    if (host.empty() || host.find_first_of("[]") != std::string::npos) {
      return invalid("'" + std::string(text) +
                     "' is not HOST:PORT, :PORT or PORT (like 127.0.0.1:9179)");
    }
  }
  int port = -1;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port < 0 || port > 65535) {
    return invalid("'" + std::string(text) + "' has no port from 0 to 65535");
  }
  return std::make_pair(host, port);
}

KeySchema metrics_config_schema() {
  KeySchema listen = string_key(
      "listen",
      "Serve `/metrics` (Prometheus) and `/healthz` on this address while `sgwatch watch` "
      "runs: `HOST:PORT`, or a bare `PORT` or `:PORT` for loopback (`127.0.0.1`). Another "
      "host (`0.0.0.0:9179`) must be written out, and is warned about: the metrics name "
      "accounts, regions and destinations. Port 0: any free port, logged. Empty: no server.",
      "");
  listen.check = check_listen;
  KeySchema unhealthy_after = integer_key(
      "unhealthy_after",
      "`/healthz` answers 503 once an account and region has gone this many intervals "
      "(`watch.interval`) without a successful cycle; during the first such stretch after "
      "start it answers 200.",
      3);
  unhealthy_after.check = check_unhealthy_after;
  return table_key("metrics",
                   "Metrics and health: an HTTP endpoint for Prometheus and health checks.",
                   {listen, unhealthy_after});
}

Result<MetricsSettings> metrics_settings_from(const ConfigTable& root,
                                              std::string_view listen_flag) {
  const ConfigTable& table = root.table("metrics");
  MetricsSettings settings;
  const std::string listen =
      listen_flag.empty() ? table.string("listen").value_or("") : std::string(listen_flag);
  settings.enabled = !listen.empty();
  if (settings.enabled) {
    auto address = parse_metrics_listen(listen);
    if (!address) {
      return tl::unexpected(address.error().within(
          listen_flag.empty() ? table.where("listen").str() + ": [metrics] listen"
                              : "--metrics-listen"));
    }
    settings.host = address->first;
    settings.port = address->second;
  }
  settings.unhealthy_after = static_cast<int>(table.integer("unhealthy_after").value_or(3));
  return settings;
}

}  // namespace sgwatch
