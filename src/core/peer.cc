#include "core/peer.h"

namespace sgwatch {

std::string describe_peer(const Peer& peer) {
  if (const auto* cidr = std::get_if<Cidr>(&peer)) return cidr->str();
  if (const auto* list = std::get_if<PrefixListId>(&peer)) return "prefix list " + list->str();
  const auto& ref = std::get<GroupRef>(peer);
  std::string text = ref.group.str();
  std::string where;
  auto add = [&where](const std::string& part) { where += (where.empty() ? "" : ", ") + part; };
  if (ref.user) add("account " + ref.user->str());
  if (ref.vpc) add(ref.vpc->str());
  if (ref.peering) add(ref.peering->str());
  return where.empty() ? text : text + " (" + where + ")";
}

bool is_world(const Peer& peer) {
  const auto* cidr = std::get_if<Cidr>(&peer);
  return cidr != nullptr && cidr->is_world();
}

}  // namespace sgwatch
