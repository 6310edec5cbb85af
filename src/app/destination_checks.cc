#include "app/destination_checks.h"

#include <fmt/format.h>

#include "notify/sinks/jsonl_sink.h"
#include "notify/sinks/webhook_sink.h"

namespace sgwatch {
namespace {

bool loopback_http(const std::string& url) {
  for (const char* prefix : {"http://127.", "http://localhost", "http://[::1]"}) {
    if (url.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

}  // namespace

void check_destinations(const NotifySettings& settings, Checklist& checklist) {
  for (const DestinationConfig& destination : settings.destinations) {
    const std::string subject = "destination " + destination.name;
    if (destination.type == DestinationType::kJsonl) {
      auto sink = make_jsonl_sink(destination.path);
      if (sink) {
        checklist.ok(subject, "appends to " + destination.path);
      } else {
        checklist.fail(subject, sink.error().message);
      }
      continue;
    }
    const std::string target = redacted_url(destination.url);
    if (destination.url.rfind("http://", 0) == 0 && !loopback_http(destination.url)) {
      checklist.warn(subject, fmt::format("posts to {} over plain http: use https", target));
    } else {
      checklist.ok(subject, fmt::format("posts to {}{}", target,
                                        destination.secret.empty() ? ", unsigned" : ", signed"));
    }
  }
}

}  // namespace sgwatch
