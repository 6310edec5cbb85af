#include "app/sns_config.h"

#include <charconv>
#include <filesystem>

#include "core/duration.h"

namespace sgwatch {
namespace {

std::string check_listen(const ConfigValue& value) {
  if (as_text(value).empty()) return "";
  auto parsed = parse_listen_address(as_text(value));
  return parsed ? "" : parsed.error().message;
}

std::string check_path(const ConfigValue& value) {
  return as_text(value).starts_with("/") ? "" : "must start with '/'";
}

}  // namespace

Result<std::pair<std::string, int>> parse_listen_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return invalid("'" + std::string(text) + "' is not HOST:PORT (like 127.0.0.1:8080)");
  }
  std::string host(text.substr(0, colon));
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  const std::string_view port_text = text.substr(colon + 1);
  int port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
      port > 65535) {
    return invalid("'" + std::string(text) + "' has no port from 1 to 65535");
  }
  return std::make_pair(host, port);
}

KeySchema sns_config_schema() {
  KeySchema listen = string_key(
      "listen",
      "Serve an SNS HTTP endpoint for AWS Config notifications on this `HOST:PORT` while "
      "`sgwatch watch` runs. Keep it on loopback (`127.0.0.1:8080`) behind a reverse proxy "
      "that terminates TLS, or give `tls_certificate` and `tls_key`. Empty: no endpoint. "
      "Flag: `--sns-listen`.",
      "");
  listen.check = check_listen;
  KeySchema path = string_key("path", "The URL path SNS posts to (the subscription's URL).",
                              "/sns");
  path.check = check_path;
  KeySchema max_age = string_key(
      "max_age",
      "The oldest message accepted: its signed Timestamp may be at most this long before now "
      "(a replayed capture is refused).",
      "1h");
  max_age.check = check_with(parse_duration);
  KeySchema max_body = integer_key(
      "max_body_bytes", "The largest request body accepted; a larger one is answered 413.",
      1 << 20);
  max_body.check = [](const ConfigValue& value) -> std::string {
    const auto* bytes = std::get_if<std::int64_t>(&value);
    return bytes && *bytes >= 4096 && *bytes <= (64 << 20) ? "" : "must be 4096 to 67108864";
  };
  return table_key(
      "sns", "The SNS endpoint: AWS Config's change notifications delivered over HTTP(S).",
      {listen, path,
       string_list_key("topics",
                       "The SNS topic ARNs whose messages are accepted (globs: "
                       "`arn:aws:sns:*:123456789012:config-*`); required with `listen`. A "
                       "subscription is confirmed only for these topics.",
                       std::vector<std::string>{}),
       string_key("certificate_dir",
                  "Where SNS signing certificates are kept once fetched, each as the last "
                  "segment of its URL; pre-seed it for machines that cannot reach AWS. "
                  "Default: `sns-certificates` beside the store."),
       max_age, max_body,
       string_key("tls_certificate", "A PEM certificate (chain) to serve HTTPS natively."),
       string_key("tls_key", "The PEM private key of `tls_certificate`.")});
}

Result<SnsSettings> sns_settings_from(const ConfigTable& root, const std::string& store_path,
                                      const std::string& listen_flag) {
  const ConfigTable& sns = root.table("sns");
  SnsSettings settings;
  const std::string listen = listen_flag.empty() ? sns.string("listen").value_or("") : listen_flag;
  const std::string where =
      listen_flag.empty() ? sns.where("listen").str() + ": [sns] listen" : "--sns-listen";
  settings.enabled = !listen.empty();
  if (settings.enabled) {
    auto address = parse_listen_address(listen);
    if (!address) return tl::unexpected(address.error().within(where));
    settings.endpoint.host = address->first;
    settings.endpoint.port = address->second;
  }
  settings.endpoint.path = sns.string("path").value_or("/sns");
  settings.endpoint.max_body_bytes = static_cast<size_t>(sns.integer("max_body_bytes").value_or(1 << 20));
  settings.endpoint.tls_certificate_file = sns.string("tls_certificate").value_or("");
  settings.endpoint.tls_key_file = sns.string("tls_key").value_or("");
  if (settings.endpoint.tls_certificate_file.empty() != settings.endpoint.tls_key_file.empty()) {
    return invalid(sns.position().str() +
                   ": [sns] needs both tls_certificate and tls_key, or neither");
  }
  auto max_age = parse_duration(sns.string("max_age").value_or("1h"));
  if (!max_age) return tl::unexpected(max_age.error().within(sns.where("max_age").str()));
  settings.verify.max_age = *max_age;
  settings.verify.allowed_topics = sns.strings("topics").value_or(std::vector<std::string>{});
  if (settings.enabled && settings.verify.allowed_topics->empty()) {
    return invalid(where + " is set, but [sns] topics is empty: name the SNS topics whose "
                           "messages to accept");
  }
  settings.certificate_dir = sns.string("certificate_dir").value_or("");
  if (settings.certificate_dir.empty()) {
    settings.certificate_dir =
        (std::filesystem::path(store_path).parent_path() / "sns-certificates").string();
  }
  return settings;
}

}  // namespace sgwatch
