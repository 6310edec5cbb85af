#include "app/alert_planner.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/change_report.h"
#include "core/time_format.h"

namespace sgwatch {
namespace {

std::vector<std::string> actors_of(const std::vector<ApiCall>& calls) {
  std::vector<std::string> actors;
  for (const ApiCall& call : calls) {
    if (!call.actor.arn.empty()) actors.push_back(call.actor.arn);
  }
  return actors;
}

std::string what(const AlertSubject& subject) {
  std::string text = to_string(subject.kind);
  if (subject.kind == AlertKind::kHealth) return text + " alert about " + subject.group_name;
  if (subject.group) text += " of " + subject.group->str();
  return text + " in " + subject.scope.str();
}

}  // namespace

AlertPlanner::AlertPlanner(const NotifySettings& settings) : settings_(settings) {}

std::vector<Alert> AlertPlanner::rows(const AlertSubject& subject, const Alert& model,
                                      const std::string& body) const {
  if (!has_destinations()) return {};
  RoutingDecision decision = route(settings_.routing, subject);
  for (const std::string& note : decision.notes) {
    spdlog::warn("The tags of {} in {}: {}", subject.group ? subject.group->str() : "",
                 subject.scope.str(), note);
  }
  if (!decision.muted_by.empty()) {
    spdlog::info("The {} is muted: {}", what(subject), decision.muted_by);
    return {};
  }
  if (decision.deliveries.empty()) {
    spdlog::debug("No route sends the {} anywhere.", what(subject));
  }
  std::vector<Alert> alerts;
  for (const Delivery& delivery : decision.deliveries) {
    Alert alert = model;
    alert.destination = delivery.destination;
    alert.recipients = delivery.recipients;
    // Owners and a route both chose it: the route's readers (the destination's `to`) are
    // not to be left out because owners are named.
    if (delivery.routed && !alert.recipients.empty()) {
      for (const DestinationConfig& destination : settings_.destinations) {
        if (destination.name != delivery.destination) continue;
        for (const std::string& address : destination.to) {
          if (std::find(alert.recipients.begin(), alert.recipients.end(), address) ==
              alert.recipients.end()) {
            alert.recipients.push_back(address);
          }
        }
      }
    }
    alert.severity = decision.severity;
    alert.body = body;
    alert.id = alert_id(alert.destination, alert.kind, alert.scope, alert.group, alert.revisions,
                        alert.events);
    alerts.push_back(std::move(alert));
  }
  return alerts;
}

std::vector<Alert> AlertPlanner::for_change(const ChangeView& view,
                                            const std::vector<Finding>& findings) const {
  const ChangeEntry& entry = view.entry;
  AlertSubject subject{.scope = entry.scope,
                       .vpc = view.diff.vpc,
                       .group = entry.group,
                       .group_name = view.diff.name,
                       .tags = view.after ? view.after->tags : std::map<std::string, std::string>{},
                       .kind = AlertKind::kChange,
                       .severity = highest_severity(findings),
                       .state = entry.state,
                       .actors = actors_of(view.calls),
                       .at = entry.observed_at};
  if (!view.after) {
    // A deleted group's owners are the ones its last tags named.
    for (const TagChange& tag : view.diff.tags) {
      if (tag.before) subject.tags[tag.key] = *tag.before;
    }
  }
  Alert model{.kind = AlertKind::kChange,
              .scope = entry.scope,
              .group = entry.group,
              .revisions = {entry.revision},
              .created_at = entry.observed_at,
              .deliver_after = entry.observed_at + settings_.routing.coalesce};
  // A change reported twice (pending, then attributed) is two alerts: the state is part of
  // what each covers.
  if (entry.state) model.events = {"state:" + to_string(*entry.state)};
  return rows(subject, model, change_view_json(view, findings).dump());
}

std::vector<Alert> AlertPlanner::for_attempt(const Scope& scope, const ApiCall& call,
                                             const Group& group, Timestamp now) const {
  AlertSubject subject{.scope = scope,
                       .vpc = group.vpc,
                       .group = group.id,
                       .group_name = group.name,
                       .tags = group.tags,
                       .kind = AlertKind::kAttempt,
                       .actors = actors_of({call}),
                       .at = call.event_time};
  Alert model{.kind = AlertKind::kAttempt,
              .scope = scope,
              .group = group.id,
              .events = {call.event_id},
              .created_at = now,
              .deliver_after = now};
  nlohmann::json body = call_json(call);
  body["group_id"] = group.id.str();
  body["group_name"] = group.name;
  return rows(subject, model, body.dump());
}

std::vector<Alert> AlertPlanner::for_baseline(const Scope& scope, size_t groups,
                                              const std::vector<Finding>& findings,
                                              Timestamp observed_at) const {
  AlertSubject subject{.scope = scope,
                       .kind = AlertKind::kBaseline,
                       .severity = highest_severity(findings),
                       .at = observed_at};
  Alert model{.kind = AlertKind::kBaseline,
              .scope = scope,
              .created_at = observed_at,
              .deliver_after = observed_at};
  nlohmann::json body{{"groups", groups},
                      {"findings", findings_json(findings)},
                      {"observed_at", format_utc(observed_at)}};
  return rows(subject, model, body.dump());
}

std::vector<Alert> AlertPlanner::for_health(const HealthProblem& problem) const {
  // group_name carries the subject, for log lines only: filters on groups never match an
  // alert without a group.
  AlertSubject subject{.scope = problem.scope,
                       .group_name = problem.subject,
                       .kind = AlertKind::kHealth,
                       .severity = problem.severity,
                       .actors = problem.actors,
                       .at = problem.seen_at};
  Alert model{.kind = AlertKind::kHealth,
              .scope = problem.scope,
              .events = {"health:" + problem.condition() + ":" + problem.incident},
              .created_at = problem.seen_at,
              .deliver_after = problem.seen_at};
  std::vector<Alert> alerts = rows(subject, model, health_item_json(problem).dump());
  std::erase_if(alerts, [&](const Alert& alert) {
    return alert.destination == problem.spared_destination;
  });
  return alerts;
}

}  // namespace sgwatch
