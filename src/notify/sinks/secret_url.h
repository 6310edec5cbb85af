// URLs that carry their credential (webhook and Slack URLs hold a token in the path or
// query): checked, shown, and kept out of messages. Only the scheme, host and port of such
// a URL are ever shown.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace sgwatch {

// Checks that `url` is an absolute http or https URL with a host. `what` names it in the
// message ("the webhook URL"). The message never quotes the URL (only its scheme when that
// is what is wrong).
[[nodiscard]] Status check_http_url(const std::string& url, std::string_view what);

// "https://hooks.example.com/…": the scheme, the host and the port when the URL gives one,
// then "/…" when the URL has anything after them (path, query, fragment). User name and
// password are left out. A URL that cannot be parsed gives "(malformed URL)".
std::string redacted_url(const std::string& url);

// The URL's scheme in lower case ("https"); "" when it cannot be parsed.
std::string url_scheme(const std::string& url);
// The URL's host ("hooks.slack.com", IPv6 in brackets); "" when it has none.
std::string url_host(const std::string& url);

// Everything of the URL beyond scheme, host and port, whole and in pieces (a path segment,
// a query name or value may be the token on its own), plus `secret`: a text holding any of
// them would leak a credential. Pieces shorter than three characters are too common to
// mean anything and are left out.
std::vector<std::string> sensitive_parts(const std::string& url, const std::string& secret);

}  // namespace sgwatch
