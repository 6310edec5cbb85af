// What `sgwatch changes` narrows by beyond time, group, account and state (which the
// store selects): the caller, a port, a CIDR, the findings' severity. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attribution/change_view.h"
#include "core/cidr.h"
#include "risk/finding.h"

namespace sgwatch {

struct ChangeFilter {
  // Part of the caller's ARN, user or session name, role, or access key id
  // (case-insensitive): "alice", "role/deploy", "AKIA...".
  std::optional<std::string> actor;
  // A rule added, removed or modified lets traffic reach this port: tcp/udp ranges that
  // include it, and rules of all protocols.
  std::optional<int> port;
  // A rule's peer block overlaps this one (either contains the other).
  std::optional<Cidr> cidr;
  // The change brings a finding at least this severe.
  std::optional<Severity> min_severity;
};

// `findings` are those the change brings (findings_introduced).
bool change_matches(const ChangeFilter& filter, const ChangeView& view,
                    const std::vector<Finding>& findings);

}  // namespace sgwatch
