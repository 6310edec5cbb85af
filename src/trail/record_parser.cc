// The envelope of a CloudTrail record: eventID, eventTime, eventName, eventSource, region,
// caller and error fields (read_call), and the public entry points of record_parser.h.
// The rest of the parser is split by concept, each part internal (sgwatch::trail_detail):
//   record_node.h/.cc    the JSON-reading helpers (Node, Keys, pass) every part shares;
//   record_actor.h/.cc   userIdentity to Actor, classify_agent, to_string(AgentClass);
//   rule_payloads.h/.cc  the rule-carrying calls (Authorize/Revoke*, Modify..., Update...);
//   group_events.h/.cc   the other group events and security_group_effects' dispatch.
#include "trail/record_parser.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "core/json_element.h"
#include "core/time_format.h"
#include "trail/group_events.h"
#include "trail/record_actor.h"
#include "trail/record_node.h"

namespace sgwatch {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::string_view kEc2 = "ec2.amazonaws.com";

using trail_detail::Node;
using trail_detail::pass;
using trail_detail::read_actor;
using trail_detail::security_group_effects;

// CloudTrail's own form, "2024-05-01T10:00:00Z", read without parse_time()'s stream: it
// is on every record and dominated the time to read a log. Anything else goes to
// parse_time().
std::optional<Timestamp> canonical_time(std::string_view text) {
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
      text[13] != ':' || text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  auto number = [&](size_t at, size_t length, int& out) {
    auto [end, error] = std::from_chars(text.data() + at, text.data() + at + length, out);
    return error == std::errc() && end == text.data() + at + length;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day) ||
      !number(11, 2, hour) || !number(14, 2, minute) || !number(17, 2, second)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(day)};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

Status read_call(const Node& record, RecordDetail detail, ApiCall& call) {
  auto time_text = record.required_string("eventTime");
  if (!time_text) return pass(time_text);
  const std::optional<Timestamp> fast = canonical_time(*time_text);
  auto time = fast ? Result<Timestamp>(*fast) : parse_time(*time_text);
  if (!time) return tl::unexpected(time.error().within("eventTime"));
  call.event_time = *time;
  auto name = record.required_string("eventName");
  if (!name) return pass(name);
  call.event_name = std::string(*name);
  auto source = record.string_or_empty("eventSource");
  if (!source) return pass(source);
  call.event_source = std::move(*source);
  const bool security_group_event = is_security_group_event(call.event_source, call.event_name);
  if (detail == RecordDetail::kSecurityGroupCalls && !security_group_event) return {};

  auto region = record.id<Region>("awsRegion");
  if (!region) return pass(region);
  call.region = *region;
  struct Field {
    std::string_view key;
    std::string* out;
  };
  for (Field field : {Field{"sourceIPAddress", &call.source_ip},
                      Field{"userAgent", &call.user_agent}, Field{"errorCode", &call.error_code},
                      Field{"errorMessage", &call.error_message},
                      Field{"requestID", &call.request_id}}) {
    auto text = record.string_or_empty(field.key);
    if (!text) return pass(text);
    *field.out = std::move(*text);
  }
  if (Status actor = read_actor(record, call.actor); !actor) return actor;
  auto account = record.id<AccountId>("recipientAccountId");
  if (!account) return pass(account);
  call.account = *account;
  if (!call.account && !call.actor.account_id.empty()) {
    auto fallback = AccountId::parse(call.actor.account_id);
    if (!fallback) return tl::unexpected(fallback.error().within("userIdentity.accountId"));
    call.account = *fallback;
  }
  call.agent = classify_agent(call.user_agent, call.actor.invoked_by);

  if (!security_group_event) return {};
  Status effects = security_group_effects(record, call);
  if (!effects) {
    if (!call.attempt()) return effects;
    // EC2 refused the call, perhaps for these very parameters: keep the attempt.
    call.effects.clear();
    call.tagged_rules.clear();
    call.notes.push_back("the failed call's parameters are not valid: " +
                         effects.error().message);
  }
  return {};
}

constexpr std::string_view kSecurityGroupEvents[] = {
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "ModifySecurityGroupRules",
    "UpdateSecurityGroupRuleDescriptionsIngress",
    "UpdateSecurityGroupRuleDescriptionsEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
    "CreateTags",
    "DeleteTags",
    "AssociateSecurityGroupVpc",
    "DisassociateSecurityGroupVpc",
};

}  // namespace

bool is_security_group_event(std::string_view event_source, std::string_view event_name) {
  if (event_source != kEc2) return false;
  return std::find(std::begin(kSecurityGroupEvents), std::end(kSecurityGroupEvents),
                   event_name) != std::end(kSecurityGroupEvents);
}

bool is_security_group_call(const ApiCall& call) {
  if (!is_security_group_event(call.event_source, call.event_name)) return false;
  if (!call.effects.empty()) return true;
  if (call.event_name == "CreateTags" || call.event_name == "DeleteTags") {
    return !call.tagged_rules.empty();
  }
  return call.attempt() || !call.group_name.empty() || call.event_name == "CreateSecurityGroup";
}

Result<ApiCall> parse_record(element record, size_t index, RecordDetail detail) {
  const std::string label = "record " + std::to_string(index);
  object obj;
  if (record.get_object().get(obj) != SUCCESS) {
    return invalid(label + ": expected an object, got " + json_type_name(record));
  }
  const Node node(obj, "");
  auto id = node.string("eventID");
  if (!id) return tl::unexpected(id.error().within(label));
  if (!*id || (*id)->empty()) return invalid(label + ": eventID: missing");
  ApiCall call;
  call.event_id = std::string(**id);
  try {
    if (Status read = read_call(node, detail, call); !read) {
      return tl::unexpected(read.error().within(label + " (eventID " + call.event_id + ")"));
    }
  } catch (const std::exception& e) {
    // simdjson's DOM accessors return error codes; this guards the allocations.
    return invalid(label + " (eventID " + call.event_id + "): " + e.what());
  }
  return call;
}

}  // namespace sgwatch
