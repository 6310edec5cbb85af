// One API call as CloudTrail recorded it, reduced to what sgwatch needs: who, from where,
// when, whether it succeeded, and what it did to which security groups. Every source of
// CloudTrail records (log files, LookupEvents, EventBridge) produces these, through one
// parser (record_parser.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/diff.h"
#include "core/ids.h"
#include "core/rule.h"

namespace sgwatch {

// What kind of client made the call, from its user agent.
enum class AgentClass {
  kConsole,         // console.amazonaws.com, console.ec2.amazonaws.com, "AWS Internal"
  kAwsCli,          // aws-cli/2.x ...
  kSdk,             // aws-sdk-go, Boto3/botocore, aws-sdk-java, ...
  kTerraform,       // Terraform/1.x, terraform-provider-aws (an SDK underneath; named first)
  kCloudFormation,  // cloudformation.amazonaws.com
  kAwsService,      // another AWS service on the caller's behalf (*.amazonaws.com, invokedBy)
  kOther,
};
std::string to_string(AgentClass agent);  // "console", "awscli", "sdk", "terraform", ...

struct Actor {
  std::string type;           // userIdentity.type: IAMUser, AssumedRole, Root, AWSService, ...
  std::string arn;            // userIdentity.arn (empty for some AWSService calls)
  std::string principal_id;
  std::string account_id;     // userIdentity.accountId: may differ from the call's account
  std::string access_key_id;
  std::string user_name;      // IAM user name, or the session name of an assumed role
  std::string session_issuer_arn;  // the role behind an assumed-role session
  std::string session_issuer_name; // that role's name (sessionIssuer.userName)
  std::string invoked_by;     // an AWS service acting for the caller
};

// What the call did. Rule-level details are filled where the record carries them.
struct GroupEffect {
  GroupId group;
  std::vector<Rule> rules;         // rules added or removed (direction set), or whose
                                   // description was updated
  std::vector<RuleId> rule_ids;    // rules named by id (ModifySecurityGroupRules, responses,
                                   // tags on sgr-), in record order
  std::vector<TagChange> tags;     // CreateTags (after set) / DeleteTags (before if given)
  // UpdateSecurityGroupRuleDescriptions* by rule id: the new description of each.
  struct IdDescription {
    RuleId id;
    std::string description;
  };
  std::vector<IdDescription> id_descriptions;
};

struct ApiCall {
  std::string event_id;
  Timestamp event_time{};
  std::string event_name;    // "AuthorizeSecurityGroupIngress", ...
  std::string event_source;  // "ec2.amazonaws.com"
  std::optional<AccountId> account;  // recipientAccountId: the account whose group changed
  std::optional<Region> region;      // awsRegion
  Actor actor;
  std::string source_ip;     // sourceIPAddress: an IP, or a service name
  std::string user_agent;
  AgentClass agent = AgentClass::kOther;
  std::string error_code;    // empty: the call succeeded
  std::string error_message;
  std::string request_id;
  std::vector<GroupEffect> effects;  // one per security group the call touched
  std::string group_name;    // CreateSecurityGroup's groupName; a group named only by name
                             // (EC2-Classic, default VPC) when the record has no id
  std::string group_description;  // CreateSecurityGroup's groupDescription
  std::optional<VpcId> vpc;  // CreateSecurityGroup's and Associate/Disassociate's vpcId
  // CreateTags/DeleteTags on security group rules (sgr-): the record does not say which
  // group they belong to, so they are kept here, with the tag changes applied to them.
  std::vector<RuleId> tagged_rules;
  std::vector<TagChange> rule_tags;
  // What the record says that has no place above, for people to read: a failed call's
  // request parameters that did not validate (EC2 refused them too), or a peer group named
  // only by name. Never a reason to guess.
  std::vector<std::string> notes;

  // A call that failed (UnauthorizedOperation, ...): reported as an attempt, never a change.
  bool attempt() const { return !error_code.empty(); }
};

}  // namespace sgwatch
