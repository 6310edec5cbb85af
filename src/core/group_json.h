// A group's canonical content as JSON: the store's on-disk form and the `--output json`
// form. Atomic rules, one object each:
//   {"direction":"ingress","protocol":"tcp","from_port":22,"to_port":22,
//    "cidr":"10.0.0.0/8","description":"office"}
// with exactly one peer key: "cidr" (IPv4 or IPv6), "prefix_list", or
// "group": {"id","user","vpc","peering"}. "from_port"/"to_port" appear where the protocol
// has them (tcp/udp ports, icmp type/code); "rule_id" only when asked for.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/error.h"
#include "core/group.h"

namespace sgwatch {

nlohmann::json rule_to_json(const Rule& rule, bool with_rule_id);
nlohmann::json group_to_json(const Group& group, bool with_rule_ids);

// Parses what group_to_json wrote; the result is canonical. Errors name the field.
Result<Group> group_from_json(std::string_view text);

}  // namespace sgwatch
