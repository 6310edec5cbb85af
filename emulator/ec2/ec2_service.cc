#include "emulator/ec2/ec2_service.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "emulator/ec2/ec2_handlers.h"
#include "emulator/ec2/ec2_params.h"
#include "emulator/ec2/ec2_xml.h"

namespace sgwatch::emulator {
namespace {

namespace handlers = ec2_handlers;

struct Operation {
  std::string_view action;
  handlers::Handler handler;
  bool mutating;  // goes to the mutation observer; Describe* calls to the read observer
};

constexpr Operation kOperations[] = {
    {"CreateSecurityGroup", handlers::create_security_group, true},
    {"DeleteSecurityGroup", handlers::delete_security_group, true},
    {"AuthorizeSecurityGroupIngress", handlers::authorize_ingress, true},
    {"AuthorizeSecurityGroupEgress", handlers::authorize_egress, true},
    {"RevokeSecurityGroupIngress", handlers::revoke_ingress, true},
    {"RevokeSecurityGroupEgress", handlers::revoke_egress, true},
    {"ModifySecurityGroupRules", handlers::modify_rules, true},
    {"UpdateSecurityGroupRuleDescriptionsIngress", handlers::update_ingress_descriptions, true},
    {"UpdateSecurityGroupRuleDescriptionsEgress", handlers::update_egress_descriptions, true},
    {"CreateTags", handlers::create_tags, true},
    {"DeleteTags", handlers::delete_tags, true},
    {"DescribeSecurityGroups", handlers::describe_security_groups, false},
    {"DescribeSecurityGroupRules", handlers::describe_security_group_rules, false},
    {"DescribeRegions", handlers::describe_regions, false},
};

const Operation* find_operation(const std::string& action) {
  for (const Operation& operation : kOperations) {
    if (operation.action == action) return &operation;
  }
  return nullptr;
}

std::string base64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t chunk = static_cast<uint8_t>(data[i]) << 16;
    if (i + 1 < data.size()) chunk |= static_cast<uint8_t>(data[i + 1]) << 8;
    if (i + 2 < data.size()) chunk |= static_cast<uint8_t>(data[i + 2]);
    out += kAlphabet[(chunk >> 18) & 0x3f];
    out += kAlphabet[(chunk >> 12) & 0x3f];
    out += i + 1 < data.size() ? kAlphabet[(chunk >> 6) & 0x3f] : '=';
    out += i + 2 < data.size() ? kAlphabet[chunk & 0x3f] : '=';
  }
  return out;
}

// The resource EC2 names when refusing `action`: the group a call targets, or all groups.
std::string refused_resource(const std::string& region, const std::string& account,
                             const Params& params) {
  const std::string group = param_or_empty(params, "GroupId");
  return group_arn(region, account, group.empty() ? "*" : group);
}

// EC2's wording. Calls on resources add an encoded authorization message (AWS encrypts
// it for sts:DecodeAuthorizationMessage; here it is base64 of the same JSON document).
std::string unauthorized_message(const Caller& caller, const std::string& action,
                                 const std::string& region, const Params& params,
                                 bool names_resource) {
  const std::string permission = "ec2:" + action;
  std::string message = "You are not authorized to perform this operation. User: " +
                        caller.arn + " is not authorized to perform: " + permission;
  if (!names_resource) {
    return message + " because no identity-based policy allows the " + permission +
           " action";
  }
  const std::string resource = refused_resource(region, caller.account_id, params);
  const nlohmann::json decoded = {
      {"allowed", false},
      {"explicitDeny", false},
      {"matchedStatements", {{"items", nlohmann::json::array()}}},
      {"failures", {{"items", nlohmann::json::array()}}},
      {"context",
       {{"principal", {{"id", caller.principal_id}, {"arn", caller.arn}}},
        {"action", permission},
        {"resource", resource},
        {"conditions", {{"items", nlohmann::json::array()}}}}}};
  return message + " on resource: " + resource + " because no identity-based policy allows the " +
         permission + " action. Encoded authorization failure message: " +
         base64(decoded.dump());
}

}  // namespace

Ec2Service::Ec2Service(std::vector<std::string> regions, uint64_t id_seed)
    : regions_(std::move(regions)), model_(id_seed) {}

bool Ec2Service::serves(const std::string& region) const {
  return std::find(regions_.begin(), regions_.end(), region) != regions_.end();
}

void Ec2Service::set_observer(MutationObserver observer) {
  std::lock_guard lock(mutex_);
  observer_ = std::move(observer);
}

void Ec2Service::set_read_observer(MutationObserver observer) {
  std::lock_guard lock(mutex_);
  read_observer_ = std::move(observer);
}

Response Ec2Service::handle(const Caller& caller, const std::string& region,
                            const Params& params, const Origin& origin) {
  std::string request_id;
  {
    std::lock_guard lock(mutex_);
    request_id = model_.ids().request_id();
  }
  const std::string action = param_or_empty(params, "Action");
  if (action.empty()) {
    return ec2_error(400, "MissingAction", "The request must contain the parameter Action",
                     request_id);
  }
  const Operation* operation = find_operation(action);
  if (operation == nullptr) {
    return ec2_error(400, "InvalidAction",
                     "The action " + action + " is not valid for this web service.", request_id);
  }
  if (!serves(region)) {
    // A call for a region that does not exist fails signature checks at AWS's edge.
    return ec2_error(401, "AuthFailure", "Credential should be scoped to a valid region.",
                     request_id);
  }

  MutationObserver observer;
  auto outcome = [&]() -> Ec2Result<handlers::Outcome> {
    if (!caller.may("ec2", action)) {
      return ec2_fail("UnauthorizedOperation",
                      unauthorized_message(caller, action, region, params, operation->mutating),
                      403);
    }
    // Permission is the only thing a dry run checks.
    if (bool_param(params, "DryRun")) {
      return ec2_fail("DryRunOperation", "Request would have succeeded, but DryRun flag is set.",
                      412);
    }
    std::lock_guard lock(mutex_);
    observer = operation->mutating ? observer_ : read_observer_;
    Ec2Scope& scope = model_.scope(caller.account_id, region);
    const handlers::Call call{caller, action, region, request_id, params, regions_, scope};
    return operation->handler(call);
  }();

  Response response = outcome ? std::move(outcome->response) : ec2_error(outcome.error(), request_id);
  if (!outcome) {
    std::lock_guard lock(mutex_);
    observer = operation->mutating ? observer_ : read_observer_;
  }
  if (observer) {
    MutationRecord record;
    record.action = action;
    record.caller = caller;
    record.origin = origin;
    record.read_only = !operation->mutating;
    record.region = region;
    record.params = params;
    record.request_id = request_id;
    record.http_status = response.status;
    if (outcome) {
      record.group_id = std::move(outcome->group_id);
      record.rules = std::move(outcome->rules);
    } else {
      record.error_code = outcome.error().code;
      record.error_message = outcome.error().message;
    }
    observer(record);
  }
  return response;
}

std::string Ec2Service::default_vpc(const std::string& account, const std::string& region) {
  std::lock_guard lock(mutex_);
  return model_.scope(account, region).default_vpc();
}

std::string Ec2Service::default_group(const std::string& account, const std::string& region) {
  std::lock_guard lock(mutex_);
  return model_.scope(account, region).default_group();
}

std::string Ec2Service::create_vpc(const std::string& account, const std::string& region) {
  std::lock_guard lock(mutex_);
  return model_.scope(account, region).create_vpc();
}

Ec2Result<std::string> Ec2Service::create_group(const std::string& account,
                                                const std::string& region,
                                                const std::string& name,
                                                const std::string& description,
                                                const std::string& vpc_id, const Tags& tags) {
  std::lock_guard lock(mutex_);
  return model_.scope(account, region).create_group(name, description, vpc_id, tags);
}

Ec2Result<std::vector<std::string>> Ec2Service::authorize(
    const std::string& account, const std::string& region, const std::string& group_id,
    bool egress, const std::vector<RuleRequest>& rules, const Tags& tags) {
  std::lock_guard lock(mutex_);
  auto added = model_.scope(account, region).authorize(group_id, egress, rules, tags);
  if (!added) return tl::unexpected(added.error());
  std::vector<std::string> ids;
  ids.reserve(added->size());
  for (const StoredRule& rule : *added) ids.push_back(rule.id);
  return ids;
}

Ec2Status Ec2Service::create_tags(const std::string& account, const std::string& region,
                                  const std::vector<std::string>& resource_ids,
                                  const Tags& tags) {
  std::lock_guard lock(mutex_);
  return model_.scope(account, region).create_tags(resource_ids, tags);
}

Ec2Result<GeneratedGroups> Ec2Service::seed_generated(const std::string& account,
                                                      const std::string& region, size_t groups,
                                                      size_t rules_per_group) {
  std::lock_guard lock(mutex_);
  return generate_groups(model_.scope(account, region), groups, rules_per_group);
}

size_t Ec2Service::group_count(const std::string& account, const std::string& region) {
  std::lock_guard lock(mutex_);
  return model_.scope(account, region).groups().size();
}

size_t Ec2Service::rule_count(const std::string& account, const std::string& region) {
  std::lock_guard lock(mutex_);
  return model_.scope(account, region).rule_count();
}

}  // namespace sgwatch::emulator
