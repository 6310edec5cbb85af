// `sgwatch trail show` in-process: which calls it lists, how, and what it says about the
// records it cannot use.
#include <zlib.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cli_runner.h"
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "core/clock.h"
#include "scoped_env.h"
#include "temp_dir.h"
#include "test_support.h"

namespace sgwatch::trail_show_test {
namespace {

std::string panther_log() {
  return std::string(SGWATCH_TEST_DATA_DIR) +
         "/cloudtrail/panther-analysis/panther_sg_events.Records.json";
}

class TrailShow : public ::testing::Test {
 protected:
  void SetUp() override {
    // No config file of the machine's: every key has its default (UTC times).
    env_.set("SGWATCH_CONFIG", std::nullopt);
  }
  using Outcome = testing::CliOutcome;
  Outcome sgwatch(std::vector<std::string> args) {
    return testing::run_sgwatch(std::move(args), ManualClock(Timestamp{}));
  }
  std::string write(const std::string& name, const std::string& content) {
    const std::string path = dir_.file(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  testing::TempDir dir_;
  testing::ScopedEnv env_;
};

TEST_F(TrailShow, ListsTheSecurityGroupCallsOldestFirst) {
  Outcome shown = sgwatch({"trail", "show", panther_log()});
  EXPECT_EQ(shown.code, 0) << shown.err;
  // The oldest calls are the RequestExpired attempts of 2019 on "sg-1".
  EXPECT_EQ(shown.out.substr(0, 51), "2019-01-01T00:00:00Z  AuthorizeSecurityGroupIngress");
  EXPECT_NE(shown.out.find("2021-01-24T04:55:45Z  AuthorizeSecurityGroupIngress  "
                           "112233445566/us-west-2\n"
                           "  actor: arn:aws:sts::112233445566:assumed-role/TestAdmin/alan "
                           "(AssumedRole)\n"
                           "  from: 136.25.37.134  agent: console (console.ec2.amazonaws.com)\n"),
            std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("  sg-04f0b44316f7d2471\n    + ingress tcp/443 from 0.0.0.0/16\n"),
            std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("  ATTEMPT (UnauthorizedOperation)\n"), std::string::npos);
  EXPECT_NE(shown.out.find("agent: terraform"), std::string::npos);
  EXPECT_NE(shown.out.find("    + egress all traffic to 0.0.0.0/0  \"Allow egress"),
            std::string::npos);
  // The three successful calls on "sg-1" cannot be used, and are named.
  EXPECT_NE(shown.err.find("sgwatch: warning: " + panther_log() +
                           ": record 5 (eventID 1): requestParameters.groupId: 'sg-1'"),
            std::string::npos)
      << shown.err;
  EXPECT_NE(shown.err.find("sgwatch: 11 records read: 8 security-group calls (8 shown), 0 other "
                           "calls skipped, 3 unusable"),
            std::string::npos)
      << shown.err;
}

TEST_F(TrailShow, Filters) {
  Outcome attempts = sgwatch({"trail", "show", "--attempts-only", panther_log()});
  ASSERT_EQ(attempts.code, 0) << attempts.err;
  EXPECT_NE(attempts.err.find("(3 shown)"), std::string::npos) << attempts.err;

  Outcome group = sgwatch({"trail", "show", "--group", "sg-03eee825d6bb78f54", "--group",
                           "sg-04d018d184a18f647", panther_log()});
  ASSERT_EQ(group.code, 0) << group.err;
  EXPECT_NE(group.err.find("(3 shown)"), std::string::npos) << group.err;

  Outcome actor = sgwatch({"trail", "show", "--actor", "*assumed-role/TestAdmin/*", panther_log()});
  EXPECT_NE(actor.err.find("(2 shown)"), std::string::npos) << actor.err;
  Outcome by_name = sgwatch({"trail", "show", "--actor", "ryan@*", panther_log()});
  EXPECT_NE(by_name.err.find("(4 shown)"), std::string::npos) << by_name.err;

  Outcome window = sgwatch({"trail", "show", "--since", "2020-04-30T23:51:00Z", "--until",
                            "2020-05-01", panther_log()});
  EXPECT_NE(window.err.find("(3 shown)"), std::string::npos) << window.err;

  Outcome bad = sgwatch({"trail", "show", "--since", "soon", panther_log()});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("--since"), std::string::npos);
}

TEST_F(TrailShow, JsonOutput) {
  Outcome shown = sgwatch({"--output", "json", "trail", "show", "--group",
                           "sg-04d018d184a18f647", panther_log()});
  ASSERT_EQ(shown.code, 0) << shown.err;
  const auto calls = nlohmann::json::parse(shown.out);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["event_name"], "CreateSecurityGroup");
  EXPECT_EQ(calls[0]["event_time"], "2020-04-30T23:51:06Z");
  EXPECT_EQ(calls[0]["agent"], "terraform");
  EXPECT_EQ(calls[0]["group_name"], "prod-webapp-webserver-security");
  EXPECT_EQ(calls[0]["effects"][0]["group_id"], "sg-04d018d184a18f647");
  EXPECT_EQ(calls[0]["actor"]["session_issuer_arn"], "arn:aws:iam::112233445566:role/Operator");
  EXPECT_EQ(calls[0]["attempt"], false);
}

TEST_F(TrailShow, BadFilesFailAloneAndSetTheExitCode) {
  const std::string not_json = write("notes.txt", "this is not JSON\n");
  Outcome shown = sgwatch({"trail", "show", not_json, dir_.file("missing.json"), panther_log()});
  EXPECT_EQ(shown.code, 1);
  EXPECT_NE(shown.err.find("sgwatch: error: " + not_json + ": not JSON"), std::string::npos)
      << shown.err;
  EXPECT_NE(shown.err.find("missing.json"), std::string::npos) << shown.err;
  // The good file was still read.
  EXPECT_NE(shown.out.find("sg-04f0b44316f7d2471"), std::string::npos);
}

// One gzip member, as CloudTrail writes its logs.
std::string gzip(const std::string& text) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

TEST_F(TrailShow, LargeMixedLogListsOnlyTheSecurityGroupCalls) {
  nlohmann::json records = nlohmann::json::array();
  const char* others[] = {"DescribeInstances", "RunInstances", "PutObject", "AssumeRole",
                          "CreateTags"};
  size_t expected = 0;
  for (int i = 0; i < 5000; ++i) {
    nlohmann::json r = {
        {"eventVersion", "1.08"},
        {"eventID", "ev-" + std::to_string(i)},
        {"eventTime", fmt::format("2024-05-01T10:{:02}:{:02}Z", (i / 60) % 60, i % 60)},
        {"eventSource", "ec2.amazonaws.com"},
        {"awsRegion", "eu-west-1"},
        {"recipientAccountId", "111122223333"},
        {"userAgent", "aws-cli/2.15.0"},
        {"userIdentity", {{"type", "IAMUser"}, {"arn", "arn:aws:iam::111122223333:user/bob"}}},
    };
    if (i % 50 == 7) {
      r["eventName"] = "AuthorizeSecurityGroupIngress";
      r["requestParameters"] = nlohmann::json::parse(fmt::format(
          R"({{"groupId":"sg-{:017x}","ipPermissions":{{"items":[{{"ipProtocol":"tcp",
              "fromPort":22,"toPort":22,"ipRanges":{{"items":[{{"cidrIp":"10.0.0.0/8"}}]}}}}]}}}})",
          i));
      ++expected;
    } else {
      r["eventName"] = others[i % 5];
      if (i % 5 == 4) {  // CreateTags on an instance: not a security-group call
        r["requestParameters"] = nlohmann::json::parse(
            R"({"resourcesSet":{"items":[{"resourceId":"i-0123456789abcdef0"}]},
                "tagSet":{"items":[{"key":"Name","value":"web"}]}})");
      }
      if (i % 5 == 2) r["eventSource"] = "s3.amazonaws.com";
    }
    records.push_back(std::move(r));
  }
  const std::string path =
      write("111122223333_CloudTrail_eu-west-1_20240501T1000Z_abc.json.gz",
            gzip(nlohmann::json{{"Records", records}}.dump()));
  Outcome shown = sgwatch({"trail", "show", path});
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_EQ(testing::occurrences(shown.out, "AuthorizeSecurityGroupIngress"), expected);
  EXPECT_EQ(shown.out.find("RunInstances"), std::string::npos);
  EXPECT_NE(shown.err.find(fmt::format("sgwatch: 5000 records read: {} security-group calls ({} "
                                       "shown), {} other calls skipped, 0 unusable",
                                       expected, expected, 5000 - expected)),
            std::string::npos)
      << shown.err;
}

// A log whose records share one unusable field: a few warnings and a count, not one line
// per record.
TEST_F(TrailShow, RepeatedWarningsOfOneKindAreCappedWithACount) {
  nlohmann::json records = nlohmann::json::array();
  for (int i = 0; i < 400; ++i) {
    records.push_back({{"eventID", "e" + std::to_string(i)},
                       {"eventTime", "2024-05-01T10:00:00Z"},
                       {"eventName", "AuthorizeSecurityGroupIngress"},
                       {"eventSource", "ec2.amazonaws.com"},
                       {"awsRegion", "eu-west-1"},
                       {"recipientAccountId", "111122223333"},
                       {"requestParameters", {{"groupId", "sg-" + std::to_string(i)}}}});
  }
  records.push_back({{"eventID", "late"}, {"eventTime", "yesterday"}});
  const std::string path = write("bad.json", nlohmann::json{{"Records", records}}.dump());
  Outcome shown = sgwatch({"trail", "show", path});
  EXPECT_EQ(shown.code, 0) << shown.err;
  // Five of the field, the other kind, and the count.
  EXPECT_EQ(testing::occurrences(shown.err, "sgwatch: warning: "), 7u) << shown.err;
  EXPECT_NE(shown.err.find("record 4 (eventID e4): requestParameters.groupId: 'sg-4'"),
            std::string::npos);
  EXPECT_EQ(shown.err.find("(eventID e5)"), std::string::npos);
  EXPECT_NE(shown.err.find("record 400 (eventID late): "), std::string::npos)
      << shown.err;
  EXPECT_NE(shown.err.find("sgwatch: warning: 395 more warnings like these "
                           "(requestParameters.groupId) were not shown\n"),
            std::string::npos)
      << shown.err;
  EXPECT_NE(shown.err.find("401 records read: 0 security-group calls (0 shown), 0 other "
                           "calls skipped, 401 unusable"),
            std::string::npos)
      << shown.err;
}

// Global options work after the command and its arguments too, as with the AWS CLI.
TEST_F(TrailShow, TakesGlobalOptionsAfterTheFiles) {
  Outcome shown = sgwatch({"trail", "show", panther_log(), "--output", "json"});
  ASSERT_EQ(shown.code, 0) << shown.err;
  const nlohmann::json calls = shown.json();
  ASSERT_TRUE(calls.is_array());
  EXPECT_EQ(calls.size(), 8u);
}

}  // namespace
}  // namespace sgwatch::trail_show_test
