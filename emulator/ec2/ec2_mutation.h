// What a mutating EC2 call did, for whoever keeps a record of API activity (the trail,
// emulator/cloudtrail/): one record per call that could change security groups, whether it
// changed them, was refused (UnauthorizedOperation), was a dry run, or failed validation.
// Calls for a region the emulator does not serve never reach EC2 and are not recorded.
// Read-only calls (Describe*) use the same record, with `read_only` set, and go to their
// own observer (Ec2Service::set_read_observer).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "emulator/caller.h"
#include "emulator/ec2/ec2_model.h"
#include "emulator/http_types.h"

namespace sgwatch::emulator {

struct MutationRecord {
  std::string action;      // "AuthorizeSecurityGroupIngress"
  Caller caller;
  Origin origin;  // the client's address and User-Agent
  bool read_only = false;
  std::string region;
  Params params;           // the request's parameters as received, Action and Version included
  std::string request_id;  // the requestId (or RequestID) of the response
  int http_status = 200;
  std::string error_code;  // "" on success; otherwise EC2's code ("DryRunOperation", ...)
  std::string error_message;

  // Response elements, on success.
  std::string group_id;  // the group acted on (CreateSecurityGroup: the new group)
  // Authorize*: the rules added. Revoke*: the rules removed. ModifySecurityGroupRules and
  // UpdateSecurityGroupRuleDescriptions*: the rules as they now are.
  std::vector<StoredRule> rules;
};

// Called on the thread that handled the request, after the service's lock is released, so
// it may call back into the service; calls from different threads may overlap.
using MutationObserver = std::function<void(const MutationRecord&)>;

}  // namespace sgwatch::emulator
