// An alert as a Slack message: Block Kit blocks for the channel and a `text` fallback for
// notifications and clients without blocks. Pure.
//
// Layout: a header (severity, group id and name); fields (account, region, who, from
// where, when, attribution); the added, removed and modified rules and other changes; the
// findings with severity markers; a context line with the alert id.
//
// Slack's limits are kept, never left to Slack to enforce (it refuses the whole message):
// at most 50 blocks, section text at most 3,000 characters, header text 150, a field 2,000,
// 10 fields. Long lists are split over several sections; what still does not fit is left
// out with a closing note saying how many lines were not shown. Text from AWS (rule
// descriptions, user agents) is escaped and every text is verbatim, so it can neither
// mention anyone (@here, <!channel>), nor become a link, nor break the markup.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "notify/alert_view.h"

namespace sgwatch {

struct SlackLimits {
  static constexpr size_t kBlocks = 50;
  static constexpr size_t kSectionText = 3000;
  static constexpr size_t kHeaderText = 150;
  static constexpr size_t kFieldText = 2000;
  static constexpr size_t kFields = 10;
};

// {"text": ..., "blocks": [...]}
nlohmann::json slack_message(const AlertView& alert);

// The message as plain text, for reading on a terminal (`sgwatch demo`): each block's text
// in order, mrkdwn left as written.
std::string slack_message_text(const nlohmann::json& message);

}  // namespace sgwatch
