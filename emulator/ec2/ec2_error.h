// An EC2 API error as a value: the HTTP status, EC2's error code and its message. Handlers
// return these; the service turns them into EC2's error XML (see ec2_xml.h).
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace sgwatch::emulator {

struct Ec2Error {
  int status = 400;
  std::string code;     // "InvalidGroup.NotFound"
  std::string message;  // as AWS words it, so clients that match on text behave the same
};

template <typename T>
using Ec2Result = tl::expected<T, Ec2Error>;
using Ec2Status = Ec2Result<void>;

inline tl::unexpected<Ec2Error> ec2_fail(std::string code, std::string message,
                                         int status = 400) {
  return tl::unexpected<Ec2Error>(Ec2Error{status, std::move(code), std::move(message)});
}

// The errors several operations share, worded the way EC2 words them.
inline tl::unexpected<Ec2Error> missing_parameter(const std::string& name) {
  return ec2_fail("MissingParameter", "The request must contain the parameter " + name);
}
inline tl::unexpected<Ec2Error> invalid_value(std::string message) {
  return ec2_fail("InvalidParameterValue", std::move(message));
}
inline tl::unexpected<Ec2Error> group_not_found(const std::string& id) {
  return ec2_fail("InvalidGroup.NotFound", "The security group '" + id + "' does not exist");
}
inline tl::unexpected<Ec2Error> group_name_not_found(const std::string& name,
                                                     const std::string& vpc_id) {
  return ec2_fail("InvalidGroup.NotFound", "The security group '" + name +
                                               "' does not exist in default VPC '" + vpc_id +
                                               "'");
}
inline tl::unexpected<Ec2Error> rule_id_not_found(const std::string& id) {
  return ec2_fail("InvalidSecurityGroupRuleId.NotFound",
                  "The security group rule ID '" + id + "' does not exist");
}
inline tl::unexpected<Ec2Error> malformed_id(const std::string& code, const std::string& id,
                                             const std::string& prefix) {
  return ec2_fail(code, "Invalid id: \"" + id + "\" (expecting \"" + prefix + "...\")");
}

}  // namespace sgwatch::emulator
