// IAM role ARNs, as users write them for the accounts sgwatch observes:
// arn:aws:iam::123456789012:role/sgwatch-reader (paths and other partitions allowed).
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/ids.h"

namespace sgwatch {

struct RoleArn {
  std::string text;       // as given
  std::string partition;  // "aws", "aws-cn", "aws-us-gov"
  AccountId account;
  std::string name;       // the last path segment: "sgwatch-reader"
};

Result<RoleArn> parse_role_arn(std::string_view text);

}  // namespace sgwatch
