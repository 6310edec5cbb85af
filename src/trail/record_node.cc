// The out-of-line part of record_node.h: unwrap() and the ApiCall helpers the
// security-group payload readers share (rule_payloads.cc, group_events.cc).
#include "trail/record_node.h"

namespace sgwatch::trail_detail {

// Strips the wrappers Keys::kTolerant allows.
element unwrap(element value) {
  for (int depth = 0; depth < 4; ++depth) {
    array list;
    object obj;
    element inner;
    if (value.get_array().get(list) == SUCCESS && list.size() == 1) {
      value = list.at(0).value_unsafe();
    } else if (value.get_object().get(obj) == SUCCESS &&
               obj.at_key_case_insensitive("content").get(inner) == SUCCESS) {
      value = inner;
    } else {
      break;
    }
  }
  return value;
}

GroupEffect& effect_for(ApiCall& call, const GroupId& group) {
  for (GroupEffect& effect : call.effects) {
    if (effect.group == group) return effect;
  }
  call.effects.push_back(GroupEffect{group, {}, {}, {}, {}});
  return call.effects.back();
}

// The group a request names: groupId, else (EC2-Classic, default VPC) groupName, kept in
// ApiCall::group_name.
Result<std::optional<GroupId>> request_group(const Node& params, ApiCall& call) {
  auto group = params.id<GroupId>("groupId");
  if (!group) return pass(group);
  if (!*group) {
    auto name = params.string_or_empty("groupName");
    if (!name) return pass(name);
    call.group_name = std::move(*name);
  }
  return *group;
}

}  // namespace sgwatch::trail_detail
