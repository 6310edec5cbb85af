#include "aws/assume_role_provider.h"

#include <fstream>
#include <sstream>

namespace sgwatch {

Result<AwsCredentials> AssumeRoleProvider::credentials() {
  auto source = source_->credentials();
  if (!source) {
    return tl::unexpected(source.error().within("assuming " + request_.role_arn + " with " +
                                                source_->name()));
  }
  auto assumed = sts_.assume_role(*source, request_);
  if (!assumed) return tl::unexpected(assumed.error().within("assuming " + request_.role_arn));
  return assumed;
}

Result<AwsCredentials> WebIdentityProvider::credentials() {
  std::ifstream in(token_file_);
  if (!in) {
    return fail(ErrorCode::kIo, "cannot read the web identity token file '" + token_file_ + "'");
  }
  std::stringstream token;
  token << in.rdbuf();
  std::string text = token.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return invalid("the web identity token file '" + token_file_ + "' is empty");
  auto assumed = sts_.assume_role_with_web_identity(request_, text);
  if (!assumed) {
    return tl::unexpected(assumed.error().within("assuming " + request_.role_arn +
                                                 " with a web identity"));
  }
  return assumed;
}

}  // namespace sgwatch
