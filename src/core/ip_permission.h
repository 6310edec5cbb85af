// EC2's IpPermission shape (one protocol and port range, many peers) as it arrives from
// any source, with its strings not yet validated, and its conversion to atomic rules and
// back. Every source (describe JSON, EC2 XML, CloudTrail, Config) fills this shape and
// shares the validation here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/rule.h"

namespace sgwatch {

struct IpPermission {
  struct Range {          // IpRanges[] / Ipv6Ranges[]
    std::string cidr;
    std::string description;
  };
  struct PrefixList {     // PrefixListIds[]
    std::string id;
    std::string description;
  };
  struct GroupPair {      // UserIdGroupPairs[]
    std::string group_id;
    std::optional<std::string> user_id;
    std::optional<std::string> vpc_id;
    std::optional<std::string> peering_id;
    std::string description;
  };

  std::string ip_protocol;
  std::optional<int> from_port;
  std::optional<int> to_port;
  std::vector<Range> ipv4_ranges;
  std::vector<Range> ipv6_ranges;
  std::vector<PrefixList> prefix_lists;
  std::vector<GroupPair> group_pairs;
};

// Flattens permissions into atomic rules of `direction`. Errors name the offending field
// as a path under `list_name`, e.g. "IpPermissions[1].IpRanges[0].CidrIp: ...".
Result<std::vector<Rule>> to_rules(const std::vector<IpPermission>& permissions,
                                   Direction direction, std::string_view list_name);
// The same, moving the descriptions out of `permissions`.
Result<std::vector<Rule>> to_rules(std::vector<IpPermission>&& permissions, Direction direction,
                                   std::string_view list_name);

// Regroups the rules of `direction` into permissions, one per protocol and port range,
// in canonical order.
std::vector<IpPermission> to_ip_permissions(const std::vector<Rule>& rules, Direction direction);

}  // namespace sgwatch
