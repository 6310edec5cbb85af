#include "app/change_record.h"

#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/time_format.h"

namespace sgwatch {
namespace {

using nlohmann::json;

template <typename Id>
json id_or_null(const std::optional<Id>& id) {
  return id ? json(id->str()) : json(nullptr);
}

json text_or_null(const std::optional<std::string>& text) {
  return text ? json(*text) : json(nullptr);
}

// tcp/udp: first and last port. icmp/icmpv6: type and code, -1 meaning any. Every other
// protocol (including all traffic) has no ports: both null.
json port_or_null(const Rule& rule, int port) {
  if (rule.protocol.has_ports() || rule.protocol.is_icmp()) return json(port);
  return json(nullptr);
}

json peer_json(const Peer& peer) {
  if (const auto* cidr = std::get_if<Cidr>(&peer)) {
    return {{"kind", "cidr"}, {"cidr", cidr->str()}};
  }
  if (const auto* list = std::get_if<PrefixListId>(&peer)) {
    return {{"kind", "prefix_list"}, {"prefix_list_id", list->str()}};
  }
  const auto& ref = std::get<GroupRef>(peer);
  return {{"kind", "group"},
          {"group_id", ref.group.str()},
          {"user_id", id_or_null(ref.user)},
          {"vpc_id", id_or_null(ref.vpc)},
          {"peering_id", id_or_null(ref.peering)}};
}

// The diff reports a missing VPC as an empty string; the record says null, as "vpc_id" does.
json field_value(const FieldChange& field, const std::string& value) {
  if (field.field == "vpc" && value.empty()) return json(nullptr);
  return json(value);
}

// format_utc() leaves out a zero fraction; records always carry three digits, so every
// "observed_at" has the same width and sorting the text sorts the times.
std::string utc_with_milliseconds(Timestamp t) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  const auto millis = (t - seconds).count();
  std::string text = format_utc(seconds);  // "2026-11-23T10:15:00Z"
  text.pop_back();
  return fmt::format("{}.{:03}Z", text, millis);
}

}  // namespace

json change_record_rule(const Rule& rule) {
  return {{"direction", to_string(rule.direction)},
          {"protocol", rule.protocol.ec2_name()},
          {"from_port", port_or_null(rule, rule.ports.from)},
          {"to_port", port_or_null(rule, rule.ports.to)},
          {"peer", peer_json(rule.peer)},
          {"world_open", is_world(rule.peer)},
          {"description", rule.description},
          {"rule_id", id_or_null(rule.id)}};
}

json change_record(const Scope& scope, const GroupDiff& diff, Timestamp observed_at) {
  json added = json::array(), removed = json::array(), modified = json::array(),
       tags = json::array(), fields = json::array();
  for (const Rule& rule : diff.added) added.push_back(change_record_rule(rule));
  for (const Rule& rule : diff.removed) removed.push_back(change_record_rule(rule));
  for (const RuleModification& change : diff.modified) {
    json after = change_record_rule(change.after);
    after["previous_description"] = change.before.description;
    modified.push_back(std::move(after));
  }
  for (const TagChange& tag : diff.tags) {
    tags.push_back({{"key", tag.key},
                    {"before", text_or_null(tag.before)},
                    {"after", text_or_null(tag.after)}});
  }
  for (const FieldChange& field : diff.fields) {
    fields.push_back({{"field", field.field},
                      {"before", field_value(field, field.before)},
                      {"after", field_value(field, field.after)}});
  }
  return {{"schema", kChangeRecordSchema},
          {"account", scope.account.str()},
          {"region", scope.region.str()},
          {"group_id", diff.group.str()},
          {"group_name", diff.name},
          {"vpc_id", id_or_null(diff.vpc)},
          {"kind", to_string(diff.change)},
          {"added", std::move(added)},
          {"removed", std::move(removed)},
          {"modified", std::move(modified)},
          {"tags_changed", std::move(tags)},
          {"fields_changed", std::move(fields)},
          {"observed_at", utc_with_milliseconds(observed_at)}};
}

}  // namespace sgwatch
