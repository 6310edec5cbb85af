// The config's [sns] table: the SNS HTTP(S) endpoint that `sgwatch watch` serves for AWS
// Config notifications (see docs/SNS.md), and how its messages are verified.
#pragma once

#include <string>

#include "config/config_schema.h"
#include "config/config_table.h"
#include "core/error.h"
#include "sources/sns_endpoint.h"
#include "sources/sns_verifier.h"

namespace sgwatch {

KeySchema sns_config_schema();

struct SnsSettings {
  bool enabled = false;  // `listen` given
  SnsEndpointOptions endpoint;
  SnsVerifyOptions verify;  // allowed_topics always set when enabled
  std::string certificate_dir;
};

// `store_path`: the store file; the certificate cache defaults to a directory beside it.
// `listen_flag` (--sns-listen) replaces `listen` when not empty. Errors name the key's
// position: a listen address that is not HOST:PORT, no topics, half of a TLS pair.
Result<SnsSettings> sns_settings_from(const ConfigTable& root, const std::string& store_path,
                                      const std::string& listen_flag = "");

// "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:443" into host and port (1-65535).
Result<std::pair<std::string, int>> parse_listen_address(std::string_view text);

}  // namespace sgwatch
