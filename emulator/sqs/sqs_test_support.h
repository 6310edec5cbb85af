// Helpers for the SQS tests: an emulator with the default seed, fed signed SQS calls
// directly (no sockets) in either protocol, and the answers parsed.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include <date/date.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "core/clock.h"
#include "emulator/cloudtrail/trail_test_support.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"
#include "emulator/sigv4_verifier.h"

namespace sgwatch::emulator::sqs_testing {

inline constexpr char kAccount[] = "111122223333";
inline constexpr char kRegion[] = "eu-west-1";

struct JsonReply {
  int status = 0;
  nlohmann::json body;
  std::string query_error;  // the x-amzn-query-error header
};

struct XmlReply {
  int status = 0;
  std::string body;
  pugi::xml_document doc;
  std::string text(const std::string& xpath) const {
    return doc.select_node(xpath.c_str()).node().text().get();
  }
  size_t count(const std::string& xpath) const { return doc.select_nodes(xpath.c_str()).size(); }
};

class SqsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmulatorOptions options;
    options.seed = 11;
    auto started = Emulator::start(options, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    auto seeded = apply_seed(*emulator_, default_seed());
    ASSERT_TRUE(seeded) << seeded.error();
  }

  SqsService& sqs() { return emulator_->sqs(); }

  // A POST signed for `service`, at `path`, with the clock's time.
  Request signed_request(const std::string& service, const std::string& path,
                         const std::string& body, const std::string& content_type,
                         const std::string& target, const trail_testing::Key& key,
                         const std::string& region) {
    const auto now = std::chrono::floor<std::chrono::seconds>(clock_.now());
    const std::string date = date::format("%Y%m%d", now);
    const std::string time = date::format("%Y%m%dT%H%M%SZ", now);
    Request request;
    request.method = "POST";
    request.path = path;
    request.raw_path = path;
    request.peer_address = "127.0.0.1";
    request.headers = {{"Host", "127.0.0.1"}, {"Content-Type", content_type}, {"X-Amz-Date", time}};
    if (!target.empty()) request.headers.emplace_back("X-Amz-Target", target);
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

  // One JSON 1.0 call.
  JsonReply json_call(const std::string& action, const nlohmann::json& input,
                      const trail_testing::Key& key = {}, const std::string& region = kRegion) {
    const Response response = emulator_->handle(
        signed_request("sqs", "/", input.dump(), "application/x-amz-json-1.0",
                       std::string(kSqsTargetPrefix) + action, key, region));
    JsonReply reply;
    reply.status = response.status;
    reply.body = nlohmann::json::parse(response.body, nullptr, false);
    for (const auto& [name, value] : response.headers) {
      if (name == "x-amzn-query-error") reply.query_error = value;
    }
    EXPECT_FALSE(reply.body.is_discarded()) << response.body;
    return reply;
  }

  // One Query call posted to `path`, as awscli posts to the queue's URL.
  XmlReply query_call(Params params, const std::string& path = "/",
                      const trail_testing::Key& key = {}, const std::string& region = kRegion) {
    params.emplace("Version", "2012-11-05");
    const Response response = emulator_->handle(
        signed_request("sqs", path, trail_testing::form(params),
                       "application/x-www-form-urlencoded; charset=utf-8", "", key, region));
    XmlReply reply;
    reply.status = response.status;
    reply.body = response.body;
    EXPECT_TRUE(reply.doc.load_string(reply.body.c_str())) << "not XML: " << reply.body;
    return reply;
  }

  std::string make_queue(const std::string& name,
                         const std::map<std::string, std::string>& attributes = {}) {
    auto url = sqs().create_queue(kAccount, kRegion, name, attributes);
    EXPECT_TRUE(url) << url.error().message;
    return url ? *url : "";
  }

  SystemClock clock_;
  std::unique_ptr<Emulator> emulator_;
};

}  // namespace sgwatch::emulator::sqs_testing
