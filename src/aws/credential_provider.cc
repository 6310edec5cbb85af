#include "aws/credential_provider.h"

namespace sgwatch {

CachingProvider::CachingProvider(std::unique_ptr<CredentialProvider> source, const Clock& clock,
                                 std::chrono::seconds refresh_before)
    : source_(std::move(source)), clock_(clock), refresh_before_(refresh_before) {}

Result<AwsCredentials> CachingProvider::credentials() {
  std::lock_guard lock(mutex_);
  if (cached_ && (!cached_->expiration || clock_.now() + refresh_before_ < *cached_->expiration)) {
    return *cached_;
  }
  auto fresh = source_->credentials();
  if (!fresh) {
    // Credentials that have not expired yet still sign; a failed early refresh is retried
    // on the next call.
    if (cached_ && cached_->expiration && clock_.now() < *cached_->expiration) return *cached_;
    return fresh;
  }
  cached_ = *fresh;
  return fresh;
}

void CachingProvider::invalidate() {
  std::lock_guard lock(mutex_);
  cached_.reset();
  source_->invalidate();
}

}  // namespace sgwatch
