// The emulator's EC2 security group service: the EC2 Query API (Version 2016-11-15) for
// security groups, their rules and tags, and DescribeRegions, over an in-memory model.
//
// Each account and region gets, on first use, a default VPC whose "default" group has
// AWS's default rules (all traffic from the group itself in, all traffic to 0.0.0.0/0
// out). Groups belong to the caller's account in the request's region.
//
// Thread-safe: handle() and the seeding calls may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "emulator/caller.h"
#include "emulator/ec2/ec2_error.h"
#include "emulator/ec2/ec2_generator.h"
#include "emulator/ec2/ec2_model.h"
#include "emulator/ec2/ec2_mutation.h"
#include "emulator/ec2/ec2_rule.h"
#include "emulator/http_types.h"

namespace sgwatch::emulator {

class Ec2Service {
 public:
  // `regions`: the regions this emulator serves (DescribeRegions lists them; a call for
  // another region fails with AuthFailure). `id_seed` 0 draws ids at random; any other
  // value makes ids and request ids repeat from run to run.
  explicit Ec2Service(std::vector<std::string> regions, uint64_t id_seed = 0);

  // One EC2 Query API call. `params` holds Action, Version and the operation's parameters,
  // decoded; `region` is the region the request was signed for; `origin` is passed on to
  // the observers.
  Response handle(const Caller& caller, const std::string& region, const Params& params,
                  const Origin& origin = {});

  // Records every mutating call (see ec2_mutation.h). Replaces any earlier observer.
  void set_observer(MutationObserver observer);
  // Records every read-only call (Describe*), with `read_only` set; a separate observer so
  // that reads cost nothing unless someone asks for them. Replaces any earlier one.
  void set_read_observer(MutationObserver observer);

  const std::vector<std::string>& regions() const { return regions_; }

  // Seeding, bypassing the API (no authorization, no observer), through the same model
  // and checks. Each makes the account's region on first use, like a call would.
  std::string default_vpc(const std::string& account, const std::string& region);
  std::string default_group(const std::string& account, const std::string& region);
  // A further, non-default VPC with its own default group.
  std::string create_vpc(const std::string& account, const std::string& region);
  // Returns the new group's id. `vpc_id` "" means the default VPC.
  Ec2Result<std::string> create_group(const std::string& account, const std::string& region,
                                      const std::string& name, const std::string& description,
                                      const std::string& vpc_id = "", const Tags& tags = {});
  // Adds rules to a group; returns their ids, in order.
  Ec2Result<std::vector<std::string>> authorize(const std::string& account,
                                                const std::string& region,
                                                const std::string& group_id, bool egress,
                                                const std::vector<RuleRequest>& rules,
                                                const Tags& tags = {});
  // Tags on groups (sg-) and rules (sgr-).
  Ec2Status create_tags(const std::string& account, const std::string& region,
                        const std::vector<std::string>& resource_ids, const Tags& tags);
  // `groups` groups of `rules_per_group` ingress rules each, quickly (see ec2_generator.h).
  Ec2Result<GeneratedGroups> seed_generated(const std::string& account,
                                            const std::string& region, size_t groups,
                                            size_t rules_per_group);

  // Counts, for tests and the demo's progress lines.
  size_t group_count(const std::string& account, const std::string& region);
  size_t rule_count(const std::string& account, const std::string& region);

 private:
  bool serves(const std::string& region) const;

  const std::vector<std::string> regions_;
  std::mutex mutex_;  // guards everything below
  Ec2Model model_;
  MutationObserver observer_;
  MutationObserver read_observer_;
};

}  // namespace sgwatch::emulator
