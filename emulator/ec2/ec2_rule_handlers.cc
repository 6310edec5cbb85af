// AuthorizeSecurityGroup{Ingress,Egress}, RevokeSecurityGroup{Ingress,Egress},
// ModifySecurityGroupRules and UpdateSecurityGroupRuleDescriptions{Ingress,Egress}.
#include "emulator/ec2/ec2_handlers.h"
#include "emulator/ec2/ec2_params.h"
#include "emulator/ec2/ec2_xml.h"

namespace sgwatch::emulator::ec2_handlers {
namespace {

bool has_ip_permissions(const Params& params) {
  return !list_indices(params, "IpPermissions").empty();
}

// The rules a call names: IpPermissions, or for ingress the older top-level form.
Ec2Result<std::vector<RuleRequest>> requested_rules(const Params& params, bool egress) {
  if (has_top_level_rule(params)) {
    if (egress) {
      return ec2_fail("InvalidParameterCombination",
                      "CidrIp, IpProtocol, FromPort, ToPort, SourceSecurityGroupName and "
                      "SourceSecurityGroupOwnerId are not supported for egress rules; use "
                      "IpPermissions.");
    }
    if (has_ip_permissions(params)) {
      return ec2_fail("InvalidParameterCombination",
                      "The parameter IpPermissions cannot be used with the parameters CidrIp, "
                      "IpProtocol, FromPort, ToPort, SourceSecurityGroupName or "
                      "SourceSecurityGroupOwnerId");
    }
    auto rule = read_top_level_rule(params);
    if (!rule) return tl::unexpected(rule.error());
    return std::vector<RuleRequest>{std::move(*rule)};
  }
  if (!has_ip_permissions(params)) return missing_parameter("IpPermissions");
  return read_ip_permissions(params);
}

Ec2Result<Outcome> authorize(const Call& call, bool egress) {
  auto group = target_group(call, /*allow_name=*/!egress);
  if (!group) return tl::unexpected(group.error());
  auto tags = tag_specifications_for(call.params, "security-group-rule");
  if (!tags) return tl::unexpected(tags.error());
  auto requests = requested_rules(call.params, egress);
  if (!requests) return tl::unexpected(requests.error());
  auto added = call.scope.authorize(*group, egress, *requests, *tags);
  if (!added) return tl::unexpected(added.error());

  XmlReply reply(call.action, call.request_id);
  reply.add_return_true();
  pugi::xml_node set = reply.root().append_child("securityGroupRuleSet");
  for (const StoredRule& rule : *added) write_rule(set.append_child("item"), rule, call.region);
  return Outcome{reply.response(), *group, std::move(*added)};
}

Ec2Result<Outcome> revoke(const Call& call, bool egress) {
  auto group = target_group(call, /*allow_name=*/!egress);
  if (!group) return tl::unexpected(group.error());

  Ec2Result<std::vector<StoredRule>> removed;
  const std::vector<std::string> rule_ids = string_list(call.params, "SecurityGroupRuleId");
  if (!rule_ids.empty()) {
    if (has_ip_permissions(call.params) || has_top_level_rule(call.params)) {
      return ec2_fail("InvalidParameterCombination",
                      "The parameter SecurityGroupRuleIds cannot be used with the parameter "
                      "IpPermissions");
    }
    removed = call.scope.revoke_ids(*group, egress, rule_ids);
  } else {
    auto requests = requested_rules(call.params, egress);
    if (!requests) return tl::unexpected(requests.error());
    removed = call.scope.revoke(*group, egress, *requests);
  }
  if (!removed) return tl::unexpected(removed.error());

  XmlReply reply(call.action, call.request_id);
  reply.add_return_true();
  pugi::xml_node set = reply.root().append_child("revokedSecurityGroupRuleSet");
  for (const StoredRule& rule : *removed) write_revoked_rule(set.append_child("item"), rule);
  return Outcome{reply.response(), *group, std::move(*removed)};
}

Ec2Result<Outcome> update_descriptions(const Call& call, bool egress) {
  auto group = target_group(call, /*allow_name=*/true);
  if (!group) return tl::unexpected(group.error());

  Ec2Result<std::vector<StoredRule>> changed;
  if (!list_indices(call.params, "SecurityGroupRuleDescription").empty()) {
    auto updates = read_description_updates(call.params);
    if (!updates) return tl::unexpected(updates.error());
    changed = call.scope.update_descriptions(*group, egress, *updates);
  } else {
    if (!has_ip_permissions(call.params)) return missing_parameter("IpPermissions");
    auto requests = read_ip_permissions(call.params);
    if (!requests) return tl::unexpected(requests.error());
    changed = call.scope.update_descriptions(*group, egress, *requests);
  }
  if (!changed) return tl::unexpected(changed.error());

  XmlReply reply(call.action, call.request_id);
  reply.add_return_true();
  return Outcome{reply.response(), *group, std::move(*changed)};
}

}  // namespace

Ec2Result<Outcome> authorize_ingress(const Call& call) { return authorize(call, false); }
Ec2Result<Outcome> authorize_egress(const Call& call) { return authorize(call, true); }
Ec2Result<Outcome> revoke_ingress(const Call& call) { return revoke(call, false); }
Ec2Result<Outcome> revoke_egress(const Call& call) { return revoke(call, true); }

Ec2Result<Outcome> update_ingress_descriptions(const Call& call) {
  return update_descriptions(call, false);
}
Ec2Result<Outcome> update_egress_descriptions(const Call& call) {
  return update_descriptions(call, true);
}

Ec2Result<Outcome> modify_rules(const Call& call) {
  auto group = target_group(call, /*allow_name=*/false);
  if (!group) return tl::unexpected(group.error());
  auto updates = read_rule_updates(call.params);
  if (!updates) return tl::unexpected(updates.error());
  if (updates->empty()) return missing_parameter("SecurityGroupRule.1.SecurityGroupRuleId");
  auto changed = call.scope.modify(*group, *updates);
  if (!changed) return tl::unexpected(changed.error());

  XmlReply reply(call.action, call.request_id);
  reply.add_return_true();
  return Outcome{reply.response(), *group, std::move(*changed)};
}

}  // namespace sgwatch::emulator::ec2_handlers
