#include "app/event_intake.h"

#include <set>

#include <fmt/format.h>

#include "trail/record_parser.h"

namespace sgwatch {

EventIntake::EventIntake(Observer& observer) : observer_(observer) {}

Result<EventIntakeResult> EventIntake::take(const CloudTrailEventMessage& event,
                                            std::string_view source) {
  const ApiCall& call = event.call;
  // The account the call was made in (whose group changed): recipientAccountId, which the
  // envelope repeats.
  const Scope scope{call.account.value_or(event.account), call.region.value_or(event.region)};
  auto trail = observer_.keep_trail_change(scope, call, event.record);
  if (!trail) return tl::unexpected(trail.error().within(std::string(source)));
  if (*trail) {
    ++counts_.trail_changes;
    return EventIntakeResult{
        fmt::format("told: {} by {} in {}", call.event_name,
                    call.actor.arn.empty() ? call.actor.type : call.actor.arn, scope.str()),
        true};
  }
  if (call.event_source != "ec2.amazonaws.com" || !is_security_group_call(call)) {
    ++counts_.other_call;
    return EventIntakeResult{fmt::format("skipped: {} of {} changes no security group",
                                         call.event_name, call.event_source)};
  }
  ++counts_.events;
  if (observer_.credentials_of(scope.account) == nullptr) {
    ++counts_.not_observed;
    return EventIntakeResult{"skipped: account " + scope.account.str() + " is not observed"};
  }
  auto kept = observer_.keep_event(scope, event.record);
  if (!kept) return tl::unexpected(kept.error().within(std::string(source)));
  if (call.attempt()) {
    ++counts_.attempts;
    // keep_event() queued its attempt alert (if the group is one sgwatch knows): wake the
    // outbox for it as for a change.
    return EventIntakeResult{fmt::format("kept the refused {} ({}) in {}", call.event_name,
                                         call.error_code, scope.str()),
                             true};
  }

  std::set<GroupId> groups;
  for (const GroupEffect& effect : call.effects) groups.insert(effect.group);
  if (groups.empty()) {
    // A tag on a rule (sgr-) or a group named only by name: the next cycle reads it.
    ++counts_.unresolved;
    return EventIntakeResult{fmt::format("left to the next cycle: {} in {} names no group id",
                                         call.event_name, scope.str())};
  }
  EventIntakeResult result;
  for (const GroupId& group : groups) {
    ++counts_.refreshed;
    auto observed = observer_.refresh_group(scope, group, {call.event_id});
    if (!observed) return tl::unexpected(observed.error().within(std::string(source)));
    if (observed->verdict == ObservationVerdict::kRecorded) {
      ++counts_.recorded;
      result.recorded = true;
    } else if (observed->verdict == ObservationVerdict::kNoBaseline ||
               observed->verdict == ObservationVerdict::kUnwatched) {
      ++counts_.not_observed;
    }
    if (!result.what.empty()) result.what += "; ";
    result.what += fmt::format("{}: {} in {}", to_string(observed->verdict), group.str(),
                               scope.str());
  }
  result.what = fmt::format("{} by {}: {}", call.event_name,
                            call.actor.arn.empty() ? call.actor.type : call.actor.arn, result.what);
  return result;
}

}  // namespace sgwatch
