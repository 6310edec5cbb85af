#include "aws/role_arn.h"

#include <vector>

#include <fmt/format.h>

namespace sgwatch {

Result<RoleArn> parse_role_arn(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return invalid(fmt::format(
        "'{}' is not an IAM role ARN ({}); expected arn:aws:iam::123456789012:role/NAME", text,
        why));
  };
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {  // arn : partition : service : region : account : resource
    size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) return bad("too few ':'-separated parts");
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  std::string_view resource = text.substr(start);
  if (parts[0] != "arn") return bad("it must start with 'arn:'");
  if (parts[1].empty()) return bad("the partition is empty");
  if (parts[2] != "iam") return bad("the service must be 'iam'");
  if (!parts[3].empty()) return bad("IAM ARNs have no region");
  auto account = AccountId::parse(parts[4]);
  if (!account) return bad(account.error().message);
  if (!resource.starts_with("role/") || resource.size() == 5 || resource.back() == '/') {
    return bad("the resource must be role/NAME");
  }
  std::string_view name = resource.substr(resource.rfind('/') + 1);
  return RoleArn{std::string(text), std::string(parts[1]), *account, std::string(name)};
}

}  // namespace sgwatch
