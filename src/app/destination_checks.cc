#include "app/destination_checks.h"

#include <fmt/format.h>

#include "notify/email_content.h"
#include "notify/sinks/jsonl_sink.h"
#include "notify/sinks/slack_sink.h"
#include "notify/sinks/webhook_sink.h"

namespace sgwatch {
namespace {

bool loopback_http(const std::string& url) {
  for (const char* prefix : {"http://127.", "http://localhost", "http://[::1]"}) {
    if (url.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

void check_post_url(const std::string& subject, const DestinationConfig& destination,
                    Checklist& checklist) {
  const std::string target = redacted_url(destination.url);
  if (destination.url.rfind("http://", 0) == 0 && !loopback_http(destination.url)) {
    checklist.warn(subject, fmt::format("posts to {} over plain http: use https", target));
    return;
  }
  if (destination.type == DestinationType::kSlack) {
    if (url_host(destination.url) != "hooks.slack.com" && !loopback_http(destination.url)) {
      checklist.warn(subject, fmt::format("posts to {}, which is not Slack's hooks.slack.com; "
                                          "fine for a Slack-compatible receiver",
                                          target));
      return;
    }
    checklist.ok(subject, fmt::format("posts Slack messages to {}", target));
    return;
  }
  checklist.ok(subject, fmt::format("posts to {}{}", target,
                                    destination.secret.empty() ? ", unsigned" : ", signed"));
}

void check_ses(const std::string& subject, const DestinationConfig& destination,
               const EnvLookup& env, const Clock& clock, CredentialProvider* credentials,
               const std::string& no_credentials, Checklist& checklist) {
  if (credentials == nullptr) {
    checklist.fail(subject, "no AWS credentials to ask SES with" +
                                (no_credentials.empty() ? "" : ": " + no_credentials));
    return;
  }
  const SesOptions options = ses_options(destination);
  auto transport = make_delivery_transport(options.timeout, false);
  const std::string from = bare_address(destination.from);
  if (auto checked = check_ses_identity(options, *transport, *credentials, env, clock, from);
      !checked) {
    checklist.fail(subject, checked.error().message);
    return;
  }
  checklist.ok(subject, fmt::format("SES in {} may send as {}", options.region, from));
}

}  // namespace

void check_destinations(const NotifySettings& settings, const EnvLookup& env,
                        const Clock& clock, CredentialProvider* credentials,
                        const std::string& no_credentials, Checklist& checklist) {
  for (const DestinationConfig& destination : settings.destinations) {
    const std::string subject = "destination " + destination.name;
    switch (destination.type) {
      case DestinationType::kJsonl: {
        auto sink = make_jsonl_sink(destination.path);
        if (sink) {
          checklist.ok(subject, "appends to " + destination.path);
        } else {
          checklist.fail(subject, sink.error().message);
        }
        break;
      }
      case DestinationType::kWebhook:
      case DestinationType::kSlack:
        check_post_url(subject, destination, checklist);
        break;
      case DestinationType::kSmtp: {
        const SmtpOptions options = smtp_options(destination);
        if (auto checked = check_smtp_server(options); !checked) {
          checklist.fail(subject, checked.error().message);
        } else {
          checklist.ok(subject, fmt::format("{}:{} answers{}", options.host, options.port,
                                            options.username.empty() ? "" : " and accepts the login"));
        }
        break;
      }
      case DestinationType::kSes:
        check_ses(subject, destination, env, clock, credentials, no_credentials, checklist);
        break;
    }
  }
}

}  // namespace sgwatch
