// EC2's XML: successful responses (<ActionResponse xmlns="http://ec2.amazonaws.com/doc/
// 2016-11-15/"> with a requestId), the shapes shared by several responses (groups, rules,
// tags), and EC2's error document, which differs from the other Query services'
// (<Response><Errors><Error>, and <RequestID> in capitals).
//
// Element names follow the service model's locationNames, since awscli parses responses by
// the model and silently drops what it does not expect.
#pragma once

#include <string>

#include <pugixml.hpp>

#include "emulator/ec2/ec2_error.h"
#include "emulator/ec2/ec2_model.h"
#include "emulator/http_types.h"

namespace sgwatch::emulator {

inline constexpr char kEc2Namespace[] = "http://ec2.amazonaws.com/doc/2016-11-15/";
inline constexpr char kEc2ContentType[] = "text/xml;charset=UTF-8";

// One successful response document for `action`, with its requestId already in place.
class XmlReply {
 public:
  XmlReply(const std::string& action, const std::string& request_id);
  XmlReply(const XmlReply&) = delete;
  XmlReply& operator=(const XmlReply&) = delete;

  pugi::xml_node root() { return root_; }
  // Appends <return>true</return>, as every mutating call answers.
  void add_return_true();
  // HTTP 200 with the document.
  Response response() const;

 private:
  pugi::xml_document doc_;
  pugi::xml_node root_;
};

// <name>value</name> under `parent`; returns the new element.
pugi::xml_node add_text(pugi::xml_node parent, const char* name, const std::string& value);

// "aws", "aws-cn" or "aws-us-gov", for ARNs.
std::string partition_of(const std::string& region);
std::string group_arn(const std::string& region, const std::string& account,
                      const std::string& group_id);
std::string rule_arn(const std::string& region, const std::string& account,
                     const std::string& rule_id);

// <tagSet><item><key/><value/></item>...</tagSet> under `parent`.
void write_tag_set(pugi::xml_node parent, const Tags& tags);
// The members of a SecurityGroupRule (DescribeSecurityGroupRules, Authorize*) into `item`.
void write_rule(pugi::xml_node item, const StoredRule& rule, const std::string& region);
// The members of a RevokedSecurityGroupRule into `item`.
void write_revoked_rule(pugi::xml_node item, const StoredRule& rule);
// The members of a SecurityGroup into `item`: atomic rules are grouped back into
// IpPermissions by protocol and ports, in the order the rules were added.
void write_group(pugi::xml_node item, const StoredGroup& group, const Ec2Scope& scope);

// EC2's error document:
//   <?xml version="1.0" encoding="UTF-8"?>
//   <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>
// Thread-safe. Without a request id, a fresh random one is used.
Response ec2_error(int status, const std::string& code, const std::string& message);
Response ec2_error(int status, const std::string& code, const std::string& message,
                   const std::string& request_id);
Response ec2_error(const Ec2Error& error, const std::string& request_id);

}  // namespace sgwatch::emulator
