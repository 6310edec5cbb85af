// How a change with its caller looks: on the terminal (text, times in the display zone)
// and as JSON (the change record of change_record.h with "revision", "attribution" and
// "findings" added). Shared by `once`, `watch` and `changes`; also how attempts (refused
// calls against watched groups) look. Pure: builds strings and documents.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "attribution/change_view.h"
#include "core/display_zone.h"
#include "risk/finding.h"
#include "risk/risk_policy.h"
#include "trail/api_call.h"

namespace sgwatch {

// The call as the "calls" of an attribution and the "attempts" of a report show it: event
// id, name, time, actor, source IP, user agent and its class, error.
nlohmann::json call_json(const ApiCall& call);

// {"state": "pending"|"attributed"|"unattributed"|null, "calls": [...], "lookups": n,
//  "window": {"from", "to"}}; state null when attribution was off.
nlohmann::json attribution_json(const ChangeView& view);

// The findings the change brings (findings_introduced); none without a policy.
std::vector<Finding> change_findings(const ChangeView& view, const RiskPolicy* risk);

nlohmann::json findings_json(const std::vector<Finding>& findings);
std::string findings_text(const std::vector<Finding>& findings);

// The change record of the view's change, with attribution and findings.
nlohmann::json change_view_json(const ChangeView& view, const std::vector<Finding>& findings);

// "sg-0abc (web) modified in 111122223333/eu-west-1, observed 2026-...", the diff, who
// made it (or that this is not known yet, with `wait`), and the findings.
std::string change_view_text(const ChangeView& view, const std::vector<Finding>& findings,
                             const DisplayZone& zone, std::chrono::milliseconds wait);

// "Attempt on sg-0abc by arn:... (IAMUser) from 203.0.113.5 with awscli (...) at ...:
// AuthorizeSecurityGroupIngress, event ... refused: Client.UnauthorizedOperation (...)".
std::string attempt_text(const ApiCall& call, const DisplayZone& zone);

}  // namespace sgwatch
