// The security-group events that are not about rules: CreateSecurityGroup,
// DeleteSecurityGroup, CreateTags/DeleteTags and Associate/DisassociateSecurityGroupVpc;
// and security_group_effects(), which sends each event to its reader here or in
// rule_payloads.cc.
#include "trail/group_events.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "trail/rule_payloads.h"

namespace sgwatch::trail_detail {
namespace {

Status create_group_call(const Node& record, const Node& params, ApiCall& call) {
  auto name = params.string_or_empty("groupName");
  if (!name) return pass(name);
  call.group_name = std::move(*name);
  auto description = params.string_or_empty("groupDescription");
  if (!description) return pass(description);
  call.group_description = std::move(*description);
  auto vpc = params.id<VpcId>("vpcId");
  if (!vpc) return pass(vpc);
  call.vpc = *vpc;
  auto response = record.child("responseElements");
  if (!response) return pass(response);
  if (!*response) return {};
  auto group = (*response)->id<GroupId>("groupId");
  if (!group) return pass(group);
  if (*group) effect_for(call, **group);
  return {};
}

Status tags_call(const Node& params, ApiCall& call) {
  const bool create = call.event_name == "CreateTags";
  std::vector<TagChange> tags;
  Status read_tags = params.for_each("tagSet", true, [&](const Node& item) -> Status {
    auto key = item.required_string("key");
    if (!key) return pass(key);
    auto value = item.string("value");
    if (!value) return pass(value);
    TagChange change{std::string(*key), std::nullopt, std::nullopt};
    std::optional<std::string> text;
    if (*value) text = std::string(**value);
    if (create) {
      change.after = text.value_or("");
    } else {
      change.before = std::move(text);
    }
    tags.push_back(std::move(change));
    return {};
  });
  if (!read_tags) return read_tags;
  return params.for_each("resourcesSet", true, [&](const Node& item) -> Status {
    auto resource = item.string_or_empty("resourceId");
    if (!resource) return pass(resource);
    if (resource->starts_with("sg-")) {
      auto group = GroupId::parse(*resource);
      if (!group) return tl::unexpected(group.error().within(item.path("resourceId")));
      effect_for(call, *group).tags = tags;
    } else if (resource->starts_with("sgr-")) {
      auto rule = RuleId::parse(*resource);
      if (!rule) return tl::unexpected(rule.error().within(item.path("resourceId")));
      call.tagged_rules.push_back(*rule);
      call.rule_tags = tags;
    }
    return {};
  });
}

Status vpc_association_call(const Node& params, ApiCall& call) {
  const Node any_case = params.with_keys(Keys::kAnyCase);
  auto group = any_case.required_id<GroupId>("groupId");
  if (!group) return pass(group);
  auto vpc = any_case.id<VpcId>("vpcId");
  if (!vpc) return pass(vpc);
  call.vpc = *vpc;
  effect_for(call, *group);
  return {};
}

}  // namespace

Status security_group_effects(const Node& record, ApiCall& call) {
  auto params_node = record.child("requestParameters");
  if (!params_node) return pass(params_node);
  const std::string_view name = call.event_name;
  if (!*params_node) {
    // Failed calls may carry no parameters; CreateSecurityGroup's group id is in the response.
    if (name != "CreateSecurityGroup") return {};
  }
  const Node params = *params_node ? **params_node : Node::absent("requestParameters");

  if (name.starts_with("AuthorizeSecurityGroup") || name.starts_with("RevokeSecurityGroup") ||
      name.starts_with("UpdateSecurityGroupRuleDescriptions")) {
    return permission_call(record, params, call);
  }
  if (name == "ModifySecurityGroupRules") return modify_call(params, call);
  if (name == "CreateSecurityGroup") return create_group_call(record, params, call);
  if (name == "DeleteSecurityGroup") {
    auto group = request_group(params, call);
    if (!group) return pass(group);
    if (*group) effect_for(call, **group);
    return {};
  }
  if (name == "CreateTags" || name == "DeleteTags") return tags_call(params, call);
  return vpc_association_call(params, call);
}

}  // namespace sgwatch::trail_detail
