// Helpers for the trail tests: an emulator with the default seed on a manual clock at
// 2026-11-23T10:15:00Z, fed signed EC2 and CloudTrail calls directly (no sockets), as
// if from 127.0.0.1 with awscli's User-Agent.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "emulator/cloudtrail/cloudtrail_service.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "emulator/sigv4_verifier.h"

namespace sgwatch::emulator::trail_testing {

inline constexpr char kAccount[] = "111122223333";
inline constexpr char kUserAgent[] = "aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64";

struct Key {
  std::string id = "AKIAEMULATORADMIN000";
  std::string secret = "emulator-admin-secret";
  std::string session_token;
};

inline Key readonly_key() { return Key{"AKIAEMULATORREAD0000", "emulator-readonly-secret", ""}; }

// Query parameters as a form body; the tests' values need no escaping beyond this.
inline std::string form(const Params& params) {
  std::string body;
  for (const auto& [name, value] : params) {
    if (!body.empty()) body += '&';
    body += name + '=';
    for (char c : value) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') {
        body += c;
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
        body += hex;
      }
    }
  }
  return body;
}

class TrailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmulatorOptions options;
    options.seed = 7;
    auto started = Emulator::start(options, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    auto seeded = apply_seed(*emulator_, default_seed());
    ASSERT_TRUE(seeded) << seeded.error();
  }

  // A POST signed for `service` in `region` at the clock's time.
  Request signed_request(const std::string& service, const std::string& body,
                         const std::string& content_type, const Key& key,
                         const std::string& region, const std::string& target = "") {
    const auto now = std::chrono::floor<std::chrono::seconds>(clock_.now());
    const std::string date = date::format("%Y%m%d", now);
    const std::string time = date::format("%Y%m%dT%H%M%SZ", now);
    Request request;
    request.method = "POST";
    request.path = "/";
    request.raw_path = "/";
    request.peer_address = "127.0.0.1";
    request.headers = {{"Host", "127.0.0.1"}, {"Content-Type", content_type}, {"X-Amz-Date", time},
                       {"User-Agent", kUserAgent}};
    if (!target.empty()) request.headers.emplace_back("X-Amz-Target", target);
    if (!key.session_token.empty()) {
      request.headers.emplace_back("X-Amz-Security-Token", key.session_token);
    }
    request.body = body;
    const std::vector<std::string> signed_headers = {"content-type", "host", "x-amz-date"};
    const CredentialScope scope{date, region, service};
    const std::string to_sign =
        string_to_sign(time, scope, canonical_request(request, signed_headers));
    request.headers.emplace_back(
        "Authorization", "AWS4-HMAC-SHA256 Credential=" + key.id + "/" + scope.to_string() +
                             ", SignedHeaders=content-type;host;x-amz-date, Signature=" +
                             signature(key.secret, scope, to_sign));
    return request;
  }

  Response ec2(Params params, const Key& key = {}, const std::string& region = "us-east-1") {
    params.emplace("Version", "2016-11-15");
    return emulator_->handle(signed_request(
        "ec2", form(params), "application/x-www-form-urlencoded; charset=utf-8", key, region));
  }

  // LookupEvents; the response's status and body parsed.
  std::pair<int, nlohmann::json> lookup(const nlohmann::json& request, const Key& key = {},
                                        const std::string& region = "us-east-1") {
    Response response = emulator_->handle(
        signed_request("cloudtrail", request.dump(), "application/x-amz-json-1.1", key, region,
                       std::string(kCloudTrailTargetPrefix) + "LookupEvents"));
    return {response.status, nlohmann::json::parse(response.body, nullptr, false)};
  }

  // Creates a group as the admin and returns its id.
  std::string create_group(const std::string& name) {
    Response response = ec2({{"Action", "CreateSecurityGroup"},
                             {"GroupName", name},
                             {"GroupDescription", "group " + name}});
    EXPECT_EQ(response.status, 200) << response.body;
    const size_t start = response.body.find("<groupId>") + 9;
    return response.body.substr(start, response.body.find("</groupId>") - start);
  }

  // The newest stored record (delivered or not).
  nlohmann::json last_record() {
    auto events = emulator_->trail().events();
    if (events.empty()) return nullptr;
    return nlohmann::json::parse(events.back()->record.dump());
  }

  ManualClock clock_{date::sys_days{date::year{2026} / 11 / 23} + std::chrono::hours(10) +
                     std::chrono::minutes(15)};
  std::unique_ptr<Emulator> emulator_;
};

}  // namespace sgwatch::emulator::trail_testing
