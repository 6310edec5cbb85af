// The other side of a rule: exactly one of an IPv4 block, an IPv6 block, a managed prefix
// list, or another security group (possibly in another account, VPC or peered VPC).
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <variant>

#include "core/cidr.h"
#include "core/ids.h"

namespace sgwatch {

struct GroupRef {
  GroupId group;
  std::optional<AccountId> user;       // the referenced group's account
  std::optional<VpcId> vpc;            // set for references across VPCs
  std::optional<PeeringId> peering;    // set for references through VPC peering

  auto operator<=>(const GroupRef&) const = default;
  bool operator==(const GroupRef&) const = default;
};

// Cidr carries its family, so one alternative serves IPv4 and IPv6.
using Peer = std::variant<Cidr, PrefixListId, GroupRef>;

// "0.0.0.0/0", "2001:db8::/32", "prefix list pl-12345678", "sg-12345678 (account 1234...)".
std::string describe_peer(const Peer& peer);
// True when the peer is every IPv4 or IPv6 address.
bool is_world(const Peer& peer);

}  // namespace sgwatch
