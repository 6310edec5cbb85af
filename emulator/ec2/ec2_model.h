// The emulator's EC2 state: per account and region, the VPCs, security groups and their
// atomic rules, with the checks EC2 applies to every change. The Query API (ec2_service.h)
// and the seeding calls both go through this model, so seeded state obeys the same rules.
//
// Not thread-safe: Ec2Service serialises access.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "emulator/ec2/ec2_error.h"
#include "emulator/ec2/ec2_ids.h"
#include "emulator/ec2/ec2_rule.h"

namespace sgwatch::emulator {

using Tags = std::map<std::string, std::string>;

struct StoredRule {
  std::string id;        // "sgr-..."
  std::string group_id;  // the group the rule belongs to
  std::string owner_id;  // that group's account
  RuleSpec spec;
  Tags tags;
};

struct StoredGroup {
  std::string id;  // "sg-..."
  std::string name;
  std::string description;
  std::string vpc_id;
  std::string owner_id;
  Tags tags;
  // The group's rules, in the order they were added. Kept with the group because most
  // work (duplicate checks, Describe) reads one group's rules together.
  std::vector<StoredRule> rules;
};

// ModifySecurityGroupRules: replace rule `rule_id`'s content, keeping its id.
struct RuleUpdate {
  std::string rule_id;
  RuleRequest rule;
};

// UpdateSecurityGroupRuleDescriptions* by rule id.
struct DescriptionUpdate {
  std::string rule_id;
  std::string description;
};

// DeleteTags: a key, and the value to match if one is given.
struct TagRemoval {
  std::string key;
  std::optional<std::string> value;
};

// One account in one region. Made with a default VPC whose default group has AWS's default
// rules. Every mutation checks everything first and changes nothing when it fails.
class Ec2Scope {
 public:
  Ec2Scope(std::string account, std::string region, IdSource& ids);
  Ec2Scope(const Ec2Scope&) = delete;
  Ec2Scope& operator=(const Ec2Scope&) = delete;

  const std::string& account() const { return account_; }
  const std::string& region() const { return region_; }
  const std::string& default_vpc() const { return default_vpc_; }
  bool has_vpc(const std::string& vpc_id) const { return vpcs_.count(vpc_id) != 0; }
  // A new VPC (not the default one) with its own default group; returns its id.
  std::string create_vpc();
  // The id of the group called "default" in `vpc_id` ("" = the default VPC).
  std::string default_group(const std::string& vpc_id = "") const;

  const std::map<std::string, StoredGroup>& groups() const { return groups_; }
  size_t rule_count() const { return rule_index_.size(); }
  // Every rule id in ascending order, for paging. Valid until the next change.
  const std::vector<const std::string*>& sorted_rule_ids() const;
  const StoredGroup* find_group(const std::string& id) const;
  const StoredRule* find_rule(const std::string& id) const;
  // By id: InvalidGroupId.Malformed or InvalidGroup.NotFound when it is not there.
  Ec2Result<const StoredGroup*> group_by_id(const std::string& id) const;
  // By name, in the default VPC only (as EC2 resolves names): InvalidGroup.NotFound.
  Ec2Result<const StoredGroup*> group_by_name(const std::string& name) const;

  // CreateSecurityGroup: returns the new group's id. A new group gets EC2's default egress
  // rule (all traffic to 0.0.0.0/0). `vpc_id` "" means the default VPC.
  Ec2Result<std::string> create_group(const std::string& name, const std::string& description,
                                      const std::string& vpc_id, const Tags& tags);
  // DeleteSecurityGroup: not the default group, not while another group's rule refers to it.
  Ec2Status delete_group(const std::string& group_id);

  // Adds rules; all or none. Returns the new rules.
  Ec2Result<std::vector<StoredRule>> authorize(const std::string& group_id, bool egress,
                                               const std::vector<RuleRequest>& rules,
                                               const Tags& tags);
  // Removes rules matching the requests (descriptions do not matter); all or none. Returns
  // the removed rules.
  Ec2Result<std::vector<StoredRule>> revoke(const std::string& group_id, bool egress,
                                            const std::vector<RuleRequest>& rules);
  Ec2Result<std::vector<StoredRule>> revoke_ids(const std::string& group_id, bool egress,
                                                const std::vector<std::string>& rule_ids);
  // ModifySecurityGroupRules: returns the rules as they now are.
  Ec2Result<std::vector<StoredRule>> modify(const std::string& group_id,
                                            const std::vector<RuleUpdate>& updates);
  // Sets the descriptions of the rules matching the requests, or named by id.
  Ec2Result<std::vector<StoredRule>> update_descriptions(
      const std::string& group_id, bool egress, const std::vector<RuleRequest>& rules);
  Ec2Result<std::vector<StoredRule>> update_descriptions(
      const std::string& group_id, bool egress, const std::vector<DescriptionUpdate>& updates);

  // A capacity hint before adding `rules` more rules in bulk (the generator).
  void reserve_rules(size_t rules) { rule_index_.reserve(rule_index_.size() + rules); }

  // Tags on groups (sg-) and rules (sgr-).
  Ec2Status create_tags(const std::vector<std::string>& resource_ids, const Tags& tags);
  // An empty `removals` removes every tag, as DeleteTags without tags does.
  Ec2Status delete_tags(const std::vector<std::string>& resource_ids,
                        const std::vector<TagRemoval>& removals);

 private:
  StoredGroup* mutable_group(const std::string& id);
  StoredRule* mutable_rule(const std::string& id);
  Tags* tags_of(const std::string& resource_id);
  Ec2Status check_resource(const std::string& resource_id) const;
  std::string unused_group_id();
  std::string add_vpc();
  // Inserts an already-checked rule.
  const StoredRule& insert_rule(StoredGroup& group, RuleSpec spec, const Tags& tags);
  void erase_rule(StoredGroup& group, const std::string& rule_id);
  // Resolves a referenced group (by name, or by id in this account) and validates.
  Ec2Result<RuleSpec> resolve(const RuleRequest& request, bool egress) const;
  // The rule in `group` that is the same rule as `spec`, or nullptr.
  const StoredRule* match(const StoredGroup& group, const RuleSpec& spec) const;
  size_t count_rules(const StoredGroup& group, bool egress) const;

  std::string account_;
  std::string region_;
  IdSource& ids_;
  std::string default_vpc_;
  std::set<std::string> vpcs_;
  std::map<std::string, StoredGroup> groups_;                            // by id
  std::map<std::pair<std::string, std::string>, std::string> by_name_;  // (vpc, name) -> id
  // Rule id -> group id. Hashed, not ordered: seeding inserts 100,000 random ids, and an
  // ordered tree of them costs a cache miss per level. The order paging needs is built on
  // demand instead, once per change.
  std::unordered_map<std::string, std::string> rule_index_;
  mutable std::vector<const std::string*> sorted_rule_ids_;
  mutable bool sorted_rule_ids_valid_ = false;
};

// Every account and region the emulator has seen, each made on first use.
class Ec2Model {
 public:
  explicit Ec2Model(uint64_t id_seed) : ids_(id_seed) {}

  Ec2Scope& scope(const std::string& account, const std::string& region);
  IdSource& ids() { return ids_; }

 private:
  IdSource ids_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Ec2Scope>> scopes_;
};

// Tags as EC2 accepts them: keys 1-127 characters, not starting with "aws:"; values up to
// 255 characters.
Ec2Status validate_tags(const Tags& tags);

// EC2's limits: tags per resource, and rules per group and direction (the adjustable
// quota's ceiling, so large seeded groups fit).
inline constexpr size_t kMaxTagsPerResource = 50;
inline constexpr size_t kMaxRulesPerDirection = 1000;

}  // namespace sgwatch::emulator
