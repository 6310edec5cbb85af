// Who is calling: the identity an access key (or a session from AssumeRole) maps to, and
// what it may do. Services use it for ownership (which account's groups), for records of
// who did what, and to refuse actions with UnauthorizedOperation.
#pragma once

#include <set>
#include <string>

namespace sgwatch::emulator {

struct Caller {
  std::string account_id;    // "111122223333"
  std::string arn;           // arn:aws:iam::111122223333:user/alice, or an assumed-role ARN
  std::string principal_id;  // AIDA... for users, AROA...:session for roles
  std::string access_key_id;
  std::string type;          // "IAMUser" or "AssumedRole", as CloudTrail names them
  // Actions ("ec2:AuthorizeSecurityGroupIngress") refused to this caller; everything else
  // is allowed. "ec2:*" refuses every EC2 action.
  std::set<std::string> denied;
  // AssumedRole only: when STS issued the session, "2026-11-23T10:00:00Z" (CloudTrail's
  // sessionContext.attributes.creationDate).
  std::string session_created;

  bool may(const std::string& service, const std::string& action) const {
    return denied.count(service + ":" + action) == 0 && denied.count(service + ":*") == 0;
  }
};

}  // namespace sgwatch::emulator
