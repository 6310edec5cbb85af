#include "core/rule.h"

namespace sgwatch {

std::string to_string(Direction direction) {
  return direction == Direction::kIngress ? "ingress" : "egress";
}

std::string Rule::key_string() const {
  std::string peer_text;
  if (const auto* cidr = std::get_if<Cidr>(&peer)) {
    peer_text = cidr->str();
  } else if (const auto* list = std::get_if<PrefixListId>(&peer)) {
    peer_text = list->str();
  } else {
    const auto& ref = std::get<GroupRef>(peer);
    peer_text = ref.group.str() + "/" + (ref.user ? ref.user->str() : "") + "/" +
                (ref.vpc ? ref.vpc->str() : "") + "/" + (ref.peering ? ref.peering->str() : "");
  }
  return to_string(direction) + "|" + std::to_string(protocol.number()) + "|" +
         std::to_string(ports.from) + "|" + std::to_string(ports.to) + "|" + peer_text;
}

std::string Rule::summary() const {
  return to_string(direction) + " " + describe_traffic(protocol, ports) +
         (direction == Direction::kIngress ? " from " : " to ") + describe_peer(peer);
}

}  // namespace sgwatch
