// An alert as an email: the subject (the alert's headline), a plain-text part and an HTML
// part saying the same, and the composer that turns an alert into the message both mail
// destinations (SMTP, SES) send. Pure.
#pragma once

#include <string>
#include <vector>

#include "core/display_zone.h"
#include "notify/alert_view.h"
#include "notify/email_message.h"
#include "notify/outgoing_email.h"

namespace sgwatch {

// `to_owners`: the alert goes to the addresses of the group's owner tag, which the text
// says, so a reader knows why it came to them.
EmailContent email_content(const AlertView& alert, bool to_owners);

struct EmailSettings {
  std::string from;             // "sgwatch <alerts@example.com>" or a bare address
  std::vector<std::string> to;  // for alerts that name no owner; may be empty
  DisplayZone zone;
};

// Recipients are the alert's own (its group's owners) or else `to`; an alert with neither
// is an error. The Message-ID is derived from the alert id and the Date is the alert's
// creation, so a resend is the same message, which mail clients show once.
EmailComposer email_composer(EmailSettings settings);

}  // namespace sgwatch
