// Alert documents (docs/ALERTS.md) for the tests of what people read: docs/JSONL.md's
// example change (department B's engineer opens RDP to the world on department A's group)
// wrapped as an alert, ready to be varied.
#pragma once

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "notify/alert_view.h"

namespace sgwatch::testing {

// The change record of docs/JSONL.md's example.
inline nlohmann::json documented_change_record() {
  return nlohmann::json::parse(R"json({"account":"111122223333","added":[{"description":"RDP for dept B vendor","direction":"ingress","from_port":3389,"peer":{"cidr":"0.0.0.0/0","kind":"cidr"},"protocol":"tcp","rule_id":"sgr-0fedcba9876543210","to_port":3389,"world_open":true}],"attribution":{"calls":[{"actor":{"access_key_id":"AKIAEXAMPLEBOB000000","account_id":"111122223333","arn":"arn:aws:iam::111122223333:user/dept-b-engineer","invoked_by":"","principal_id":"AIDAEXAMPLEBOB000000","session_issuer_arn":"","type":"IAMUser","user_name":"dept-b-engineer"},"agent_class":"awscli","error_code":null,"error_message":"","event_id":"6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5","event_name":"AuthorizeSecurityGroupIngress","event_time":"2026-11-23T10:14:41Z","request_id":"req-6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5","source_ip":"203.0.113.7","user_agent":"aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0 source/x86_64.debian.12"}],"lookups":1,"state":"attributed","window":{"from":"2026-11-23T10:14:00.180Z","to":"2026-11-23T10:15:00.250Z"}},"fields_changed":[],"findings":[{"code":"world-sensitive-port","group_id":"sg-0123456789abcdef0","message":"tcp/3389 (RDP) open to the world (0.0.0.0/0)","rule":"ingress tcp/3389 from 0.0.0.0/0","severity":"critical"}],"group_id":"sg-0123456789abcdef0","group_name":"web-dept-a","kind":"modified","modified":[],"observed_at":"2026-11-23T10:15:00.250Z","region":"us-east-1","removed":[],"revision":42,"schema":"sgwatch.change.v1","tags_changed":[],"vpc_id":"vpc-0a1b2c3d4e5f67890"})json");
}

// An alert document around `items` (change records unless `kind` says otherwise).
inline nlohmann::json alert_document(nlohmann::json items, const std::string& kind = "change",
                                     const std::string& severity = "critical") {
  return {{"schema", "sgwatch.alert.v1"},
          {"id", "a-0123456789abcdef0123456789abcdef"},
          {"kind", kind},
          {"account", "111122223333"},
          {"region", "us-east-1"},
          {"group_id", kind == "baseline" || kind == "health" ? nlohmann::json()
                                                             : nlohmann::json("sg-0123456789abcdef0")},
          {"group_name", kind == "baseline" || kind == "health" ? nlohmann::json()
                                                               : nlohmann::json("web-dept-a")},
          {"severity", severity.empty() ? nlohmann::json() : nlohmann::json(severity)},
          {"recipients", nlohmann::json::array({"team-a@example.com"})},
          {"items", std::move(items)}};
}

inline std::string documented_alert() {
  return alert_document(nlohmann::json::array({documented_change_record()})).dump();
}

// A health alert's item: CloudTrail logging stopped, as health_item_json() writes it.
inline nlohmann::json trail_stopped_item() {
  return {{"problem", "trail_changed"},
          {"subject", "trail management"},
          {"summary", "mallory called StopLogging on trail management in 111122223333 in "
                      "us-east-1: CloudTrail no longer records the calls that change security "
                      "groups there, and sgwatch cannot say who makes them."},
          {"since", "2026-11-28T09:55:00Z"},
          {"seen_at", "2026-11-28T09:55:04Z"},
          {"details", {{"event_name", "StopLogging"}, {"source_ip", "203.0.113.7"}}}};
}

// The alert document as people read it, in UTC; a document it cannot read fails the test.
inline AlertView readable(const std::string& document) {
  auto view = read_alert_view(document, DisplayZone());
  EXPECT_TRUE(view) << view.error().message;
  return view.value_or(AlertView{});
}

}  // namespace sgwatch::testing
