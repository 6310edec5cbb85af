// Who made a CloudTrail call: userIdentity to Actor (read_actor), and the kind of client
// from the user agent (classify_agent, to_string(AgentClass)). Apart from the envelope in
// record_parser.cc because it reads no security-group payload and is shared by every record.
#include "trail/record_actor.h"

#include <string>
#include <string_view>
#include <utility>

#include "trail/record_parser.h"

namespace sgwatch {
namespace trail_detail {

// ---- who made the call ----

Status read_actor(const Node& record, Actor& actor) {
  auto identity = record.child("userIdentity", Keys::kAnyCase);
  if (!identity) return pass(identity);
  if (!*identity) return {};
  const Node& who = **identity;
  struct Field {
    std::string_view key;
    std::string* out;
  };
  for (Field field : {Field{"type", &actor.type}, Field{"arn", &actor.arn},
                      Field{"principalId", &actor.principal_id},
                      Field{"accountId", &actor.account_id},
                      Field{"accessKeyId", &actor.access_key_id},
                      Field{"userName", &actor.user_name},
                      Field{"invokedBy", &actor.invoked_by}}) {
    auto text = who.string_or_empty(field.key);
    if (!text) return pass(text);
    *field.out = std::move(*text);
  }
  auto session = who.child("sessionContext");
  if (!session) return pass(session);
  if (*session) {
    auto issuer = (*session)->child("sessionIssuer");
    if (!issuer) return pass(issuer);
    if (*issuer) {
      auto arn = (*issuer)->string_or_empty("arn");
      if (!arn) return pass(arn);
      auto name = (*issuer)->string_or_empty("userName");
      if (!name) return pass(name);
      actor.session_issuer_arn = std::move(*arn);
      actor.session_issuer_name = std::move(*name);
    }
  }
  // An assumed role's ARN ends in the session name, which is who acted: a person's name
  // or an instance id, where userName would be empty.
  if (actor.type == "AssumedRole" && actor.user_name.empty()) {
    if (size_t slash = actor.arn.rfind('/'); slash != std::string::npos) {
      actor.user_name = actor.arn.substr(slash + 1);
    }
  }
  return {};
}

}  // namespace trail_detail

namespace {

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace

std::string to_string(AgentClass agent) {
  switch (agent) {
    case AgentClass::kConsole: return "console";
    case AgentClass::kAwsCli: return "awscli";
    case AgentClass::kSdk: return "sdk";
    case AgentClass::kTerraform: return "terraform";
    case AgentClass::kCloudFormation: return "cloudformation";
    case AgentClass::kAwsService: return "aws-service";
    case AgentClass::kOther: return "other";
  }
  return "other";
}

AgentClass classify_agent(std::string_view agent, std::string_view invoked_by) {
  // Terraform speaks through aws-sdk-go, so it is recognised before the SDKs.
  if (contains(agent, "Terraform/") || contains(agent, "terraform-provider-aws")) {
    return AgentClass::kTerraform;
  }
  if (agent == "console.amazonaws.com" || agent == "console.ec2.amazonaws.com" ||
      agent == "signin.amazonaws.com" || agent == "AWS Internal") {
    return AgentClass::kConsole;
  }
  if (contains(agent, "cloudformation.amazonaws.com")) return AgentClass::kCloudFormation;
  // awscli's agent names botocore too: it is recognised before the SDKs.
  if (contains(agent, "aws-cli/")) return AgentClass::kAwsCli;
  if (agent.ends_with(".amazonaws.com") || !invoked_by.empty()) return AgentClass::kAwsService;
  for (std::string_view sdk : {"aws-sdk-", "Boto3/", "botocore/", "APN/1.0", "aws-internal/"}) {
    if (contains(agent, sdk)) return AgentClass::kSdk;
  }
  return AgentClass::kOther;
}

}  // namespace sgwatch
