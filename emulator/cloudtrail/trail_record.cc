#include "emulator/cloudtrail/trail_record.h"

#include <date/date.h>

#include <utility>

#include "emulator/cloudtrail/trail_request_parameters.h"
#include "emulator/ec2/ec2_params.h"

namespace sgwatch::emulator {
namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr char kGroupType[] = "AWS::EC2::SecurityGroup";
// How LookupEvents would name a rule is not documented; this follows CloudFormation's name.
constexpr char kRuleType[] = "AWS::EC2::SecurityGroupRule";

std::string after_last_slash(const std::string& text) {
  size_t slash = text.rfind('/');
  return slash == std::string::npos ? text : text.substr(slash + 1);
}

// responseElements.securityGroupRuleSet.items[] of Authorize*: the rules as EC2 answered.
OrderedJson rule_item(const StoredRule& rule) {
  const RuleSpec& spec = rule.spec;
  OrderedJson item = OrderedJson::object();
  item["groupOwnerId"] = rule.owner_id;
  item["groupId"] = rule.group_id;
  item["securityGroupRuleId"] = rule.id;
  item["isEgress"] = spec.egress;
  item["ipProtocol"] = spec.protocol;
  item["fromPort"] = spec.from_port;
  item["toPort"] = spec.to_port;
  switch (spec.peer.kind) {
    case PeerKind::kIpv4: item["cidrIpv4"] = spec.peer.value; break;
    case PeerKind::kIpv6: item["cidrIpv6"] = spec.peer.value; break;
    case PeerKind::kPrefixList: item["prefixListId"] = spec.peer.value; break;
    case PeerKind::kGroup: {
      OrderedJson info = {{"groupId", spec.peer.value}, {"userId", spec.peer.user_id}};
      if (!spec.peer.vpc_id.empty()) info["vpcId"] = spec.peer.vpc_id;
      if (!spec.peer.peering_id.empty()) {
        info["vpcPeeringConnectionId"] = spec.peer.peering_id;
        info["peeringStatus"] = "active";
      }
      item["referencedGroupInfo"] = std::move(info);
      break;
    }
  }
  if (!spec.description.empty()) item["description"] = spec.description;
  return item;
}

OrderedJson rule_set(const std::vector<StoredRule>& rules) {
  OrderedJson items = OrderedJson::array();
  for (const StoredRule& rule : rules) items.push_back(rule_item(rule));
  return {{"items", std::move(items)}};
}

// What EC2 answered, as CloudTrail keeps it: null for refused calls and for reads.
OrderedJson response_elements(const MutationRecord& call) {
  if (call.read_only || !call.error_code.empty()) return nullptr;
  if (call.action == "ModifySecurityGroupRules") {
    return {{"ModifySecurityGroupRulesResponse",
             {{"Return", true}, {"RequestId", call.request_id}}}};
  }
  OrderedJson out = {{"requestId", call.request_id}, {"_return", true}};
  if (call.action == "CreateSecurityGroup") out["groupId"] = call.group_id;
  if (call.action.starts_with("AuthorizeSecurityGroup")) {
    out["securityGroupRuleSet"] = rule_set(call.rules);
  }
  if (call.action.starts_with("RevokeSecurityGroup")) {
    out["revokedSecurityGroupRuleSet"] = rule_set(call.rules);
  }
  return out;
}

std::vector<TrailResource> resources(const MutationRecord& call) {
  std::vector<TrailResource> out;
  auto add = [&out](const std::string& id) {
    if (id.empty()) return;
    TrailResource resource{id.starts_with("sgr-") ? kRuleType : kGroupType, id};
    for (const TrailResource& seen : out) {
      if (seen == resource) return;
    }
    out.push_back(std::move(resource));
  };
  add(call.group_id.empty() ? param_or_empty(call.params, "GroupId") : call.group_id);
  if (call.action == "CreateTags" || call.action == "DeleteTags") {
    for (const std::string& id : string_list(call.params, "ResourceId")) {
      if (id.starts_with("sg-") || id.starts_with("sgr-")) add(id);
    }
  }
  if (call.action == "DescribeSecurityGroups") {
    for (const std::string& id : string_list(call.params, "GroupId")) add(id);
  }
  return out;
}

}  // namespace

std::string trail_time(std::chrono::sys_seconds time) { return date::format("%FT%TZ", time); }

std::string trail_username(const Caller& caller) { return after_last_slash(caller.arn); }

nlohmann::ordered_json trail_user_identity(const Caller& caller) {
  OrderedJson identity = OrderedJson::object();
  identity["type"] = caller.type;
  identity["principalId"] = caller.principal_id;
  identity["arn"] = caller.arn;
  identity["accountId"] = caller.account_id;
  identity["accessKeyId"] = caller.access_key_id;
  if (caller.type != "AssumedRole") {
    identity["userName"] = trail_username(caller);
    return identity;
  }
  // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, principal ROLEID:SESSION.
  const std::string marker = ":assumed-role/";
  size_t start = caller.arn.find(marker);
  std::string role;
  if (start != std::string::npos) {
    start += marker.size();
    role = caller.arn.substr(start, caller.arn.rfind('/') - start);
  }
  const std::string role_id = caller.principal_id.substr(0, caller.principal_id.find(':'));
  OrderedJson issuer = OrderedJson::object();
  issuer["type"] = "Role";
  issuer["principalId"] = role_id;
  issuer["arn"] = "arn:aws:iam::" + caller.account_id + ":role/" + role;
  issuer["accountId"] = caller.account_id;
  issuer["userName"] = role;
  OrderedJson attributes = OrderedJson::object();
  attributes["creationDate"] = caller.session_created;
  attributes["mfaAuthenticated"] = "false";
  identity["sessionContext"] = {{"sessionIssuer", std::move(issuer)},
                                {"webIdFederationData", OrderedJson::object()},
                                {"attributes", std::move(attributes)}};
  return identity;
}

TrailEvent trail_event(const MutationRecord& call, std::chrono::sys_seconds event_time,
                       std::string event_id) {
  TrailEvent event;
  event.event_id = std::move(event_id);
  event.event_name = call.action;
  event.event_source = "ec2.amazonaws.com";
  event.read_only = call.read_only;
  event.account_id = call.caller.account_id;
  event.region = call.region;
  event.username = trail_username(call.caller);
  event.access_key_id = call.caller.access_key_id;
  event.event_time = event_time;
  event.resources = resources(call);

  OrderedJson& record = event.record;
  record["eventVersion"] = "1.08";
  record["userIdentity"] = trail_user_identity(call.caller);
  record["eventTime"] = trail_time(event_time);
  record["eventSource"] = event.event_source;
  record["eventName"] = call.action;
  record["awsRegion"] = call.region;
  record["sourceIPAddress"] = call.origin.source_ip;
  record["userAgent"] = call.origin.user_agent;
  if (!call.error_code.empty()) {
    // EC2's records name the side at fault, as its SOAP-era codes did.
    record["errorCode"] = (call.http_status >= 500 ? "Server." : "Client.") + call.error_code;
    record["errorMessage"] = call.error_message;
  }
  record["requestParameters"] = trail_request_parameters(call.action, call.params);
  record["responseElements"] = response_elements(call);
  record["requestID"] = call.request_id;
  record["eventID"] = event.event_id;
  record["readOnly"] = call.read_only;
  record["eventType"] = "AwsApiCall";
  record["managementEvent"] = true;
  record["recipientAccountId"] = call.caller.account_id;
  record["eventCategory"] = "Management";
  return event;
}

}  // namespace sgwatch::emulator
