// The demo's alerts: department B's change, attributed from the CloudTrail record the
// emulator wrote for it, planned and rendered as the security channel's Slack message and
// department A's email, exactly as the destinations would get them; and, when the user
// gives a real webhook or SMTP server, delivered there.
#pragma once

#include <optional>
#include <string>

#include "attribution/change_view.h"
#include "core/clock.h"
#include "core/display_zone.h"
#include "core/error.h"
#include "emulator/emulator.h"

namespace sgwatch {

struct DemoDelivery {
  std::string slack_url;  // "" = print only
  std::string smtp;       // "host:port" ("" = print only); STARTTLS unless it is loopback
};

struct DemoAlerts {
  std::string slack_text;  // the Block Kit message as text
  std::string email_text;  // the email's headers and its text part
  std::string delivered;   // what was sent for real, one line each; "" when nothing
};

// `view`: the change as the demo's cycle recorded it; its caller is read from the
// emulator's trail.
Result<DemoAlerts> demo_alerts(ChangeView view, emulator::Emulator& aws,
                               const DemoDelivery& delivery, const Clock& clock,
                               const DisplayZone& zone);

}  // namespace sgwatch
