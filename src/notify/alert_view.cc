#include "notify/alert_view.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/time_format.h"

namespace sgwatch {
namespace {

using nlohmann::json;

std::string text(const json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

const json& array_at(const json& object, const char* key) {
  static const json kEmpty = json::array();
  auto found = object.find(key);
  return found != object.end() && found->is_array() ? *found : kEmpty;
}

std::optional<long long> integer(const json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_number_integer()) return std::nullopt;
  return found->get<long long>();
}

// An ISO time from the document in the display zone; kept as written when unreadable.
std::string shown_time(const std::string& iso, const DisplayZone& zone) {
  if (iso.empty()) return "";
  auto at = parse_time(iso);
  return at ? zone.format(*at) : iso;
}

std::string ports(const json& rule) {
  const std::string protocol = text(rule, "protocol");
  auto from = integer(rule, "from_port");
  auto to = integer(rule, "to_port");
  if (protocol == "-1") return "all traffic";
  if (!from || !to) return "protocol " + protocol;
  if (protocol == "icmp" || protocol == "icmpv6") {
    if (*from == -1) return protocol + " (all types)";
    return *to == -1 ? fmt::format("{} type {}", protocol, *from)
                     : fmt::format("{} type {} code {}", protocol, *from, *to);
  }
  if (*from == 0 && *to == 65535) return protocol + " (all ports)";
  return *from == *to ? fmt::format("{}/{}", protocol, *from)
                      : fmt::format("{}/{}-{}", protocol, *from, *to);
}

HealthView health_of(const json& item, const DisplayZone& zone) {
  HealthView health{.problem = text(item, "problem"),
                    .subject = text(item, "subject"),
                    .summary = text(item, "summary"),
                    .since = shown_time(text(item, "since"), zone)};
  auto details = item.find("details");
  if (details == item.end() || !details->is_object()) return health;
  for (const auto& [name, value] : details->items()) {
    health.details.emplace_back(name, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return health;
}

std::string peer(const json& rule) {
  auto found = rule.find("peer");
  if (found == rule.end() || !found->is_object()) return "?";
  const json& p = *found;
  const std::string kind = text(p, "kind");
  if (kind == "cidr") return text(p, "cidr");
  if (kind == "prefix_list") return text(p, "prefix_list_id");
  std::string out = text(p, "group_id");
  if (const std::string user = text(p, "user_id"); !user.empty()) out += " (account " + user + ")";
  return out;
}

// "tcp/3389 from 0.0.0.0/0": what a headline says of a rule.
std::string short_rule(const json& rule) {
  const bool egress = text(rule, "direction") == "egress";
  return fmt::format("{} {} {}", ports(rule), egress ? "to" : "from", peer(rule));
}

std::string quoted(const std::string& description) {
  return description.empty() ? "" : " “" + description + "”";
}

std::string rule_line(const json& rule) {
  const std::string direction = text(rule, "direction");
  return (direction.empty() ? "" : direction + " ") + short_rule(rule) +
         quoted(text(rule, "description"));
}

std::string modified_line(const json& rule) {
  const std::string line = text(rule, "direction") + " " + short_rule(rule);
  const std::string before = text(rule, "previous_description");
  const std::string after = text(rule, "description");
  return fmt::format("{}: description “{}” → “{}”", line, before, after);
}

std::vector<FindingView> findings_of(const json& object) {
  std::vector<FindingView> out;
  for (const json& finding : array_at(object, "findings")) {
    out.push_back({text(finding, "severity"), text(finding, "message")});
  }
  return out;
}

std::string value_or_none(const json& value) {
  return value.is_string() ? "“" + value.get<std::string>() + "”" : "(none)";
}

std::vector<std::string> other_changes(const json& change) {
  std::vector<std::string> out;
  for (const json& tag : array_at(change, "tags_changed")) {
    const json before = tag.value("before", json());
    const json after = tag.value("after", json());
    if (before.is_null()) {
      out.push_back(fmt::format("tag {} added: {}", text(tag, "key"), value_or_none(after)));
    } else if (after.is_null()) {
      out.push_back(fmt::format("tag {} removed (was {})", text(tag, "key"), value_or_none(before)));
    } else {
      out.push_back(fmt::format("tag {}: {} → {}", text(tag, "key"), value_or_none(before),
                                value_or_none(after)));
    }
  }
  for (const json& field : array_at(change, "fields_changed")) {
    out.push_back(fmt::format("{}: {} → {}", text(field, "field"),
                              value_or_none(field.value("before", json())),
                              value_or_none(field.value("after", json()))));
  }
  return out;
}

// "alice" for a user; "role/deploy (session ci-42)" for an assumed role; the ARN's last part
// otherwise.
std::string short_name(const json& actor) {
  if (std::string user = text(actor, "user_name"); !user.empty() && text(actor, "type") == "IAMUser") {
    return user;
  }
  const std::string arn = text(actor, "arn");
  if (arn.empty()) return text(actor, "principal_id");
  // arn:aws:sts::123:assumed-role/deploy/ci-42 -> role/deploy (session ci-42)
  const size_t slash = arn.find('/');
  if (arn.find(":assumed-role/") != std::string::npos && slash != std::string::npos) {
    const std::string rest = arn.substr(slash + 1);
    const size_t second = rest.find('/');
    if (second != std::string::npos) {
      return fmt::format("role/{} (session {})", rest.substr(0, second), rest.substr(second + 1));
    }
  }
  if (arn.ends_with(":root")) return "root";
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

CallerView caller_of(const json& call, const DisplayZone& zone) {
  const json actor = call.value("actor", json::object());
  std::string arn = text(actor, "arn");
  if (arn.empty()) arn = text(actor, "principal_id");
  return CallerView{.actor = arn,
                    .actor_type = text(actor, "type"),
                    .short_name = short_name(actor),
                    .source_ip = text(call, "source_ip"),
                    .agent_class = text(call, "agent_class"),
                    .user_agent = text(call, "user_agent"),
                    .event_name = text(call, "event_name"),
                    .event_time = shown_time(text(call, "event_time"), zone)};
}

// What a headline says of a change: the added rule the worst finding is about, else the
// first added, removed or modified rule, else what happened to the group.
std::string gist_of(const json& change) {
  const json& added = array_at(change, "added");
  // The finding names its rule as the core words it ("ingress tcp/3389 from 0.0.0.0/0");
  // taken as is, it cannot fail to match the rule it is about.
  for (const json& finding : array_at(change, "findings")) {
    std::string about = text(finding, "rule");
    for (const char* direction : {"ingress ", "egress "}) {
      if (about.starts_with(direction)) about.erase(0, std::string(direction).size());
    }
    if (about.empty()) continue;
    return text(change, "kind") == "created" ? "group created with " + about : about + " added";
  }
  if (!added.empty()) return short_rule(added.front()) + " added";
  if (const json& removed = array_at(change, "removed"); !removed.empty()) {
    return short_rule(removed.front()) + " removed";
  }
  if (const json& modified = array_at(change, "modified"); !modified.empty()) {
    return short_rule(modified.front()) + " description changed";
  }
  const std::string kind = text(change, "kind");
  if (kind == "created" || kind == "deleted") return "group " + kind;
  if (!array_at(change, "tags_changed").empty()) return "tags changed";
  return "group changed";
}

ItemView change_item(const json& change, const DisplayZone& zone) {
  ItemView item;
  item.what = text(change, "kind");
  for (const json& rule : array_at(change, "added")) item.added.push_back(rule_line(rule));
  for (const json& rule : array_at(change, "removed")) item.removed.push_back(rule_line(rule));
  for (const json& rule : array_at(change, "modified")) item.modified.push_back(modified_line(rule));
  item.other = other_changes(change);
  item.findings = findings_of(change);
  const json attribution = change.value("attribution", json::object());
  item.attribution = text(attribution, "state");
  for (const json& call : array_at(attribution, "calls")) item.callers.push_back(caller_of(call, zone));
  item.observed_at = shown_time(text(change, "observed_at"), zone);
  item.revision = integer(change, "revision");
  item.gist = gist_of(change);
  return item;
}

ItemView attempt_item(const json& call, const DisplayZone& zone) {
  ItemView item;
  item.what = "refused call";
  item.attribution = "attributed";
  item.callers.push_back(caller_of(call, zone));
  item.error = text(call, "error_code");
  if (const std::string message = text(call, "error_message"); !message.empty()) {
    item.error += ": " + message;
  }
  return item;
}

size_t rule_count(const ItemView& item) {
  return item.added.size() + item.removed.size() + item.modified.size() + item.other.size();
}

}  // namespace

std::string severity_label(std::string_view severity) {
  std::string out(severity.empty() ? "info" : severity);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string attribution_text(const ItemView& item) {
  if (item.attribution == "attributed") return "attributed from CloudTrail";
  if (item.attribution == "pending") return "pending: the CloudTrail record has not arrived yet";
  if (item.attribution == "unattributed") return "unattributed: no CloudTrail record explains it";
  return "off";
}

std::string AlertView::subject() const {
  if (kind == "baseline") return fmt::format("account {} in {}", account, region);
  if (kind == "health") return health.subject;
  return group_name.empty() ? group_id : fmt::format("{} ({})", group_id, group_name);
}

std::string AlertView::summary() const {
  if (kind == "baseline") {
    return fmt::format("first snapshot: {} groups, {} findings", baseline_groups,
                       baseline_findings.size());
  }
  if (kind == "health") return health.summary;
  if (items.empty()) return "no details";
  const ItemView& first = items.front();
  if (kind == "attempt") {
    const CallerView& caller = first.callers.front();
    return fmt::format("{} refused for {}", caller.event_name, caller.short_name);
  }
  size_t changes = 0;
  for (const ItemView& item : items) changes += std::max<size_t>(1, rule_count(item));
  std::string line = first.gist;
  if (changes > 1) line += fmt::format(" (+{} more)", changes - 1);
  if (first.attribution == "attributed" && !first.callers.empty()) {
    line += " by " + first.callers.front().short_name;
  }
  return line;
}

std::string AlertView::headline() const {
  std::string out = "[sgwatch] ";
  if (!severity.empty()) out += severity_label(severity) + " ";
  return out + subject() + ": " + summary();
}

Result<AlertView> read_alert_view(std::string_view document, const DisplayZone& zone) {
  json doc = json::parse(document, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return invalid("the alert document is not a JSON object");
  AlertView view;
  view.id = text(doc, "id");
  view.kind = text(doc, "kind");
  if (view.kind != "change" && view.kind != "attempt" && view.kind != "baseline" &&
      view.kind != "health") {
    return invalid(fmt::format("alert {}: unknown kind '{}'", view.id, view.kind));
  }
  view.account = text(doc, "account");
  view.region = text(doc, "region");
  view.group_id = text(doc, "group_id");
  view.group_name = text(doc, "group_name");
  view.severity = text(doc, "severity");
  const json& items = array_at(doc, "items");
  if (items.empty()) return invalid(fmt::format("alert {}: no items", view.id));
  for (const json& item : items) {
    if (!item.is_object()) return invalid(fmt::format("alert {}: an item is not an object", view.id));
    if (view.kind == "baseline") {
      view.baseline_groups = integer(item, "groups").value_or(0);
      view.baseline_findings = findings_of(item);
    } else if (view.kind == "health") {
      view.health = health_of(item, zone);
    } else if (view.kind == "attempt") {
      view.items.push_back(attempt_item(item, zone));
    } else {
      view.items.push_back(change_item(item, zone));
    }
  }
  return view;
}

}  // namespace sgwatch
