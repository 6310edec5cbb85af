#include "app/demo_alerts.h"

#include <simdjson.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/alert_planner.h"
#include "app/change_report.h"
#include "app/config_schema.h"
#include "aws/loopback.h"
#include "config/config_loader.h"
#include "notify/alert_document.h"
#include "notify/email_content.h"
#include "notify/slack_message.h"
#include "notify/sinks/slack_sink.h"
#include "notify/sinks/smtp_sink.h"
#include "risk/risk_policy.h"
#include "trail/record_parser.h"

namespace sgwatch {
namespace {

constexpr const char* kFrom = "sgwatch <alerts@example.com>";

// The security team hears of everything on Slack; owners by email.
constexpr const char* kDemoRouting = R"(
[routing]
owner_destinations = ["owners"]
[[routes]]
name = "security team"
destinations = ["security"]
[[destinations]]
name = "security"
type = "slack"
url = "https://hooks.slack.com/services/T0000/B0000/XXXXXXXX"
[[destinations]]
name = "owners"
type = "smtp"
host = "mail.example.com"
from = "sgwatch <alerts@example.com>"
)";

// The CloudTrail record of the call that made the change, as LookupEvents would give it.
Result<ApiCall> demo_call_of(emulator::Emulator& aws, const GroupId& group) {
  for (const auto& event : aws.trail().events()) {
    if (event->event_name != "AuthorizeSecurityGroupIngress") continue;
    const std::string text = event->record.dump();
    if (text.find(group.str()) == std::string::npos) continue;
    simdjson::dom::parser parser;
    simdjson::dom::element record;
    if (parser.parse(text).get(record) != simdjson::SUCCESS) break;
    return parse_record(record, 0);
  }
  return fail(ErrorCode::kNotFound, "the emulator's trail has no record of department B's call");
}

std::string headers_and_text(const std::string& mime, const std::string& text) {
  const size_t end = mime.find("\r\n\r\n");
  std::string headers = mime.substr(0, end);
  // Only the headers people read; the MIME structure is shown by name.
  std::string out;
  size_t at = 0;
  while (at < headers.size()) {
    size_t next = headers.find("\r\n", at);
    if (next == std::string::npos) next = headers.size();
    std::string line = headers.substr(at, next - at);
    if (line.starts_with("Content-Type") || line.starts_with("MIME") ||
        line.starts_with(" boundary")) {
      at = next + 2;
      continue;
    }
    out += line + "\n";
    at = next + 2;
  }
  return out + "Content-Type: multipart/alternative (text/plain shown; text/html beside it)\n\n" +
         text;
}

}  // namespace

Result<DemoAlerts> demo_alerts(ChangeView view, emulator::Emulator& aws,
                               const DemoDelivery& delivery, const Clock& clock,
                               const DisplayZone& zone) {
  auto call = demo_call_of(aws, view.entry.group);
  if (!call) return tl::unexpected(call.error());
  view.calls = {*call};
  view.entry.state = AttributionState::kAttributed;

  ConfigLoad loaded = load_config_text(kDemoRouting, "demo routing", sgwatch_config_schema(),
                                       [](const std::string&) { return std::nullopt; });
  if (!loaded.ok()) return invalid("the demo's routing: " + loaded.diagnostics.front().str());
  auto settings = notify_settings_from(*loaded.config);
  if (!settings) return tl::unexpected(settings.error());
  const RiskPolicy risk;
  AlertPlanner planner(*settings);
  DemoAlerts out;
  for (const Alert& row : planner.for_change(view, change_findings(view, &risk))) {
    const Alert alert = compose_alert({row});
    auto readable = read_alert_view(alert.body, zone);
    if (!readable) return tl::unexpected(readable.error());
    if (row.destination == "security") {
      out.slack_text = slack_message_text(slack_message(*readable));
      if (!delivery.slack_url.empty()) {
        auto sink = make_slack_sink({.url = delivery.slack_url,
                                     .timeout = std::chrono::seconds(10),
                                     .min_interval = std::chrono::seconds(1),
                                     .zone = zone},
                                    clock);
        if (!sink) return tl::unexpected(sink.error());
        DeliveryOutcome sent = (*sink)->deliver(alert);
        out.delivered += sent.kind == DeliveryOutcome::Kind::kOk
                             ? "The Slack message was posted to " + (*sink)->describe() + ".\n"
                             : "The Slack message was not posted: " + sent.reason + "\n";
      }
      continue;
    }
    auto email = email_composer({kFrom, {}, zone})(alert);
    if (!email) return tl::unexpected(email.error());
    out.email_text = headers_and_text(email->mime, email_content(*readable, true).text);
    if (!delivery.smtp.empty()) {
      const size_t colon = delivery.smtp.rfind(':');
      SmtpOptions options;
      options.host = delivery.smtp.substr(0, colon);
      options.port = colon == std::string::npos ? 587 : std::atoi(delivery.smtp.c_str() + colon + 1);
      options.tls = is_loopback_host(options.host) ? SmtpTls::kNone : SmtpTls::kStartTls;
      SmtpSink sink(options, email_composer({kFrom, {}, zone}));
      DeliveryOutcome sent = sink.deliver(alert);
      out.delivered += sent.kind == DeliveryOutcome::Kind::kOk
                           ? "The email was sent through " + sink.describe() + ".\n"
                           : "The email was not sent: " + sent.reason + "\n";
    }
  }
  return out;
}

}  // namespace sgwatch
