// Helpers for the EC2 service tests: a service with fixed ids, a caller, and responses
// parsed with pugixml so tests can ask for elements by path.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include <pugixml.hpp>

#include "emulator/caller.h"
#include "emulator/ec2/ec2_service.h"
#include "emulator/http_types.h"

namespace sgwatch::emulator::ec2_testing {

inline constexpr char kAccount[] = "111122223333";
inline constexpr char kRegion[] = "us-east-1";

// True for `prefix`-, then 17 lowercase hex digits: the id shape EC2 uses today.
inline bool is_long_id(const std::string& id, const std::string& prefix) {
  const std::string head = prefix + "-";
  if (id.size() != head.size() + 17 || id.compare(0, head.size(), head) != 0) return false;
  return id.find_first_not_of("0123456789abcdef", head.size()) == std::string::npos;
}

inline Caller alice() {
  Caller caller;
  caller.account_id = kAccount;
  caller.arn = std::string("arn:aws:iam::") + kAccount + ":user/alice";
  caller.principal_id = "AIDAEXAMPLEALICE0001";
  caller.access_key_id = "AKIAEXAMPLEALICE0001";
  caller.type = "IAMUser";
  return caller;
}

struct Reply {
  int status = 0;
  std::string body;
  pugi::xml_document doc;

  // Text of the first node matching an XPath ("//groupId"), "" when none.
  std::string text(const std::string& xpath) const {
    return doc.select_node(xpath.c_str()).node().text().get();
  }
  size_t count(const std::string& xpath) const { return doc.select_nodes(xpath.c_str()).size(); }
  std::vector<std::string> texts(const std::string& xpath) const {
    std::vector<std::string> out;
    for (const pugi::xpath_node& node : doc.select_nodes(xpath.c_str())) {
      out.emplace_back(node.node().text().get());
    }
    return out;
  }
  std::string error_code() const { return text("/Response/Errors/Error/Code"); }
  std::string error_message() const { return text("/Response/Errors/Error/Message"); }
};

class Ec2ServiceTest : public ::testing::Test {
 protected:
  Reply call(const Params& params, const std::string& region = kRegion) {
    return call_as(caller_, params, region);
  }
  Reply call_as(const Caller& caller, const Params& params,
                const std::string& region = kRegion) {
    Params full = params;
    full.emplace("Version", "2016-11-15");
    Response response = service_.handle(caller, region, full);
    Reply reply;
    reply.status = response.status;
    reply.body = response.body;
    const pugi::xml_parse_result parsed = reply.doc.load_string(reply.body.c_str());
    EXPECT_TRUE(parsed) << "not XML: " << reply.body;
    return reply;
  }

  // Creates a group through the API and returns its id.
  std::string create(const std::string& name) {
    Reply reply = call({{"Action", "CreateSecurityGroup"},
                        {"GroupName", name},
                        {"GroupDescription", "group " + name}});
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.text("/CreateSecurityGroupResponse/groupId");
  }

  // Authorizes one tcp ingress rule from an IPv4 CIDR.
  Reply allow_tcp(const std::string& group_id, int port, const std::string& cidr,
                  const std::string& description = "") {
    Params params = {{"Action", "AuthorizeSecurityGroupIngress"},
                     {"GroupId", group_id},
                     {"IpPermissions.1.IpProtocol", "tcp"},
                     {"IpPermissions.1.FromPort", std::to_string(port)},
                     {"IpPermissions.1.ToPort", std::to_string(port)},
                     {"IpPermissions.1.IpRanges.1.CidrIp", cidr}};
    if (!description.empty()) params["IpPermissions.1.IpRanges.1.Description"] = description;
    return call(params);
  }

  Ec2Service service_{{"us-east-1", "eu-west-1"}, 42};
  Caller caller_ = alice();
};

}  // namespace sgwatch::emulator::ec2_testing
