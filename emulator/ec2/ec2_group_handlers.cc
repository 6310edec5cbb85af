// CreateSecurityGroup, DeleteSecurityGroup, CreateTags and DeleteTags.
#include "emulator/ec2/ec2_handlers.h"
#include "emulator/ec2/ec2_params.h"
#include "emulator/ec2/ec2_xml.h"

namespace sgwatch::emulator::ec2_handlers {

Ec2Result<Tags> tag_specifications_for(const Params& params, const std::string& resource_type) {
  auto specs = read_tag_specifications(params);
  if (!specs) return tl::unexpected(specs.error());
  Tags tags;
  for (const TagSpecification& spec : *specs) {
    if (spec.resource_type != resource_type) {
      return invalid_value("'" + spec.resource_type +
                           "' is not a valid taggable resource type for this operation.");
    }
    for (const auto& [key, value] : spec.tags) tags[key] = value;
  }
  return tags;
}

Ec2Result<std::string> target_group(const Call& call, bool allow_name) {
  if (auto id = param(call.params, "GroupId"); id && !id->empty()) {
    auto group = call.scope.group_by_id(*id);
    if (!group) return tl::unexpected(group.error());
    return *id;
  }
  if (allow_name) {
    if (auto name = param(call.params, "GroupName"); name && !name->empty()) {
      auto group = call.scope.group_by_name(*name);
      if (!group) return tl::unexpected(group.error());
      return (*group)->id;
    }
    return missing_parameter("GroupId or GroupName");
  }
  return missing_parameter("GroupId");
}

Ec2Result<Outcome> create_security_group(const Call& call) {
  auto tags = tag_specifications_for(call.params, "security-group");
  if (!tags) return tl::unexpected(tags.error());
  auto id = call.scope.create_group(param_or_empty(call.params, "GroupName"),
                                    param_or_empty(call.params, "GroupDescription"),
                                    param_or_empty(call.params, "VpcId"), *tags);
  if (!id) return tl::unexpected(id.error());

  XmlReply reply(call.action, call.request_id);
  add_text(reply.root(), "return", "true");
  add_text(reply.root(), "groupId", *id);
  if (!tags->empty()) write_tag_set(reply.root(), *tags);
  add_text(reply.root(), "securityGroupArn", group_arn(call.region, call.scope.account(), *id));
  return Outcome{reply.response(), *id, {}};
}

Ec2Result<Outcome> delete_security_group(const Call& call) {
  auto id = target_group(call, /*allow_name=*/true);
  if (!id) return tl::unexpected(id.error());
  if (auto ok = call.scope.delete_group(*id); !ok) return tl::unexpected(ok.error());

  XmlReply reply(call.action, call.request_id);
  reply.add_return_true();
  add_text(reply.root(), "groupId", *id);
  return Outcome{reply.response(), *id, {}};
}

Ec2Result<Outcome> create_tags(const Call& call) {
  auto tags = read_tags(call.params, "Tag");
  if (!tags) return tl::unexpected(tags.error());
  if (auto ok = call.scope.create_tags(string_list(call.params, "ResourceId"), *tags); !ok) {
    return tl::unexpected(ok.error());
  }
  XmlReply reply(call.action, call.request_id);
  reply.add_return_true();
  return Outcome{reply.response(), "", {}};
}

Ec2Result<Outcome> delete_tags(const Call& call) {
  auto removals = read_tag_removals(call.params);
  if (!removals) return tl::unexpected(removals.error());
  if (auto ok = call.scope.delete_tags(string_list(call.params, "ResourceId"), *removals);
      !ok) {
    return tl::unexpected(ok.error());
  }
  XmlReply reply(call.action, call.request_id);
  reply.add_return_true();
  return Outcome{reply.response(), "", {}};
}

}  // namespace sgwatch::emulator::ec2_handlers
