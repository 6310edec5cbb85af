#include "attribution/stored_calls.h"

#include <spdlog/spdlog.h>

#include "trail/record_containers.h"

namespace sgwatch {
namespace {

// The one record a text holds, parsed at `detail`.
Result<ApiCall> single_call(std::string_view record, RecordDetail detail) {
  std::optional<Result<ApiCall>> found;
  size_t records = 0;
  auto walked = for_each_record(
      record,
      [&](Result<ApiCall> call, size_t) {
        ++records;
        if (!found) found = std::move(call);
      },
      detail);
  if (!walked) return tl::unexpected(walked.error());
  if (records != 1 || !found) {
    return invalid("a CloudTrail event holds " + std::to_string(records) +
                   " records instead of one");
  }
  return std::move(*found);
}

std::vector<GroupId> groups_of(const ApiCall& call) {
  std::vector<GroupId> groups;
  for (const GroupEffect& effect : call.effects) groups.push_back(effect.group);
  return groups;
}

}  // namespace

Result<std::optional<StoredEvent>> security_group_event(std::string_view record,
                                                        const Scope& scope) {
  auto call = single_call(record, RecordDetail::kSecurityGroupCalls);
  if (!call) return tl::unexpected(call.error());
  if (!is_security_group_event(call->event_source, call->event_name)) return std::nullopt;
  // A security-group event is parsed in full at kSecurityGroupCalls already.
  if (!is_security_group_call(*call)) return std::nullopt;
  Scope where = scope;
  if (call->account) where.account = *call->account;
  if (call->region) where.region = *call->region;
  return StoredEvent{call->event_id, std::move(where), call->event_time, call->event_name,
                     call->attempt(),   groups_of(*call),  std::string(record)};
}

Result<ApiCall> call_of(const StoredEvent& event) {
  auto call = single_call(event.record, RecordDetail::kFull);
  if (!call) return tl::unexpected(call.error().within("kept event " + event.event_id));
  return call;
}

std::vector<ApiCall> calls_of(const std::vector<StoredEvent>& events) {
  std::vector<ApiCall> calls;
  for (const StoredEvent& event : events) {
    auto call = call_of(event);
    if (!call) {
      spdlog::warn("Skipped a kept CloudTrail event: {}", call.error().message);
      continue;
    }
    calls.push_back(std::move(*call));
  }
  return calls;
}

}  // namespace sgwatch
