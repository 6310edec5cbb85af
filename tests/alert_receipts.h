// What the outbox tests share: the config that sends every alert to one webhook, and what a
// request to that webhook carried (the alert's id, kind, group, and the ports and revisions
// of the changes it covers).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "webhook_receiver.h"

namespace sgwatch::testing {

// Every alert to the webhook at `url` (destination "hook"), at once (no coalescing, no
// CloudTrail lookups), retried after 50 ms, 100 ms, 200 ms, 200 ms...
// `destination_extra` is added to the destination's table.
inline std::string webhook_alert_config(const std::string& url,
                                        const std::string& destination_extra = "") {
  return "[attribution]\nlookup = false\n"
         "[routing]\ncoalesce = \"0s\"\n"
         "[[routes]]\ndestinations = [\"hook\"]\n"
         "[[destinations]]\nname = \"hook\"\ntype = \"webhook\"\nurl = \"" + url + "\"\n" +
         destination_extra +
         "[outbox]\nfirst_retry = \"50ms\"\nmax_retry = \"200ms\"\n";
}

struct Receipt {
  std::string id;  // X-Sgwatch-Alert-Id
  std::string kind;
  std::string group;
  std::vector<int> ports;  // the ports of every rule the alert's items added
  std::vector<int64_t> revisions;
  std::chrono::steady_clock::time_point at;

  bool has_port(int port) const {
    return std::find(ports.begin(), ports.end(), port) != ports.end();
  }
};

// Also checks that the body's id and the Idempotency-Key header are the alert id.
inline Receipt read_receipt(const ReceivedRequest& request) {
  Receipt receipt;
  receipt.id = request.header("X-Sgwatch-Alert-Id");
  receipt.at = request.received_at;
  const nlohmann::json body = nlohmann::json::parse(request.body);
  receipt.kind = body.at("kind").get<std::string>();
  if (body.at("group_id").is_string()) receipt.group = body.at("group_id").get<std::string>();
  EXPECT_EQ(body.at("id"), receipt.id) << request.body;
  EXPECT_EQ(request.header("Idempotency-Key"), receipt.id);
  for (const nlohmann::json& item : body.at("items")) {
    if (item.contains("revision")) receipt.revisions.push_back(item.at("revision").get<int64_t>());
    if (!item.contains("added")) continue;
    for (const nlohmann::json& rule : item.at("added")) {
      receipt.ports.push_back(rule.at("from_port").get<int>());
    }
  }
  return receipt;
}

}  // namespace sgwatch::testing
