#include "core/rule.h"

#include <iterator>

#include <fmt/compile.h>
#include <fmt/format.h>

namespace sgwatch {

std::string to_string(Direction direction) {
  return direction == Direction::kIngress ? "ingress" : "egress";
}

std::string Rule::key_string() const {
  std::string out;
  append_key(out);
  return out;
}

void Rule::append_key(std::string& out) const {
  auto sink = std::back_inserter(out);
  fmt::format_to(sink, FMT_COMPILE("{}|{}|{}|{}|"), direction == Direction::kIngress ? "ingress" : "egress",
                 protocol.number(), ports.from, ports.to);
  if (const auto* cidr = std::get_if<Cidr>(&peer)) {
    cidr->append_to(out);
  } else if (const auto* list = std::get_if<PrefixListId>(&peer)) {
    out += list->view();
  } else {
    const auto& ref = std::get<GroupRef>(peer);
    fmt::format_to(sink, FMT_COMPILE("{}/{}/{}/{}"), ref.group.view(), ref.user ? ref.user->view() : "",
                   ref.vpc ? ref.vpc->view() : "", ref.peering ? ref.peering->view() : "");
  }
}

std::string Rule::summary() const {
  return to_string(direction) + " " + describe_traffic(protocol, ports) +
         (direction == Direction::kIngress ? " from " : " to ") + describe_peer(peer);
}

}  // namespace sgwatch
