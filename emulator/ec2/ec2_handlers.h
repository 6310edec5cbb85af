// The EC2 operations, one function each, as Ec2Service dispatches them. A handler runs with
// the service's lock held, after authorization and dry-run checks; it reads its parameters,
// changes the model and builds the response, or returns the error EC2 would send.
#pragma once

#include <string>
#include <vector>

#include "emulator/caller.h"
#include "emulator/ec2/ec2_error.h"
#include "emulator/ec2/ec2_model.h"
#include "emulator/http_types.h"

namespace sgwatch::emulator::ec2_handlers {

struct Call {
  const Caller& caller;
  const std::string& action;
  const std::string& region;
  const std::string& request_id;
  const Params& params;
  const std::vector<std::string>& regions;  // those the emulator serves
  Ec2Scope& scope;                          // the caller's account in `region`
};

struct Outcome {
  Response response;
  // For the mutation record: the group acted on and the rules added, changed or removed.
  std::string group_id;
  std::vector<StoredRule> rules;
};

using Handler = Ec2Result<Outcome> (*)(const Call& call);

// Groups and tags (ec2_group_handlers.cc).
Ec2Result<Outcome> create_security_group(const Call& call);
Ec2Result<Outcome> delete_security_group(const Call& call);
Ec2Result<Outcome> create_tags(const Call& call);
Ec2Result<Outcome> delete_tags(const Call& call);

// Rules (ec2_rule_handlers.cc).
Ec2Result<Outcome> authorize_ingress(const Call& call);
Ec2Result<Outcome> authorize_egress(const Call& call);
Ec2Result<Outcome> revoke_ingress(const Call& call);
Ec2Result<Outcome> revoke_egress(const Call& call);
Ec2Result<Outcome> modify_rules(const Call& call);
Ec2Result<Outcome> update_ingress_descriptions(const Call& call);
Ec2Result<Outcome> update_egress_descriptions(const Call& call);

// Reads (ec2_describe_handlers.cc).
Ec2Result<Outcome> describe_security_groups(const Call& call);
Ec2Result<Outcome> describe_security_group_rules(const Call& call);
Ec2Result<Outcome> describe_regions(const Call& call);

// The tags of the call's TagSpecifications, which must all be for `resource_type` (EC2
// tags only the resource the call creates).
Ec2Result<Tags> tag_specifications_for(const Params& params, const std::string& resource_type);

// The group a call names by GroupId, or by GroupName (default VPC) when `allow_name`.
Ec2Result<std::string> target_group(const Call& call, bool allow_name);

}  // namespace sgwatch::emulator::ec2_handlers
