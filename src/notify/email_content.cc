#include "notify/email_content.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sgwatch {
namespace {

std::string html_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Colours people expect of severities, readable on white.
const char* severity_colour(std::string_view severity) {
  if (severity == "critical") return "#b00020";
  if (severity == "high") return "#d35400";
  if (severity == "medium") return "#b7950b";
  if (severity == "low") return "#1f618d";
  return "#555555";
}

struct Fact {
  std::string name;
  std::string value;
};

std::vector<Fact> facts_of(const AlertView& alert) {
  std::vector<Fact> facts;
  if (alert.kind == "health") {
    facts.push_back({"About", alert.health.subject});
    facts.push_back({"Account", alert.account});
    facts.push_back({"Region", alert.region});
    if (!alert.health.since.empty()) facts.push_back({"Since", alert.health.since});
    for (const auto& [name, value] : alert.health.details) facts.push_back({name, value});
    return facts;
  }
  if (alert.kind != "baseline") facts.push_back({"Group", alert.subject()});
  facts.push_back({"Account", alert.account});
  facts.push_back({"Region", alert.region});
  if (alert.kind == "baseline") {
    facts.push_back({"Groups", std::to_string(alert.baseline_groups)});
    return facts;
  }
  if (alert.items.empty()) return facts;
  const ItemView& first = alert.items.front();
  if (first.callers.empty()) {
    facts.push_back({"Who", "not known yet"});
    facts.push_back({"Observed", first.observed_at});
  } else {
    const CallerView& caller = first.callers.front();
    facts.push_back({"Who", caller.actor_type.empty()
                                ? caller.actor
                                : fmt::format("{} ({})", caller.actor, caller.actor_type)});
    std::string from = caller.source_ip.empty() ? "unknown" : caller.source_ip;
    if (!caller.agent_class.empty()) from += " (" + caller.agent_class + ")";
    facts.push_back({"From", from});
    if (!caller.user_agent.empty()) facts.push_back({"User agent", caller.user_agent});
    facts.push_back({"When", caller.event_time});
  }
  facts.push_back({"Attribution", attribution_text(first)});
  return facts;
}

struct Section {
  std::string title;
  std::string mark;  // the plain text's bullet
  std::vector<std::string> lines;
};

std::vector<Section> sections_of(const ItemView& item) {
  std::vector<Section> out;
  if (!item.error.empty()) {
    out.push_back({"Refused call", "!", {item.callers.front().event_name + ": " + item.error}});
  }
  if (item.what == "created" || item.what == "deleted") {
    out.push_back({"Group " + item.what, "*", {"The whole group was " + item.what + "."}});
  }
  out.push_back({"Added", "+", item.added});
  out.push_back({"Removed", "-", item.removed});
  out.push_back({"Modified", "~", item.modified});
  out.push_back({"Other changes", "*", item.other});
  for (size_t i = 1; i < item.callers.size(); ++i) {
    const CallerView& caller = item.callers[i];
    out.push_back({"Also by", "*",
                   {fmt::format("{} from {} at {}", caller.actor, caller.source_ip,
                                caller.event_time)}});
  }
  std::erase_if(out, [](const Section& section) { return section.lines.empty(); });
  return out;
}

std::string footer(const AlertView& alert, bool to_owners) {
  std::string out = "sgwatch alert " + alert.id;
  if (!alert.items.empty() && alert.items.front().revision) {
    out += fmt::format(", revision {}", *alert.items.front().revision);
  }
  out += ". ";
  out += to_owners ? "You get this because the group's owner tag lists this address."
                   : "You get this because sgwatch's routes send these alerts here.";
  return out;
}

std::string text_of(const AlertView& alert, bool to_owners) {
  std::string out = alert.summary() + "\n\n";
  for (const Fact& fact : facts_of(alert)) {
    out += fmt::format("{:<13}{}\n", fact.name + ":", fact.value);
  }
  auto add_findings = [&](const std::vector<FindingView>& findings) {
    if (findings.empty()) return;
    out += "\nFindings\n";
    for (const FindingView& finding : findings) {
      out += fmt::format("  [{}] {}\n", severity_label(finding.severity), finding.message);
    }
  };
  if (alert.kind == "baseline") add_findings(alert.baseline_findings);
  for (const ItemView& item : alert.items) {
    if (&item != &alert.items.front() && !item.callers.empty()) {
      out += fmt::format("\nThen, by {} at {}\n", item.callers.front().actor,
                         item.callers.front().event_time);
    }
    for (const Section& section : sections_of(item)) {
      out += "\n" + section.title + "\n";
      for (const std::string& line : section.lines) out += "  " + section.mark + " " + line + "\n";
    }
    add_findings(item.findings);
  }
  return out + "\n-- \n" + footer(alert, to_owners) + "\n";
}

std::string html_of(const AlertView& alert, bool to_owners) {
  std::string out =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n"
      "<body style=\"font-family:sans-serif;font-size:14px;color:#222\">\n";
  out += fmt::format("<h2 style=\"margin:0 0 12px 0\"><span style=\"color:{}\">{}</span> {}</h2>\n",
                     severity_colour(alert.severity), severity_label(alert.severity),
                     html_escaped(alert.summary()));
  out += "<table style=\"border-collapse:collapse\">\n";
  for (const Fact& fact : facts_of(alert)) {
    out += fmt::format(
        "<tr><th style=\"text-align:left;padding:2px 12px 2px 0\">{}</th><td>{}</td></tr>\n",
        html_escaped(fact.name), html_escaped(fact.value));
  }
  out += "</table>\n";
  auto add_findings = [&](const std::vector<FindingView>& findings) {
    if (findings.empty()) return;
    out += "<h3>Findings</h3>\n<ul>\n";
    for (const FindingView& finding : findings) {
      out += fmt::format("<li><b style=\"color:{}\">{}</b> {}</li>\n",
                         severity_colour(finding.severity), severity_label(finding.severity),
                         html_escaped(finding.message));
    }
    out += "</ul>\n";
  };
  if (alert.kind == "baseline") add_findings(alert.baseline_findings);
  for (const ItemView& item : alert.items) {
    if (&item != &alert.items.front() && !item.callers.empty()) {
      out += fmt::format("<p><b>Then</b>, by <code>{}</code> at {}</p>\n",
                         html_escaped(item.callers.front().actor),
                         html_escaped(item.callers.front().event_time));
    }
    for (const Section& section : sections_of(item)) {
      out += "<h3>" + html_escaped(section.title) + "</h3>\n<ul>\n";
      for (const std::string& line : section.lines) {
        out += "<li><code>" + html_escaped(line) + "</code></li>\n";
      }
      out += "</ul>\n";
    }
    add_findings(item.findings);
  }
  out += "<p style=\"color:#777;font-size:12px\">" + html_escaped(footer(alert, to_owners)) +
         "</p>\n</body></html>\n";
  return out;
}

}  // namespace

EmailContent email_content(const AlertView& alert, bool to_owners) {
  return EmailContent{alert.headline(), text_of(alert, to_owners), html_of(alert, to_owners)};
}

EmailComposer email_composer(EmailSettings settings) {
  return [settings = std::move(settings)](const Alert& alert) -> Result<OutgoingEmail> {
    auto view = read_alert_view(alert.body, settings.zone);
    if (!view) return tl::unexpected(view.error());
    const bool to_owners = !alert.recipients.empty();
    std::vector<std::string> recipients = to_owners ? alert.recipients : settings.to;
    if (recipients.empty()) {
      return invalid(fmt::format(
          "alert {} has no recipient: its group has no owner address and the destination "
          "no `to`",
          alert.id));
    }
    // One bad address (read from a tag by an older sgwatch, say) must not keep the alert
    // from everyone else.
    std::erase_if(recipients, [&alert](const std::string& address) {
      auto checked = check_email_address(address);
      if (!checked) spdlog::warn("Alert {}: {}; left out.", alert.id, checked.error().message);
      return !checked;
    });
    if (recipients.empty()) {
      return invalid(fmt::format("alert {} has no valid recipient address", alert.id));
    }
    const std::string from = bare_address(settings.from);
    const std::string domain = from.substr(from.find('@') + 1);
    EmailHeaders headers{
        .from = settings.from,
        .to = recipients,
        .message_id = fmt::format("<{}@{}>", alert.id, domain),
        .date = alert.created_at,
        .list_id = fmt::format("sgwatch alerts <{}.sgwatch.{}>", alert.destination, domain),
        .extra = {{"X-Sgwatch-Alert-Id", alert.id},
                  {"X-Sgwatch-Severity", view->severity.empty() ? "none" : view->severity},
                  {"Auto-Submitted", "auto-generated"},
                  {"X-Auto-Response-Suppress", "All"}}};
    OutgoingEmail email{.from = from,
                        .recipients = recipients,
                        .message_id = headers.message_id,
                        .mime = compose_mime(headers, email_content(*view, to_owners))};
    return email;
  };
}

}  // namespace sgwatch
