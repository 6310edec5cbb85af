#include "core/ip_permission.h"

#include <algorithm>
#include <type_traits>

namespace sgwatch {
namespace {

std::string at(std::string_view list, size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

// Parses an optional id field, prefixing any error with the field's path.
template <typename Id>
Result<std::optional<Id>> optional_pair_id(const std::optional<std::string>& text,
                                      const std::string& path) {
  if (!text || text->empty()) return std::optional<Id>();
  auto id = Id::parse(*text);
  if (!id) return tl::unexpected(id.error().within(path));
  return std::optional<Id>(*id);
}

// `path` makes the pair's field path, only when an error needs it.
template <typename PathFn>
Result<Peer> group_peer(const IpPermission::GroupPair& pair, PathFn path) {
  auto group = GroupId::parse(pair.group_id);
  if (!group) return tl::unexpected(group.error().within(path() + ".GroupId"));
  // optional_pair_id names the field (".UserId: ..."); the pair's own path goes in front.
  auto under_path = [&](const Error& e) { return tl::unexpected(Error{e.code, path() + e.message}); };
  auto user = optional_pair_id<AccountId>(pair.user_id, ".UserId");
  if (!user) return under_path(user.error());
  auto vpc = optional_pair_id<VpcId>(pair.vpc_id, ".VpcId");
  if (!vpc) return under_path(vpc.error());
  auto peering = optional_pair_id<PeeringId>(pair.peering_id, ".VpcPeeringConnectionId");
  if (!peering) return under_path(peering.error());
  return Peer(GroupRef{*group, *user, *vpc, *peering});
}

}  // namespace

namespace {

// Shared by both overloads; `Permissions` is const for the copying one. From a vector the
// caller gives up, descriptions are moved rather than copied: a snapshot has one per rule.
template <typename Permissions>
Result<std::vector<Rule>> flatten(Permissions& permissions, Direction direction,
                                  std::string_view list_name) {
  std::vector<Rule> rules;
  size_t peer_count = 0;
  for (const IpPermission& p : permissions) {
    peer_count += p.ipv4_ranges.size() + p.ipv6_ranges.size() + p.prefix_lists.size() +
                  p.group_pairs.size();
  }
  rules.reserve(peer_count);
  for (size_t i = 0; i < permissions.size(); ++i) {
    auto& permission = permissions[i];
    // Built only when an error needs it: this loop runs for every rule of every snapshot.
    auto path = [&] { return at(list_name, i); };
    auto protocol = Protocol::parse(permission.ip_protocol);
    if (!protocol) return tl::unexpected(protocol.error().within(path() + ".IpProtocol"));
    auto ports = PortRange::make(*protocol, permission.from_port, permission.to_port);
    if (!ports) return tl::unexpected(ports.error().within(path() + ".FromPort/ToPort"));

    auto add = [&](Peer peer, auto& description) {
      if constexpr (std::is_const_v<Permissions>) {
        rules.push_back(Rule{direction, *protocol, *ports, std::move(peer), description, {}});
      } else {
        rules.push_back(
            Rule{direction, *protocol, *ports, std::move(peer), std::move(description), {}});
      }
    };
    for (size_t j = 0; j < permission.ipv4_ranges.size(); ++j) {
      auto& range = permission.ipv4_ranges[j];
      auto cidr = Cidr::parse(range.cidr, Cidr::Family::kIpv4);
      if (!cidr) return tl::unexpected(cidr.error().within(at(path() + ".IpRanges", j) + ".CidrIp"));
      add(*cidr, range.description);
    }
    for (size_t j = 0; j < permission.ipv6_ranges.size(); ++j) {
      auto& range = permission.ipv6_ranges[j];
      auto cidr = Cidr::parse(range.cidr, Cidr::Family::kIpv6);
      if (!cidr) {
        return tl::unexpected(cidr.error().within(at(path() + ".Ipv6Ranges", j) + ".CidrIpv6"));
      }
      add(*cidr, range.description);
    }
    for (size_t j = 0; j < permission.prefix_lists.size(); ++j) {
      auto& list = permission.prefix_lists[j];
      auto id = PrefixListId::parse(list.id);
      if (!id) {
        return tl::unexpected(
            id.error().within(at(path() + ".PrefixListIds", j) + ".PrefixListId"));
      }
      add(*id, list.description);
    }
    for (size_t j = 0; j < permission.group_pairs.size(); ++j) {
      auto peer = group_peer(permission.group_pairs[j],
                             [&] { return at(path() + ".UserIdGroupPairs", j); });
      if (!peer) return tl::unexpected(peer.error());
      add(*peer, permission.group_pairs[j].description);
    }
  }
  return rules;
}

}  // namespace

Result<std::vector<Rule>> to_rules(const std::vector<IpPermission>& permissions,
                                   Direction direction, std::string_view list_name) {
  return flatten(permissions, direction, list_name);
}

Result<std::vector<Rule>> to_rules(std::vector<IpPermission>&& permissions, Direction direction,
                                   std::string_view list_name) {
  return flatten(permissions, direction, list_name);
}

std::vector<IpPermission> to_ip_permissions(const std::vector<Rule>& rules, Direction direction) {
  std::vector<const Rule*> selected;
  for (const Rule& rule : rules) {
    if (rule.direction == direction) selected.push_back(&rule);
  }
  std::stable_sort(selected.begin(), selected.end(),
                   [](const Rule* a, const Rule* b) { return identity_less(*a, *b); });

  std::vector<IpPermission> permissions;
  const Rule* previous = nullptr;
  for (const Rule* rule : selected) {
    if (!previous || previous->protocol != rule->protocol || previous->ports != rule->ports) {
      IpPermission permission;
      permission.ip_protocol = rule->protocol.ec2_name();
      if (rule->protocol.has_ports() || rule->protocol.is_icmp()) {
        permission.from_port = rule->ports.from;
        permission.to_port = rule->ports.to;
      }
      permissions.push_back(std::move(permission));
    }
    previous = rule;
    IpPermission& permission = permissions.back();
    if (const auto* cidr = std::get_if<Cidr>(&rule->peer)) {
      auto& ranges = cidr->family() == Cidr::Family::kIpv4 ? permission.ipv4_ranges
                                                            : permission.ipv6_ranges;
      ranges.push_back({cidr->str(), rule->description});
    } else if (const auto* list = std::get_if<PrefixListId>(&rule->peer)) {
      permission.prefix_lists.push_back({list->str(), rule->description});
    } else {
      const auto& ref = std::get<GroupRef>(rule->peer);
      IpPermission::GroupPair pair{ref.group.str(), {}, {}, {}, rule->description};
      if (ref.user) pair.user_id = ref.user->str();
      if (ref.vpc) pair.vpc_id = ref.vpc->str();
      if (ref.peering) pair.peering_id = ref.peering->str();
      permission.group_pairs.push_back(std::move(pair));
    }
  }
  return permissions;
}

}  // namespace sgwatch
