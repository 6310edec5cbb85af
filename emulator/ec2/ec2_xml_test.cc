#include "emulator/ec2/ec2_xml.h"

#include <gtest/gtest.h>

namespace sgwatch::emulator::ec2_xml_test {
namespace {

TEST(Ec2Xml, ErrorDocumentIsEc2s) {
  const Response response = ec2_error(400, "InvalidGroup.NotFound",
                                      "The security group 'sg-1' does not exist", "req-1");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.content_type, "text/xml;charset=UTF-8");
  EXPECT_EQ(response.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Response><Errors><Error><Code>InvalidGroup.NotFound</Code><Message>The security "
            "group 'sg-1' does not exist</Message></Error></Errors><RequestID>req-1</RequestID>"
            "</Response>");
}

TEST(Ec2Xml, ErrorTextIsEscaped) {
  const Response response = ec2_error(500, "InternalError", "a < b & \"c\"");
  EXPECT_NE(response.body.find("<Message>a &lt; b &amp; \"c\"</Message>"), std::string::npos);
  EXPECT_NE(response.body.find("<RequestID>"), std::string::npos);
  EXPECT_EQ(response.status, 500);
}

TEST(Ec2Xml, ReplyCarriesNamespaceAndRequestId) {
  XmlReply reply("DeleteTags", "req-2");
  reply.add_return_true();
  EXPECT_EQ(reply.response().body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<DeleteTagsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
            "<requestId>req-2</requestId><return>true</return></DeleteTagsResponse>");
}

TEST(Ec2Xml, ArnsFollowThePartition) {
  EXPECT_EQ(group_arn("us-east-1", "111122223333", "sg-1"),
            "arn:aws:ec2:us-east-1:111122223333:security-group/sg-1");
  EXPECT_EQ(rule_arn("cn-north-1", "111122223333", "sgr-1"),
            "arn:aws-cn:ec2:cn-north-1:111122223333:security-group-rule/sgr-1");
  EXPECT_EQ(partition_of("us-gov-west-1"), "aws-us-gov");
}

}  // namespace
}  // namespace sgwatch::emulator::ec2_xml_test
