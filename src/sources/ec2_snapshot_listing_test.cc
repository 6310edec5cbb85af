// A listing that shifts while it is paged (a group on two pages) is no snapshot; fed by
// canned EC2 pages, since a stable server never does this on its own.
#include <gtest/gtest.h>

#include "sources/ec2_snapshot.h"
#include "test_support.h"

namespace sgwatch::ec2_snapshot_listing_test {
namespace {

std::string page(const std::string& group_id, const std::string& next_token) {
  return "<DescribeSecurityGroupsResponse><securityGroupInfo><item><ownerId>111122223333"
         "</ownerId><groupId>" + group_id + "</groupId><groupName>g</groupName>"
         "<groupDescription>d</groupDescription><ipPermissions/><ipPermissionsEgress/>"
         "</item></securityGroupInfo>" +
         (next_token.empty() ? "" : "<nextToken>" + next_token + "</nextToken>") +
         "</DescribeSecurityGroupsResponse>";
}

// Answers each request with the next canned body.
struct CannedPages final : HttpTransport {
  std::vector<std::string> bodies;
  size_t served = 0;
  TransportResult<HttpResponse> send(const HttpRequest&) override {
    HttpResponse response;
    response.status = 200;
    response.body = bodies.at(served++);
    return response;
  }
};

class ListingTest : public ::testing::Test {
 protected:
  Result<Snapshot> read() {
    return read_scope_snapshot(client_, credentials_, scope_, Timestamp(std::chrono::hours(1)));
  }
  CannedPages pages_;
  ManualClock clock_{Timestamp(std::chrono::hours(1))};
  RetryPolicy retries_{1, 1};
  QueryClient client_{pages_, clock_, testing::env_of({{"AWS_ENDPOINT_URL", "http://127.0.0.1:9"}}),
                      retries_, [](std::chrono::milliseconds) {}};
  AwsCredentials credentials_{"AKIDEXAMPLE", "secret", "", std::nullopt};
  Scope scope_{AccountId::parse("111122223333").value(), Region::parse("eu-west-1").value()};
};

TEST_F(ListingTest, AGroupOnTwoPagesMeansTheListingShifted) {
  pages_.bodies = {page("sg-11111111", "t1"), page("sg-22222222", "t2"), page("sg-11111111", "")};
  auto snapshot = read();
  ASSERT_FALSE(snapshot);
  EXPECT_NE(snapshot.error().message.find("sg-11111111 appeared on two pages of "
                                          "111122223333/eu-west-1"),
            std::string::npos)
      << snapshot.error().message;
  EXPECT_EQ(pages_.served, 3u);
}

TEST_F(ListingTest, DistinctGroupsOnEveryPageAreOneSnapshot) {
  pages_.bodies = {page("sg-11111111", "t1"), page("sg-22222222", "")};
  auto snapshot = read();
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  EXPECT_EQ(snapshot->groups.size(), 2u);
}

}  // namespace
}  // namespace sgwatch::ec2_snapshot_listing_test
