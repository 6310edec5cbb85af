// An alert as an email, ready for any mail destination (SMTP or SES): the envelope and the
// whole RFC 5322 message. Both mail sinks send exactly these bytes, so an owner reads the
// same message whichever way it came.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "notify/alert.h"

namespace sgwatch {

struct OutgoingEmail {
  std::string from;                     // the envelope sender (MAIL FROM, SES Source)
  std::vector<std::string> recipients;  // the envelope recipients, in order
  std::string message_id;               // "<...>", as in the Message-ID header
  std::string mime;                     // the message, CRLF line endings, ASCII only
};

// Turns an alert into its email; a mail sink is given one. An error (no recipient, an
// unreadable alert document) is the alert's fault and is never retried.
using EmailComposer = std::function<Result<OutgoingEmail>(const Alert&)>;

}  // namespace sgwatch
