#include "emulator/ec2/ec2_xml.h"

#include <sstream>
#include <vector>

#include "emulator/ec2/ec2_ids.h"

namespace sgwatch::emulator {
namespace {

// The declaration on a line of its own, then the document without indentation, as EC2
// sends it.
std::string serialise(const pugi::xml_document& doc) {
  pugi::xml_document declaration_doc;
  pugi::xml_node declaration = declaration_doc.append_child(pugi::node_declaration);
  declaration.append_attribute("version") = "1.0";
  declaration.append_attribute("encoding") = "UTF-8";
  std::ostringstream out;
  declaration.print(out, "", pugi::format_raw);
  out << '\n';
  doc.document_element().print(out, "", pugi::format_raw);
  return out.str();
}

void add_int(pugi::xml_node parent, const char* name, int value) {
  add_text(parent, name, std::to_string(value));
}

void add_bool(pugi::xml_node parent, const char* name, bool value) {
  add_text(parent, name, value ? "true" : "false");
}

void add_if_set(pugi::xml_node parent, const char* name, const std::string& value) {
  if (!value.empty()) add_text(parent, name, value);
}

// The rules of one IpPermission: same protocol and ports, several peers.
struct Permission {
  const RuleSpec* key;
  std::vector<const StoredRule*> rules;
};

void write_permission(pugi::xml_node item, const Permission& permission) {
  const RuleSpec& key = *permission.key;
  add_text(item, "ipProtocol", key.protocol);
  if (protocol_has_ports(key.protocol)) {
    add_int(item, "fromPort", key.from_port);
    add_int(item, "toPort", key.to_port);
  }
  // All four lists are always present, empty or not, as in EC2's responses.
  pugi::xml_node groups = item.append_child("groups");
  pugi::xml_node ip_ranges = item.append_child("ipRanges");
  pugi::xml_node ipv6_ranges = item.append_child("ipv6Ranges");
  pugi::xml_node prefix_lists = item.append_child("prefixListIds");
  for (const StoredRule* rule : permission.rules) {
    const Peer& peer = rule->spec.peer;
    const std::string& description = rule->spec.description;
    switch (peer.kind) {
      case PeerKind::kIpv4: {
        pugi::xml_node range = ip_ranges.append_child("item");
        add_text(range, "cidrIp", peer.value);
        add_if_set(range, "description", description);
        break;
      }
      case PeerKind::kIpv6: {
        pugi::xml_node range = ipv6_ranges.append_child("item");
        add_text(range, "cidrIpv6", peer.value);
        add_if_set(range, "description", description);
        break;
      }
      case PeerKind::kPrefixList: {
        pugi::xml_node list = prefix_lists.append_child("item");
        add_text(list, "prefixListId", peer.value);
        add_if_set(list, "description", description);
        break;
      }
      case PeerKind::kGroup: {
        pugi::xml_node pair = groups.append_child("item");
        add_text(pair, "userId", peer.user_id);
        add_text(pair, "groupId", peer.value);
        add_if_set(pair, "vpcId", peer.vpc_id);
        add_if_set(pair, "vpcPeeringConnectionId", peer.peering_id);
        if (!peer.peering_id.empty()) add_text(pair, "peeringStatus", "active");
        add_if_set(pair, "description", description);
        break;
      }
    }
  }
}

void write_permissions(pugi::xml_node list, const StoredGroup& group, bool egress) {
  std::vector<Permission> permissions;
  for (const StoredRule& rule : group.rules) {
    if (rule.spec.egress != egress) continue;
    const RuleSpec& spec = rule.spec;
    Permission* target = nullptr;
    for (Permission& permission : permissions) {
      if (permission.key->protocol == spec.protocol &&
          permission.key->from_port == spec.from_port &&
          permission.key->to_port == spec.to_port) {
        target = &permission;
        break;
      }
    }
    if (target == nullptr) target = &permissions.emplace_back(Permission{&spec, {}});
    target->rules.push_back(&rule);
  }
  for (const Permission& permission : permissions) {
    write_permission(list.append_child("item"), permission);
  }
}

}  // namespace

XmlReply::XmlReply(const std::string& action, const std::string& request_id) {
  root_ = doc_.append_child((action + "Response").c_str());
  root_.append_attribute("xmlns") = kEc2Namespace;
  add_text(root_, "requestId", request_id);
}

void XmlReply::add_return_true() { add_text(root_, "return", "true"); }

Response XmlReply::response() const {
  Response response;
  response.status = 200;
  response.content_type = kEc2ContentType;
  response.body = serialise(doc_);
  return response;
}

pugi::xml_node add_text(pugi::xml_node parent, const char* name, const std::string& value) {
  pugi::xml_node node = parent.append_child(name);
  node.text().set(value.c_str());
  return node;
}

std::string partition_of(const std::string& region) {
  if (region.rfind("cn-", 0) == 0) return "aws-cn";
  if (region.rfind("us-gov-", 0) == 0) return "aws-us-gov";
  return "aws";
}

std::string group_arn(const std::string& region, const std::string& account,
                      const std::string& group_id) {
  return "arn:" + partition_of(region) + ":ec2:" + region + ":" + account +
         ":security-group/" + group_id;
}

std::string rule_arn(const std::string& region, const std::string& account,
                     const std::string& rule_id) {
  return "arn:" + partition_of(region) + ":ec2:" + region + ":" + account +
         ":security-group-rule/" + rule_id;
}

void write_tag_set(pugi::xml_node parent, const Tags& tags) {
  pugi::xml_node set = parent.append_child("tagSet");
  for (const auto& [key, value] : tags) {
    pugi::xml_node item = set.append_child("item");
    add_text(item, "key", key);
    add_text(item, "value", value);
  }
}

void write_rule(pugi::xml_node item, const StoredRule& rule, const std::string& region) {
  const RuleSpec& spec = rule.spec;
  add_text(item, "securityGroupRuleId", rule.id);
  add_text(item, "groupId", rule.group_id);
  add_text(item, "groupOwnerId", rule.owner_id);
  add_bool(item, "isEgress", spec.egress);
  add_text(item, "ipProtocol", spec.protocol);
  add_int(item, "fromPort", spec.from_port);
  add_int(item, "toPort", spec.to_port);
  switch (spec.peer.kind) {
    case PeerKind::kIpv4: add_text(item, "cidrIpv4", spec.peer.value); break;
    case PeerKind::kIpv6: add_text(item, "cidrIpv6", spec.peer.value); break;
    case PeerKind::kPrefixList: add_text(item, "prefixListId", spec.peer.value); break;
    case PeerKind::kGroup: {
      pugi::xml_node info = item.append_child("referencedGroupInfo");
      add_text(info, "groupId", spec.peer.value);
      add_text(info, "userId", spec.peer.user_id);
      add_if_set(info, "vpcId", spec.peer.vpc_id);
      add_if_set(info, "vpcPeeringConnectionId", spec.peer.peering_id);
      if (!spec.peer.peering_id.empty()) add_text(info, "peeringStatus", "active");
      break;
    }
  }
  add_if_set(item, "description", spec.description);
  write_tag_set(item, rule.tags);
  add_text(item, "securityGroupRuleArn", rule_arn(region, rule.owner_id, rule.id));
}

void write_revoked_rule(pugi::xml_node item, const StoredRule& rule) {
  const RuleSpec& spec = rule.spec;
  add_text(item, "securityGroupRuleId", rule.id);
  add_text(item, "groupId", rule.group_id);
  add_bool(item, "isEgress", spec.egress);
  add_text(item, "ipProtocol", spec.protocol);
  add_int(item, "fromPort", spec.from_port);
  add_int(item, "toPort", spec.to_port);
  switch (spec.peer.kind) {
    case PeerKind::kIpv4: add_text(item, "cidrIpv4", spec.peer.value); break;
    case PeerKind::kIpv6: add_text(item, "cidrIpv6", spec.peer.value); break;
    case PeerKind::kPrefixList: add_text(item, "prefixListId", spec.peer.value); break;
    case PeerKind::kGroup: add_text(item, "referencedGroupId", spec.peer.value); break;
  }
  add_if_set(item, "description", spec.description);
}

void write_group(pugi::xml_node item, const StoredGroup& group, const Ec2Scope& scope) {
  add_text(item, "ownerId", group.owner_id);
  add_text(item, "groupId", group.id);
  add_text(item, "groupName", group.name);
  add_text(item, "groupDescription", group.description);
  add_text(item, "vpcId", group.vpc_id);
  write_permissions(item.append_child("ipPermissions"), group, false);
  write_permissions(item.append_child("ipPermissionsEgress"), group, true);
  // EC2 leaves tagSet out of a group without tags.
  if (!group.tags.empty()) write_tag_set(item, group.tags);
  add_text(item, "securityGroupArn", group_arn(scope.region(), group.owner_id, group.id));
}

Response ec2_error(int status, const std::string& code, const std::string& message) {
  thread_local IdSource ids(0);
  return ec2_error(status, code, message, ids.request_id());
}

Response ec2_error(int status, const std::string& code, const std::string& message,
                   const std::string& request_id) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("Response");
  pugi::xml_node error = root.append_child("Errors").append_child("Error");
  add_text(error, "Code", code);
  add_text(error, "Message", message);
  add_text(root, "RequestID", request_id);
  Response response;
  response.status = status;
  response.content_type = kEc2ContentType;
  response.body = serialise(doc);
  return response;
}

Response ec2_error(const Ec2Error& error, const std::string& request_id) {
  return ec2_error(error.status, error.code, error.message, request_id);
}

}  // namespace sgwatch::emulator
