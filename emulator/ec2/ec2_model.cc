#include "emulator/ec2/ec2_model.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace sgwatch::emulator {
namespace {

constexpr std::string_view kNameCharacters = "._-:/()#,@[]+=&;{}!$* ";

bool allowed_group_text(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           kNameCharacters.find(c) != std::string_view::npos;
  });
}

Ec2Status validate_group_fields(const std::string& name, const std::string& description) {
  if (name.empty()) return missing_parameter("GroupName");
  if (description.empty()) return missing_parameter("GroupDescription");
  if (name.size() > 255 || !allowed_group_text(name)) {
    return invalid_value("Value (" + name +
                         ") for parameter GroupName is invalid. Names are up to 255 "
                         "characters from a-zA-Z0-9 and ._-:/()#,@[]+=&;{}!$* and space.");
  }
  if (name.rfind("sg-", 0) == 0) {
    return invalid_value("Group names may not be in the format sg-*");
  }
  if (description.size() > 255 || !allowed_group_text(description)) {
    return invalid_value("Value (" + description +
                         ") for parameter GroupDescription is invalid. Descriptions are up to "
                         "255 characters from a-zA-Z0-9 and ._-:/()#,@[]+=&;{}!$* and space.");
  }
  return {};
}

}  // namespace

Ec2Status validate_tags(const Tags& tags) {
  for (const auto& [key, value] : tags) {
    if (key.empty()) return invalid_value("Tag keys must not be empty.");
    if (key.size() > 127) {
      return invalid_value("Tag key exceeds the maximum length of 127 characters: " + key);
    }
    if (key.rfind("aws:", 0) == 0) {
      return invalid_value("Tag keys starting with 'aws:' are reserved for internal use");
    }
    if (value.size() > 255) {
      return invalid_value("Tag value exceeds the maximum length of 255 characters: " + key);
    }
  }
  return {};
}

Ec2Scope::Ec2Scope(std::string account, std::string region, IdSource& ids)
    : account_(std::move(account)), region_(std::move(region)), ids_(ids) {
  default_vpc_ = add_vpc();
}

std::string Ec2Scope::create_vpc() { return add_vpc(); }

std::string Ec2Scope::add_vpc() {
  std::string vpc;
  do {
    vpc = ids_.next("vpc");
  } while (vpcs_.count(vpc) != 0);
  vpcs_.insert(vpc);

  // Every VPC comes with a "default" group: all traffic from members of the group itself,
  // all traffic out to anywhere.
  StoredGroup group;
  group.id = unused_group_id();
  group.name = "default";
  group.description = "default VPC security group";
  group.vpc_id = vpc;
  group.owner_id = account_;
  StoredGroup& stored = groups_.emplace(group.id, std::move(group)).first->second;
  by_name_[{vpc, "default"}] = stored.id;

  RuleSpec from_self;
  from_self.protocol = "-1";
  from_self.peer = Peer{PeerKind::kGroup, stored.id, account_, "", ""};
  insert_rule(stored, std::move(from_self), {});
  RuleSpec to_anywhere;
  to_anywhere.egress = true;
  to_anywhere.protocol = "-1";
  to_anywhere.peer = Peer{PeerKind::kIpv4, "0.0.0.0/0", "", "", ""};
  insert_rule(stored, std::move(to_anywhere), {});
  return vpc;
}

std::string Ec2Scope::default_group(const std::string& vpc_id) const {
  auto it = by_name_.find({vpc_id.empty() ? default_vpc_ : vpc_id, "default"});
  return it == by_name_.end() ? "" : it->second;
}

std::string Ec2Scope::unused_group_id() {
  // 68 random bits make a collision unlikely, not impossible; ids must stay unique.
  std::string id;
  do {
    id = ids_.next("sg");
  } while (groups_.count(id) != 0);
  return id;
}

const StoredGroup* Ec2Scope::find_group(const std::string& id) const {
  auto it = groups_.find(id);
  return it == groups_.end() ? nullptr : &it->second;
}

StoredGroup* Ec2Scope::mutable_group(const std::string& id) {
  auto it = groups_.find(id);
  return it == groups_.end() ? nullptr : &it->second;
}

const std::vector<const std::string*>& Ec2Scope::sorted_rule_ids() const {
  if (!sorted_rule_ids_valid_) {
    sorted_rule_ids_.clear();
    sorted_rule_ids_.reserve(rule_index_.size());
    // Keys of an unordered_map stay put when it rehashes; only erasing moves them, and
    // every erase invalidates this list.
    for (const auto& [id, group] : rule_index_) sorted_rule_ids_.push_back(&id);
    std::sort(sorted_rule_ids_.begin(), sorted_rule_ids_.end(),
              [](const std::string* a, const std::string* b) { return *a < *b; });
    sorted_rule_ids_valid_ = true;
  }
  return sorted_rule_ids_;
}

const StoredRule* Ec2Scope::find_rule(const std::string& id) const {
  return const_cast<Ec2Scope*>(this)->mutable_rule(id);
}

StoredRule* Ec2Scope::mutable_rule(const std::string& id) {
  auto index = rule_index_.find(id);
  if (index == rule_index_.end()) return nullptr;
  StoredGroup* group = mutable_group(index->second);
  if (group == nullptr) return nullptr;
  for (StoredRule& rule : group->rules) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

Ec2Result<const StoredGroup*> Ec2Scope::group_by_id(const std::string& id) const {
  if (!is_resource_id(id, "sg")) return malformed_id("InvalidGroupId.Malformed", id, "sg-");
  const StoredGroup* group = find_group(id);
  if (group == nullptr) return group_not_found(id);
  return group;
}

Ec2Result<const StoredGroup*> Ec2Scope::group_by_name(const std::string& name) const {
  auto it = by_name_.find({default_vpc_, name});
  if (it == by_name_.end()) return group_name_not_found(name, default_vpc_);
  return find_group(it->second);
}

Ec2Result<std::string> Ec2Scope::create_group(const std::string& name,
                                              const std::string& description,
                                              const std::string& vpc_id, const Tags& tags) {
  if (auto ok = validate_group_fields(name, description); !ok) return tl::unexpected(ok.error());
  const std::string vpc = vpc_id.empty() ? default_vpc_ : vpc_id;
  if (!has_vpc(vpc)) {
    return ec2_fail("InvalidVpcID.NotFound", "The vpc ID '" + vpc + "' does not exist");
  }
  if (by_name_.count({vpc, name}) != 0) {
    return ec2_fail("InvalidGroup.Duplicate",
                    "The security group '" + name + "' already exists for VPC '" + vpc + "'");
  }
  if (auto ok = validate_tags(tags); !ok) return tl::unexpected(ok.error());
  if (tags.size() > kMaxTagsPerResource) {
    return ec2_fail("TagLimitExceeded", "The maximum number of Tags for a resource has been "
                                        "reached.");
  }

  StoredGroup group;
  group.id = unused_group_id();
  group.name = name;
  group.description = description;
  group.vpc_id = vpc;
  group.owner_id = account_;
  group.tags = tags;
  StoredGroup& stored = groups_.emplace(group.id, std::move(group)).first->second;
  by_name_[{vpc, name}] = stored.id;

  RuleSpec to_anywhere;
  to_anywhere.egress = true;
  to_anywhere.protocol = "-1";
  to_anywhere.peer = Peer{PeerKind::kIpv4, "0.0.0.0/0", "", "", ""};
  insert_rule(stored, std::move(to_anywhere), {});
  return stored.id;
}

Ec2Status Ec2Scope::delete_group(const std::string& group_id) {
  auto found = group_by_id(group_id);
  if (!found) return tl::unexpected(found.error());
  const StoredGroup& group = **found;
  if (group.name == "default") {
    return ec2_fail("CannotDelete", "the specified group: \"" + group.id + "\" name: \"" +
                                        group.name + "\" cannot be deleted by a user");
  }
  for (const auto& [other_id, other] : groups_) {
    if (other_id == group.id) continue;
    for (const StoredRule& rule : other.rules) {
      if (rule.spec.peer.kind == PeerKind::kGroup && rule.spec.peer.value == group.id) {
        return ec2_fail("DependencyViolation",
                        "resource " + group.id + " has a dependent object");
      }
    }
  }
  const std::string id = group.id;
  for (const StoredRule& rule : group.rules) rule_index_.erase(rule.id);
  sorted_rule_ids_valid_ = false;
  by_name_.erase({group.vpc_id, group.name});
  groups_.erase(id);
  return {};
}

Tags* Ec2Scope::tags_of(const std::string& resource_id) {
  if (auto group = groups_.find(resource_id); group != groups_.end()) return &group->second.tags;
  if (StoredRule* rule = mutable_rule(resource_id)) return &rule->tags;
  return nullptr;
}

Ec2Status Ec2Scope::check_resource(const std::string& id) const {
  if (id.rfind("sgr-", 0) == 0) {
    if (!is_resource_id(id, "sgr")) {
      return malformed_id("InvalidSecurityGroupRuleId.Malformed", id, "sgr-");
    }
    if (find_rule(id) == nullptr) return rule_id_not_found(id);
    return {};
  }
  if (id.rfind("sg-", 0) == 0) {
    auto group = group_by_id(id);
    if (!group) return tl::unexpected(group.error());
    return {};
  }
  return ec2_fail("InvalidID", "The ID '" + id + "' is not valid");
}

Ec2Status Ec2Scope::create_tags(const std::vector<std::string>& resource_ids,
                                const Tags& tags) {
  if (resource_ids.empty()) return missing_parameter("ResourceId.1");
  if (tags.empty()) return missing_parameter("Tag.1.Key");
  if (auto ok = validate_tags(tags); !ok) return ok;
  for (const std::string& id : resource_ids) {
    if (auto ok = check_resource(id); !ok) return ok;
    Tags merged = *tags_of(id);
    for (const auto& [key, value] : tags) merged[key] = value;
    if (merged.size() > kMaxTagsPerResource) {
      return ec2_fail("TagLimitExceeded",
                      "The maximum number of Tags for a resource has been reached.");
    }
  }
  for (const std::string& id : resource_ids) {
    Tags& target = *tags_of(id);
    for (const auto& [key, value] : tags) target[key] = value;
  }
  return {};
}

Ec2Status Ec2Scope::delete_tags(const std::vector<std::string>& resource_ids,
                                const std::vector<TagRemoval>& removals) {
  if (resource_ids.empty()) return missing_parameter("ResourceId.1");
  for (const std::string& id : resource_ids) {
    if (auto ok = check_resource(id); !ok) return ok;
  }
  for (const std::string& id : resource_ids) {
    Tags& target = *tags_of(id);
    if (removals.empty()) {
      target.clear();
      continue;
    }
    for (const TagRemoval& removal : removals) {
      auto it = target.find(removal.key);
      if (it != target.end() && (!removal.value || it->second == *removal.value)) {
        target.erase(it);
      }
    }
  }
  return {};
}

Ec2Scope& Ec2Model::scope(const std::string& account, const std::string& region) {
  auto& slot = scopes_[{account, region}];
  if (!slot) slot = std::make_unique<Ec2Scope>(account, region, ids_);
  return *slot;
}

}  // namespace sgwatch::emulator
