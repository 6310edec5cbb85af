// CloudTrailClient against the emulator's CloudTrail over loopback HTTP: changes made with
// signed EC2 calls come back from LookupEvents, paged, filtered and paced. The emulator and
// the client share one test clock that only the recorded sleeps move, so the emulator's
// own rate limit (2 per second) is met without real waiting.
#include "aws/cloudtrail_client.h"

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <date/date.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "aws/curl_transport.h"
#include "aws/query_client.h"
#include "aws/request_rate_limiter.h"
#include "aws/retry_policy.h"
#include "emulator/emulator.h"
#include "emulator/seed.h"

namespace sgwatch::cloudtrail_client_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const AwsCredentials kAdmin{"AKIAEMULATORADMIN000", "emulator-admin-secret", "", std::nullopt};
constexpr char kAccount[] = "111122223333";
constexpr char kRegion[] = "eu-west-1";

// A clock that moves only when told, safe to read from the emulator's server thread.
class SharedManualClock final : public Clock {
 public:
  explicit SharedManualClock(Timestamp start) : ms_(start.time_since_epoch().count()) {}
  Timestamp now() const override { return Timestamp(milliseconds(ms_.load())); }
  void advance(milliseconds by) { ms_ += by.count(); }

 private:
  std::atomic<int64_t> ms_;
};

// Forwards to a real transport; `tamper` may rewrite the response to the nth LookupEvents.
class TamperingTransport final : public HttpTransport {
 public:
  explicit TamperingTransport(HttpTransport& inner) : inner_(inner) {}
  TransportResult<HttpResponse> send(const HttpRequest& request) override {
    auto response = inner_.send(request);
    if (response && request.header("X-Amz-Target").ends_with(".LookupEvents")) {
      ++lookups_;
      if (tamper) tamper(lookups_, *response);
    }
    return response;
  }
  std::function<void(int nth, HttpResponse&)> tamper;

 private:
  HttpTransport& inner_;
  int lookups_ = 0;
};

// Hands requests to the emulator in-process: the many writes the tests make are signed by
// sgwatch and verified by the emulator as over HTTP, without a socket's round trip each.
class InProcessTransport final : public HttpTransport {
 public:
  explicit InProcessTransport(std::unique_ptr<emulator::Emulator>& emulator)
      : emulator_(emulator) {}
  TransportResult<HttpResponse> send(const HttpRequest& request) override {
    emulator::Request in{request.method, "/", "/", "", request.headers, request.body, "127.0.0.1"};
    emulator::Response out = emulator_->handle(in);
    return HttpResponse{out.status, out.headers, std::move(out.body)};
  }

 private:
  std::unique_ptr<emulator::Emulator>& emulator_;
};

class CloudTrailClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    emulator::EmulatorOptions options;
    options.seed = 7;
    auto started = emulator::Emulator::start(options, clock_);
    ASSERT_TRUE(started) << started.error();
    emulator_ = std::move(*started);
    auto seeded = emulator::apply_seed(*emulator_, emulator::default_seed());
    ASSERT_TRUE(seeded) << seeded.error();
    endpoint_ = emulator_->endpoint();
  }

  // Read when a call is made: the emulator's port is known only after SetUp.
  EnvLookup env() {
    return [this](const std::string& name) -> std::optional<std::string> {
      if (name == "AWS_ENDPOINT_URL") return endpoint_;
      return std::nullopt;
    };
  }

  // A new group, made directly in the emulator's model (not an API call: not recorded).
  std::string new_group(const std::string& name) {
    auto group = emulator_->ec2().create_group(kAccount, kRegion, name, "group " + name);
    EXPECT_TRUE(group);
    return group ? *group : "";
  }

  // One recorded write: a signed AuthorizeSecurityGroupIngress.
  void authorize(const std::string& group, int port) {
    auto done = direct_.call(QueryCall{"ec2", kRegion, "AuthorizeSecurityGroupIngress",
                                       "2016-11-15",
                                       {{"GroupId", group},
                                        {"IpPermissions.1.IpProtocol", "tcp"},
                                        {"IpPermissions.1.FromPort", std::to_string(port)},
                                        {"IpPermissions.1.ToPort", std::to_string(port)},
                                        {"IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"}}},
                             &kAdmin);
    ASSERT_TRUE(done) << done.error().message;
  }

  TrailLookup window(Timestamp start, Timestamp end) {
    return TrailLookup{*Region::parse(kRegion), start, end};
  }
  // From an hour before the test began until now.
  TrailLookup everything() { return window(kStart - std::chrono::hours(1), clock_.now()); }

  Result<TrailLookupResult> lookup(const TrailLookup& lookup,
                                   const AwsCredentials& credentials = kAdmin) {
    return trail_.lookup_events(credentials, *AccountId::parse(kAccount), lookup);
  }

  uint64_t lookups_served() { return emulator_->calls().calls("cloudtrail", "LookupEvents"); }

  static inline const Timestamp kStart =
      date::sys_days{date::year{2026} / 11 / 23} + std::chrono::hours(10);
  SharedManualClock clock_{kStart};
  std::unique_ptr<emulator::Emulator> emulator_;
  std::string endpoint_;
  CurlTransport curl_{CurlTransportOptions{milliseconds(1000), milliseconds(5000), 16 << 20, "",
                                           true, 4}};
  TamperingTransport transport_{curl_};
  RetryPolicy retries_{6, 1};
  std::vector<milliseconds> retry_sleeps_;
  std::vector<milliseconds> limiter_sleeps_;
  QueryClient client_{transport_, clock_, env(), retries_, [this](milliseconds d) {
                        retry_sleeps_.push_back(d);
                        clock_.advance(d);
                      }};
  RequestRateLimiter limiter_{clock_, [this](milliseconds d) {
                                limiter_sleeps_.push_back(d);
                                clock_.advance(d);
                                return true;
                              }};
  CloudTrailClient trail_{client_, limiter_};
  InProcessTransport in_process_{emulator_};
  QueryClient direct_{in_process_, clock_, env(), retries_, [](milliseconds) {}};
};

TEST_F(CloudTrailClientTest, ReadsEveryPageOnce) {
  // 120 writes, 40 on each of three groups, a second apart in threes.
  const std::vector<std::string> groups = {new_group("a"), new_group("b"), new_group("c")};
  for (int i = 0; i < 40; ++i) {
    for (const std::string& group : groups) authorize(group, 1000 + i);
    clock_.advance(seconds(1));
  }
  auto found = lookup(everything());
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->pages, 3);
  EXPECT_EQ(lookups_served(), 3u);
  ASSERT_EQ(found->events.size(), 120u);
  std::set<std::string> ids;
  for (size_t i = 0; i < found->events.size(); ++i) {
    const LookedUpEvent& event = found->events[i];
    ids.insert(event.event_id);
    EXPECT_EQ(event.event_name, "AuthorizeSecurityGroupIngress");
    EXPECT_NE(event.record.find("\"eventName\":\"AuthorizeSecurityGroupIngress\""),
              std::string::npos);
    if (i > 0) {
      EXPECT_LE(event.event_time, found->events[i - 1].event_time) << "newest first";
    }
  }
  EXPECT_EQ(ids.size(), 120u);
  EXPECT_EQ(found->events.front().event_time, kStart + seconds(39));
  EXPECT_EQ(found->events.back().event_time, kStart);
  EXPECT_TRUE(found->complete);

  // With a page budget, the newest part only, and it says so.
  TrailLookup capped = everything();
  capped.max_pages = 2;
  auto newest = lookup(capped);
  ASSERT_TRUE(newest) << newest.error().message;
  EXPECT_FALSE(newest->complete);
  EXPECT_EQ(newest->pages, 2);
  EXPECT_EQ(newest->events.size(), 100u);
  EXPECT_EQ(newest->events.front().event_time, kStart + seconds(39));
}

TEST_F(CloudTrailClientTest, TheLimiterMakesTheThirdPageWait) {
  const std::string group = new_group("web");
  for (int i = 0; i < 101; ++i) authorize(group, 2000 + i);
  auto found = lookup(everything());
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->pages, 3);
  EXPECT_EQ(found->events.size(), 101u);
  // Pages 1 and 2 go at once; page 3 waits out the second, so the emulator never throttles.
  EXPECT_EQ(limiter_sleeps_, std::vector<milliseconds>{milliseconds(1000)});
  EXPECT_TRUE(retry_sleeps_.empty());
  EXPECT_EQ(lookups_served(), 3u);
}

TEST_F(CloudTrailClientTest, ReadOnlyFalseLeavesOutDescribeCalls) {
  const std::string group = new_group("web");
  for (int i = 0; i < 3; ++i) {
    auto read =
        direct_.call(QueryCall{"ec2", kRegion, "DescribeSecurityGroups", "2016-11-15", {}}, &kAdmin);
    ASSERT_TRUE(read) << read.error().message;
  }
  authorize(group, 22);
  auto writes = lookup(everything());
  ASSERT_TRUE(writes) << writes.error().message;
  ASSERT_EQ(writes->events.size(), 1u);
  EXPECT_EQ(writes->events[0].event_name, "AuthorizeSecurityGroupIngress");

  TrailLookup reads_only = everything();
  reads_only.attribute_value = "true";
  auto reads = lookup(reads_only);
  ASSERT_TRUE(reads) << reads.error().message;
  ASSERT_EQ(reads->events.size(), 3u);  // they were recorded: the filter left them out
  EXPECT_EQ(reads->events[0].event_name, "DescribeSecurityGroups");
}

TEST_F(CloudTrailClientTest, TheWindowBoundsAreInclusive) {
  const std::string group = new_group("web");
  for (int port : {1, 2, 3}) {
    authorize(group, port);
    clock_.advance(seconds(10));
  }
  auto middle = lookup(window(kStart + seconds(5), kStart + seconds(15)));
  ASSERT_TRUE(middle) << middle.error().message;
  ASSERT_EQ(middle->events.size(), 1u);
  EXPECT_EQ(middle->events[0].event_time, kStart + seconds(10));

  auto exact = lookup(window(kStart + seconds(10), kStart + seconds(20)));
  ASSERT_TRUE(exact) << exact.error().message;
  ASSERT_EQ(exact->events.size(), 2u);
  EXPECT_EQ(exact->events[0].event_time, kStart + seconds(20));
  EXPECT_EQ(exact->events[1].event_time, kStart + seconds(10));

  auto before = lookup(window(kStart - seconds(60), kStart - seconds(1)));
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_TRUE(before->events.empty());
  EXPECT_EQ(before->pages, 1);

  auto backwards = lookup(window(kStart + seconds(1), kStart));
  ASSERT_FALSE(backwards);
  EXPECT_NE(backwards.error().message.find("starts after it ends"), std::string::npos);
}

TEST_F(CloudTrailClientTest, AnEmulatorThrottleIsRetriedWithBackoff) {
  const std::string group = new_group("web");
  for (int i = 0; i < 101; ++i) authorize(group, 3000 + i);
  // A limiter too generous for the service: the emulator throttles the third page.
  RequestRateLimiter loose{clock_,
                           [this](milliseconds d) {
                             clock_.advance(d);
                             return true;
                           },
                           100};
  CloudTrailClient trail{client_, loose};
  auto found = trail.lookup_events(kAdmin, *AccountId::parse(kAccount), everything());
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->pages, 3);
  EXPECT_EQ(found->events.size(), 101u);
  EXPECT_FALSE(retry_sleeps_.empty());
  EXPECT_EQ(lookups_served(), 3u + retry_sleeps_.size());
}

TEST_F(CloudTrailClientTest, ThrottlingThatDoesNotStopFailsTheLookup) {
  authorize(new_group("web"), 22);
  emulator_->faults().add({emulator::FaultKind::kThrottle, "cloudtrail", "LookupEvents", 0, 1, -1, {}});
  auto found = lookup(everything());
  ASSERT_FALSE(found);
  EXPECT_NE(found.error().message.find("ThrottlingException"), std::string::npos)
      << found.error().message;
  EXPECT_NE(found.error().message.find("after 6 attempts"), std::string::npos);
  EXPECT_EQ(retry_sleeps_.size(), 5u);
}

TEST_F(CloudTrailClientTest, RejectedCredentialsAreAnError) {
  AwsCredentials wrong = kAdmin;
  wrong.secret_access_key = "not-it";
  auto found = lookup(everything(), wrong);
  ASSERT_FALSE(found);
  const std::string& message = found.error().message;
  EXPECT_NE(message.find("cloudtrail:LookupEvents in eu-west-1 failed"), std::string::npos)
      << message;
  EXPECT_NE(message.find("111122223333"), std::string::npos) << message;
  EXPECT_EQ(message.find("not-it"), std::string::npos);  // no secret in messages
  EXPECT_TRUE(retry_sleeps_.empty());
}

TEST_F(CloudTrailClientTest, AMalformedPageFailsTheWholeLookup) {
  const std::string group = new_group("web");
  for (int i = 0; i < 60; ++i) authorize(group, 4000 + i);
  transport_.tamper = [](int nth, HttpResponse& response) {
    if (nth == 2) response.body = R"({"Events": [{"EventId": "e-1", "EventName": "X",
                                                  "EventTime": 1795000000}]})";
  };
  auto found = lookup(everything());
  ASSERT_FALSE(found);
  EXPECT_NE(found.error().message.find("page 2"), std::string::npos) << found.error().message;
  EXPECT_NE(found.error().message.find("Events[0] has no CloudTrailEvent"), std::string::npos)
      << found.error().message;
}

TEST_F(CloudTrailClientTest, ARepeatedNextTokenIsAnError) {
  const std::string group = new_group("web");
  for (int i = 0; i < 60; ++i) authorize(group, 5000 + i);
  std::string first_page;
  transport_.tamper = [&first_page](int nth, HttpResponse& response) {
    if (nth == 1) first_page = response.body;
    if (nth == 2) response.body = first_page;
  };
  auto found = lookup(everything());
  ASSERT_FALSE(found);
  EXPECT_NE(found.error().message.find("same NextToken"), std::string::npos)
      << found.error().message;
}

// --- One page's request and response, without a server. ---

TEST(CloudTrailClientPageTest, EveryPageAsksTheSameQuestion) {
  TrailLookup lookup{*Region::parse(kRegion), Timestamp(seconds(1795000000)),
                     Timestamp(milliseconds(1795000060500))};
  const auto body = nlohmann::json::parse(lookup_events_request(lookup, "tok"));
  EXPECT_EQ(body["LookupAttributes"],
            nlohmann::json::parse(R"([{"AttributeKey":"ReadOnly","AttributeValue":"false"}])"));
  EXPECT_EQ(body["StartTime"], 1795000000);
  EXPECT_EQ(body["EndTime"], 1795000060.5);
  EXPECT_EQ(body["MaxResults"], 50);
  EXPECT_EQ(body["NextToken"], "tok");
  EXPECT_FALSE(nlohmann::json::parse(lookup_events_request(lookup, "")).contains("NextToken"));
}

TEST(CloudTrailClientPageTest, ReadsAPage) {
  auto page = parse_lookup_events_page(R"({"Events": [{"EventId": "e1", "EventName": "N",
      "EventTime": 1795000000.25, "CloudTrailEvent": "{}", "Username": "admin"}],
      "NextToken": "t"})");
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].event_time, Timestamp(milliseconds(1795000000250)));
  EXPECT_EQ(page->events[0].record, "{}");
  EXPECT_EQ(page->next_token, "t");
  auto last = parse_lookup_events_page(R"({"Events": [], "NextToken": null})");
  ASSERT_TRUE(last) << last.error().message;
  EXPECT_TRUE(last->next_token.empty());
}

TEST(CloudTrailClientPageTest, NamesWhatIsWrong) {
  const std::string event = R"("EventId": "e1", "EventName": "N", "CloudTrailEvent": "{}")";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<xml/>", "not JSON"},
      {"[]", "the response: expected object, got array"},
      {"{}", "no Events"},
      {R"({"Events": {}})", "Events: expected array, got object"},
      {R"({"Events": [{"EventTime": 1, "EventName": "N", "CloudTrailEvent": "{}"}]})",
       "Events[0] has no EventId"},
      {R"({"Events": [{)" + event + R"(, "EventTime": "yesterday"}]})",
       "Events[0].EventTime: expected number of epoch seconds, got string"},
      {R"({"Events": [{)" + event + "}]}", "Events[0] has no EventTime"},
      {R"({"Events": [{)" + event + R"(, "EventTime": 1e300}]})", "is not a time"},
      {R"({"Events": [], "NextToken": 5})", "NextToken: expected string"},
  };
  for (const auto& [body, says] : cases) {
    auto page = parse_lookup_events_page(body);
    ASSERT_FALSE(page) << body;
    EXPECT_NE(page.error().message.find(says), std::string::npos)
        << body << " -> " << page.error().message;
  }
}

}  // namespace
}  // namespace sgwatch::cloudtrail_client_test
