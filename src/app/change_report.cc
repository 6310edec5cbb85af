#include "app/change_report.h"

#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "app/change_record.h"
#include "app/render.h"
#include "core/duration.h"
#include "core/time_format.h"
#include "risk/assess.h"

namespace sgwatch {
namespace {

using nlohmann::json;

json actor_json(const Actor& actor) {
  return {{"type", actor.type},
          {"arn", actor.arn},
          {"principal_id", actor.principal_id},
          {"account_id", actor.account_id},
          {"user_name", actor.user_name},
          {"access_key_id", actor.access_key_id},
          {"session_issuer_arn", actor.session_issuer_arn},
          {"invoked_by", actor.invoked_by}};
}

// Who, in a few words: the ARN, else what the record has.
std::string actor_label(const Actor& actor) {
  if (!actor.arn.empty()) return actor.arn;
  if (!actor.invoked_by.empty()) return actor.invoked_by;
  if (!actor.principal_id.empty()) return actor.principal_id;
  return actor.type.empty() ? "an unknown caller" : actor.type;
}

// "arn:... (IAMUser) from 203.0.113.7 with awscli (aws-cli/2.9.19 ...) at TIME:
// AuthorizeSecurityGroupIngress, event 6f1c...".
std::string call_text(const ApiCall& call, const DisplayZone& zone) {
  return fmt::format("{} ({}) from {} with {} ({}) at {}: {}, event {}",
                     actor_label(call.actor), call.actor.type.empty() ? "?" : call.actor.type,
                     call.source_ip.empty() ? "?" : call.source_ip, to_string(call.agent),
                     call.user_agent.empty() ? "no user agent" : call.user_agent,
                     zone.format(call.event_time), call.event_name, call.event_id);
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

json call_json(const ApiCall& call) {
  return {{"event_id", call.event_id},
          {"event_name", call.event_name},
          {"event_time", format_utc(call.event_time)},
          {"actor", actor_json(call.actor)},
          {"source_ip", call.source_ip},
          {"user_agent", call.user_agent},
          {"agent_class", to_string(call.agent)},
          {"error_code", call.error_code.empty() ? json(nullptr) : json(call.error_code)},
          {"error_message", call.error_message},
          {"request_id", call.request_id}};
}

json attribution_json(const ChangeView& view) {
  json calls = json::array();
  for (const ApiCall& call : view.calls) calls.push_back(call_json(call));
  const auto& state = view.entry.state;
  return {{"state", state ? json(to_string(*state)) : json(nullptr)},
          {"calls", std::move(calls)},
          {"lookups", view.entry.lookups},
          {"window", {{"from", format_utc(view.entry.since)},
                      {"to", format_utc(view.entry.observed_at)}}}};
}

std::vector<Finding> change_findings(const ChangeView& view, const RiskPolicy* risk) {
  if (!risk) return {};
  return findings_introduced(view.diff, view.after ? &*view.after : nullptr, *risk);
}

json findings_json(const std::vector<Finding>& findings) {
  json list = json::array();
  for (const Finding& finding : findings) {
    list.push_back({{"code", finding.code},
                    {"severity", to_string(finding.severity)},
                    {"group_id", finding.group.str()},
                    {"rule", finding.rule ? finding.rule->summary() : ""},
                    {"message", finding.message}});
  }
  return list;
}

std::string findings_text(const std::vector<Finding>& findings) {
  std::string text;
  for (const Finding& finding : findings) {
    text += fmt::format("  ! {:<8}  {}: {}\n", upper(to_string(finding.severity)),
                        finding.group.str(), finding.message);
  }
  return text;
}

json change_view_json(const ChangeView& view, const std::vector<Finding>& findings) {
  json record = change_record(view.entry.scope, view.diff, view.entry.observed_at);
  record["revision"] = view.entry.revision;
  record["attribution"] = attribution_json(view);
  record["findings"] = findings_json(findings);
  return record;
}

std::string change_view_text(const ChangeView& view, const std::vector<Finding>& findings,
                             const DisplayZone& zone, std::chrono::milliseconds wait) {
  std::string out = fmt::format("{} {} in {}, observed {}\n",
                                group_label(view.diff.group, view.diff.name),
                                to_string(view.diff.change), view.entry.scope.str(),
                                zone.format(view.entry.observed_at));
  out += diff_text(view.diff, "  ");
  for (const ApiCall& call : view.calls) out += "  by " + call_text(call, zone) + "\n";
  if (view.entry.state == AttributionState::kPending) {
    out += fmt::format("  who: pending: no CloudTrail record of it yet (waiting up to {})\n",
                       format_duration(wait));
  } else if (view.entry.state == AttributionState::kUnattributed) {
    out += fmt::format(
        "  who: UNATTRIBUTED: no CloudTrail record explains {}this change after {} (made "
        "outside the trail's view? is the trail logging?)\n",
        view.calls.empty() ? "" : "all of ", format_duration(wait));
  }
  return out + findings_text(findings);
}

std::string attempt_text(const ApiCall& call, const DisplayZone& zone) {
  std::vector<std::string> groups;
  for (const GroupEffect& effect : call.effects) groups.push_back(effect.group.str());
  return fmt::format("Attempt on {} by {} refused: {}{}\n", fmt::join(groups, ", "),
                     call_text(call, zone), call.error_code,
                     call.error_message.empty() ? "" : " (" + call.error_message + ")");
}

}  // namespace sgwatch
