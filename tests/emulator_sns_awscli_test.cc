// The emulator's SNS and AWS Config against a real AWS client: Debian's awscli signs each
// call for "sns" (Query protocol) or "config" (JSON 1.1, StarlingDoveService) and parses
// each answer by the service model. A loopback receiver plays the subscribed HTTP
// endpoint: it confirms by fetching the SubscribeURL, as an application would.
#include <gtest/gtest.h>
#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "awscli.h"
#include "emulator_fixture.h"

namespace sgwatch::emulator_sns_awscli_test {
namespace {

using std::chrono::seconds;
using testing::AwsCli;
using testing::fails_with;
using testing::ok;

constexpr char kRegion[] = "eu-west-1";

// Records every body posted to it; confirms subscriptions by GETting their SubscribeURL.
class SnsReceiver {
 public:
  SnsReceiver() {
    server_.Post("/sns", [this](const httplib::Request& request, httplib::Response& response) {
      const auto message = nlohmann::json::parse(request.body, nullptr, false);
      if (!message.is_discarded() && message.value("Type", "") == "SubscriptionConfirmation") {
        confirm(message.value("SubscribeURL", ""));
      }
      {
        std::lock_guard lock(mutex_);
        bodies_.push_back(request.body);
      }
      arrived_.notify_all();
      response.status = 200;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~SnsReceiver() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/sns"; }
  bool wait_for(size_t n) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, seconds(10), [&] { return bodies_.size() >= n; });
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  int confirm_status() {
    std::lock_guard lock(mutex_);
    return confirm_status_;
  }

 private:
  void confirm(const std::string& url) {
    // "http://127.0.0.1:PORT/?Action=..." -> base and target.
    const size_t path = url.find('/', url.find("://") + 3);
    httplib::Client client(url.substr(0, path));
    auto answer = client.Get(url.substr(path));
    std::lock_guard lock(mutex_);
    confirm_status_ = answer ? answer->status : 0;
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> bodies_;
  int confirm_status_ = 0;
};

class EmulatorSnsAwsCliTest : public testing::EmulatorTest {
 protected:
  AwsCli cli() const {
    return AwsCli(emulator_->endpoint(), "AKIAEMULATORADMIN000", "emulator-admin-secret",
                  kRegion);
  }
};

TEST_F(EmulatorSnsAwsCliTest, TopicSubscriptionAndPublish) {
  const AwsCli aws = cli();
  const std::string topic = ok(aws, {"sns", "create-topic", "--name", "alerts"})["TopicArn"];
  EXPECT_EQ(topic, "arn:aws:sns:eu-west-1:111122223333:alerts");
  EXPECT_EQ(ok(aws, {"sns", "create-topic", "--name", "alerts"})["TopicArn"], topic);
  auto topics = ok(aws, {"sns", "list-topics"});
  ASSERT_EQ(topics["Topics"].size(), 1u) << topics.dump();
  EXPECT_EQ(topics["Topics"][0]["TopicArn"], topic);

  ok(aws, {"sns", "set-topic-attributes", "--topic-arn", topic, "--attribute-name",
           "SignatureVersion", "--attribute-value", "2"});
  auto attributes = ok(aws, {"sns", "get-topic-attributes", "--topic-arn", topic});
  EXPECT_EQ(attributes["Attributes"]["SignatureVersion"], "2") << attributes.dump();

  SnsReceiver receiver;
  auto subscribed = ok(aws, {"sns", "subscribe", "--topic-arn", topic, "--protocol", "http",
                             "--notification-endpoint", receiver.url()});
  EXPECT_EQ(subscribed["SubscriptionArn"], "pending confirmation");
  ASSERT_TRUE(receiver.wait_for(1));
  EXPECT_EQ(receiver.confirm_status(), 200);

  auto listed = ok(aws, {"sns", "list-subscriptions-by-topic", "--topic-arn", topic});
  ASSERT_EQ(listed["Subscriptions"].size(), 1u) << listed.dump();
  const auto& subscription = listed["Subscriptions"][0];
  EXPECT_EQ(subscription["Protocol"], "http");
  EXPECT_EQ(subscription["Endpoint"], receiver.url());
  EXPECT_EQ(subscription["Owner"], "111122223333");
  const std::string arn = subscription["SubscriptionArn"];
  EXPECT_TRUE(arn.starts_with(topic + ":")) << arn;

  const std::string id = ok(aws, {"sns", "publish", "--topic-arn", topic, "--message",
                                  "port 22 opened", "--subject", "sg changed"})["MessageId"];
  ASSERT_TRUE(receiver.wait_for(2));
  const auto notification = nlohmann::json::parse(receiver.bodies()[1]);
  EXPECT_EQ(notification["Type"], "Notification");
  EXPECT_EQ(notification["MessageId"], id);
  EXPECT_EQ(notification["Message"], "port 22 opened");
  EXPECT_EQ(notification["Subject"], "sg changed");
  EXPECT_EQ(notification["SignatureVersion"], "2");
  EXPECT_EQ(notification["SigningCertURL"], emulator_->sns().certificate_url());

  ok(aws, {"sns", "unsubscribe", "--subscription-arn", arn});
  ASSERT_TRUE(receiver.wait_for(3));
  EXPECT_EQ(nlohmann::json::parse(receiver.bodies()[2])["Type"], "UnsubscribeConfirmation");
  EXPECT_TRUE(ok(aws, {"sns", "list-subscriptions-by-topic", "--topic-arn", topic})
                  ["Subscriptions"].empty());
}

TEST_F(EmulatorSnsAwsCliTest, ErrorsAsSnsWritesThem) {
  const AwsCli aws = cli();
  fails_with(aws, {"sns", "publish", "--topic-arn", "arn:aws:sns:eu-west-1:111122223333:none",
                   "--message", "x"},
             "NotFound");
  fails_with(aws, {"sns", "create-topic", "--name", "no spaces"}, "InvalidParameter");
  const std::string topic = ok(aws, {"sns", "create-topic", "--name", "t"})["TopicArn"];
  fails_with(aws, {"sns", "subscribe", "--topic-arn", topic, "--protocol", "email",
                   "--notification-endpoint", "ops@example.com"},
             "InvalidParameter");
  fails_with(aws, {"sns", "publish", "--topic-arn", "arn:aws:sns:eu-west-1:999988887777:t",
                   "--message", "x"},
             "AuthorizationError");
}

TEST_F(EmulatorSnsAwsCliTest, ConfigHistoryOfAGroupChangedThroughEc2) {
  const AwsCli aws = cli();
  auto topic = emulator_->sns().create_topic(kRegion, "111122223333", "config-topic");
  ASSERT_TRUE(topic);
  SnsReceiver receiver;
  ASSERT_TRUE(emulator_->sns().subscribe(*topic, receiver.url()));
  ASSERT_TRUE(receiver.wait_for(1));
  emulator_->config().deliver_to(kRegion, *topic);

  const std::string group = ok(aws, {"ec2", "create-security-group", "--group-name", "web",
                                     "--description", "web tier"})["GroupId"];
  ok(aws, {"ec2", "authorize-security-group-ingress", "--group-id", group, "--protocol", "tcp",
           "--port", "22", "--cidr", "0.0.0.0/0"});

  auto history = ok(aws, {"configservice", "get-resource-config-history", "--resource-type",
                          "AWS::EC2::SecurityGroup", "--resource-id", group});
  const auto& items = history["configurationItems"];
  ASSERT_EQ(items.size(), 2u) << history.dump();
  EXPECT_EQ(items[0]["configurationItemStatus"], "OK");
  EXPECT_EQ(items[1]["configurationItemStatus"], "ResourceDiscovered");
  EXPECT_EQ(items[0]["resourceId"], group);
  EXPECT_EQ(items[0]["resourceName"], "web");
  EXPECT_EQ(items[0]["awsRegion"], kRegion);
  const auto configuration = nlohmann::json::parse(items[0]["configuration"].get<std::string>());
  EXPECT_EQ(configuration["ipPermissions"][0]["fromPort"], 22);
  EXPECT_EQ(configuration["ipPermissions"][0]["ipRanges"], nlohmann::json::array({"0.0.0.0/0"}));
  // relatedEvents names the CloudTrail record of the call.
  auto trail = ok(aws, {"cloudtrail", "lookup-events", "--lookup-attributes",
                        "AttributeKey=EventName,AttributeValue=AuthorizeSecurityGroupIngress"});
  ASSERT_EQ(trail["Events"].size(), 1u);
  EXPECT_EQ(items[0]["relatedEvents"], nlohmann::json::array({trail["Events"][0]["EventId"]}));

  // The same change reached the subscriber as a Config notification inside SNS's envelope.
  ASSERT_TRUE(receiver.wait_for(3));
  const auto delivered = nlohmann::json::parse(receiver.bodies()[2]);
  const auto message = nlohmann::json::parse(delivered["Message"].get<std::string>());
  EXPECT_EQ(message["messageType"], "ConfigurationItemChangeNotification");
  EXPECT_EQ(message["configurationItem"]["resourceId"], group);
  EXPECT_EQ(message["configurationItemDiff"]["changedProperties"]
                   ["Configuration.IpPermissions.0"]["changeType"],
            "CREATE");

  fails_with(aws, {"configservice", "get-resource-config-history", "--resource-type",
                   "AWS::EC2::SecurityGroup", "--resource-id", "sg-00000000000000000"},
             "ResourceNotDiscoveredException");
}

}  // namespace
}  // namespace sgwatch::emulator_sns_awscli_test
