#include "notify/slack_message.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sgwatch {
namespace {

using nlohmann::json;

// Slack's mrkdwn treats &, < and > as markup (links, mentions): they must be entities.
std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

// Inside `code`, a backtick would end the span early.
std::string code(std::string_view text) {
  std::string inner = escaped(text);
  for (char& c : inner) {
    if (c == '`') c = '\'';
  }
  return "`" + inner + "`";
}

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence, marking the cut
// with "…". Slack counts characters; counting bytes stays within its limit.
std::string fitted(const std::string& text, size_t limit) {
  if (text.size() <= limit) return text;
  const std::string mark = "…";
  size_t cut = limit - mark.size();
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + mark;
}

std::string marker(std::string_view severity) {
  if (severity == "critical") return ":red_circle:";
  if (severity == "high") return ":large_orange_circle:";
  if (severity == "medium") return ":large_yellow_circle:";
  if (severity == "low") return ":large_blue_circle:";
  return ":white_circle:";
}

// Verbatim: Slack then neither links bare URLs nor turns "@here" or "#channel" in text from
// AWS into a mention; *bold*, `code` and :emoji: still render.
json mrkdwn(const std::string& text) {
  return {{"type", "mrkdwn"}, {"text", text}, {"verbatim", true}};
}

// Builds the blocks, keeping count of what did not fit.
class Blocks {
 public:
  void add(json block) {
    if (blocks_.size() < SlackLimits::kBlocks - 1) {
      blocks_.push_back(std::move(block));
    } else {
      ++dropped_lines_;
    }
  }

  // A titled list, as many sections as it takes, each within the section limit.
  void list(const std::string& title, const std::vector<std::string>& lines) {
    if (lines.empty()) return;
    std::string text = "*" + title + "*";
    size_t in_text = 0;
    for (const std::string& line : lines) {
      // A single line longer than a section is cut, so it still fits in one.
      std::string bullet = "\n• " + fitted(line, SlackLimits::kSectionText / 2);
      if (text.size() + bullet.size() > SlackLimits::kSectionText) {
        flush(text, in_text);
        text = "*" + title + " (continued)*";
        in_text = 0;
      }
      text += bullet;
      ++in_text;
    }
    flush(text, in_text);
  }

  json finish(const std::string& context) {
    json elements = json::array({mrkdwn(fitted(context, SlackLimits::kSectionText))});
    if (dropped_lines_ > 0) {
      elements.push_back(mrkdwn(fmt::format(
          "{} more line{} not shown: Slack allows {} blocks. `sgwatch history` has them all.",
          dropped_lines_, dropped_lines_ == 1 ? "" : "s", SlackLimits::kBlocks)));
    }
    blocks_.push_back({{"type", "context"}, {"elements", elements}});
    return blocks_;
  }

 private:
  void flush(const std::string& text, size_t lines) {
    if (blocks_.size() < SlackLimits::kBlocks - 1) {
      blocks_.push_back({{"type", "section"}, {"text", mrkdwn(text)}});
    } else {
      dropped_lines_ += lines;
    }
  }

  json blocks_ = json::array();
  size_t dropped_lines_ = 0;
};

std::vector<std::string> code_lines(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const std::string& line : lines) out.push_back(code(line));
  return out;
}

std::vector<std::string> finding_lines(const std::vector<FindingView>& findings) {
  std::vector<std::string> out;
  for (const FindingView& finding : findings) {
    out.push_back(fmt::format("{} *{}* {}", marker(finding.severity),
                              severity_label(finding.severity), escaped(finding.message)));
  }
  return out;
}

std::string who(const CallerView& caller) {
  if (caller.actor.empty()) return "unknown";
  return caller.actor_type.empty() ? code(caller.actor)
                                   : fmt::format("{} ({})", code(caller.actor),
                                                 escaped(caller.actor_type));
}

std::string from_where(const CallerView& caller) {
  std::string out = escaped(caller.source_ip.empty() ? "unknown" : caller.source_ip);
  if (!caller.agent_class.empty()) out += " · " + escaped(caller.agent_class);
  return out;
}

json fields(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json out = json::array();
  for (const auto& [name, value] : pairs) {
    if (out.size() == SlackLimits::kFields) break;
    out.push_back(mrkdwn(fitted(fmt::format("*{}*\n{}", name, value), SlackLimits::kFieldText)));
  }
  return out;
}

void add_item(Blocks& blocks, const ItemView& item, bool first) {
  if (!first && !item.callers.empty()) {
    const CallerView& caller = item.callers.front();
    blocks.add({{"type", "section"},
                {"text", mrkdwn(fitted(fmt::format("*Then* by {} from {} at {}", who(caller),
                                                   from_where(caller),
                                                   escaped(caller.event_time)),
                                       SlackLimits::kSectionText))}});
  }
  if (!item.error.empty()) {
    const CallerView& caller = item.callers.front();
    blocks.list("Refused call", {fmt::format("{} — {}", code(caller.event_name),
                                             escaped(item.error))});
  }
  if (item.what == "created" || item.what == "deleted") {
    blocks.list("Group " + item.what, {"The whole group was " + item.what + "."});
  }
  blocks.list("Added", code_lines(item.added));
  blocks.list("Removed", code_lines(item.removed));
  blocks.list("Modified", code_lines(item.modified));
  std::vector<std::string> other;
  for (const std::string& line : item.other) other.push_back(escaped(line));
  blocks.list("Other changes", other);
  blocks.list("Findings", finding_lines(item.findings));
  for (size_t i = 1; i < item.callers.size(); ++i) {
    blocks.list("Also by", {fmt::format("{} from {} at {}", who(item.callers[i]),
                                        from_where(item.callers[i]),
                                        escaped(item.callers[i].event_time))});
  }
}

}  // namespace

json slack_message(const AlertView& alert) {
  Blocks blocks;
  const std::string level = severity_label(alert.severity);
  blocks.add({{"type", "header"},
              {"text",
               {{"type", "plain_text"},
                {"text", fitted(fmt::format("{} {}", level, alert.subject()),
                                SlackLimits::kHeaderText)}}}});

  std::vector<std::pair<std::string, std::string>> facts = {{"Account", escaped(alert.account)},
                                                            {"Region", escaped(alert.region)}};
  if (alert.kind == "baseline") {
    facts.emplace_back("Groups", std::to_string(alert.baseline_groups));
    facts.emplace_back("Findings", std::to_string(alert.baseline_findings.size()));
    blocks.add({{"type", "section"}, {"fields", fields(facts)}});
    blocks.list("First snapshot of this scope: findings present",
                finding_lines(alert.baseline_findings));
  } else if (alert.kind == "health") {
    facts.emplace_back("Problem", escaped(alert.health.problem));
    if (!alert.health.since.empty()) facts.emplace_back("Since", escaped(alert.health.since));
    blocks.add({{"type", "section"}, {"fields", fields(facts)}});
    blocks.add({{"type", "section"},
                {"text", mrkdwn(fitted(escaped(alert.health.summary), SlackLimits::kSectionText))}});
    std::vector<std::string> details;
    for (const auto& [name, value] : alert.health.details) {
      details.push_back(escaped(name) + ": " + escaped(value));
    }
    blocks.list("Details", details);
  } else if (!alert.items.empty()) {
    const ItemView& first = alert.items.front();
    if (!first.callers.empty()) {
      const CallerView& caller = first.callers.front();
      facts.emplace_back("Who", who(caller));
      facts.emplace_back("From", from_where(caller));
      facts.emplace_back("When", escaped(caller.event_time));
    } else {
      facts.emplace_back("Who", "not known yet");
      facts.emplace_back("Observed", escaped(first.observed_at));
    }
    facts.emplace_back("Attribution", attribution_text(first));
    blocks.add({{"type", "section"}, {"fields", fields(facts)}});
    for (size_t i = 0; i < alert.items.size(); ++i) add_item(blocks, alert.items[i], i == 0);
  }

  std::string context = "sgwatch · alert " + code(alert.id);
  if (!alert.items.empty() && alert.items.front().revision) {
    context += fmt::format(" · revision {}", *alert.items.front().revision);
  }
  if (!alert.items.empty() && !alert.items.front().callers.empty() &&
      !alert.items.front().callers.front().user_agent.empty()) {
    context += " · " + escaped(alert.items.front().callers.front().user_agent);
  }
  // The fallback is what notifications show: the headline, escaped like any mrkdwn.
  return {{"text", fitted(escaped(alert.headline()), SlackLimits::kSectionText)},
          {"blocks", blocks.finish(context)}};
}

std::string slack_message_text(const json& message) {
  std::string out;
  for (const json& block : message.value("blocks", json::array())) {
    const std::string type = block.value("type", "");
    if (block.contains("text") && block["text"].contains("text")) {
      out += block["text"]["text"].get<std::string>() + "\n";
    }
    if (block.contains("fields")) {
      for (const json& field : block["fields"]) {
        std::string text = field.value("text", "");
        if (size_t newline = text.find('\n'); newline != std::string::npos) text[newline] = ' ';
        out += "  " + text + "\n";
      }
    }
    if (type == "context") {
      for (const json& element : block["elements"]) out += element.value("text", "") + "\n";
    }
    if (type == "header") out += std::string(40, '-') + "\n";
  }
  return out;
}

}  // namespace sgwatch
