// Where credentials come from. Each link of the AWS credential chain (environment, shared
// files, web identity, container, instance metadata, assumed roles) is a provider; the
// chain tries them in the AWS CLI's order. Providers of temporary credentials are wrapped
// in a CachingProvider, which refreshes them before they expire.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "aws/credentials.h"
#include "core/clock.h"
#include "core/error.h"

namespace sgwatch {

class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;
  // Fresh credentials, or an error saying why there are none. kNotFound means "this
  // link has nothing configured": the chain moves on; any other error stops the chain,
  // because a configured but broken source must not be silently skipped.
  virtual Result<AwsCredentials> credentials() = 0;
  // For messages: "environment", "profile dept-a", "instance metadata", ...
  virtual std::string name() const = 0;
  // AWS said the credentials last handed out have expired (before their stated expiry:
  // revoked sessions, clock skew): the next credentials() must fetch fresh ones.
  virtual void invalidate() {}
};

// How long before they expire temporary credentials are renewed. Credentials handed out
// with less time left are ones their source could not renew (a self-alert).
inline constexpr std::chrono::minutes kCredentialsRenewBefore{5};

// Keeps the last credentials and asks `source` again only when they are within
// `refresh_before` of expiring (or have no expiry and were never fetched).
// Thread-safe: concurrent callers share one refresh.
class CachingProvider final : public CredentialProvider {
 public:
  CachingProvider(std::unique_ptr<CredentialProvider> source, const Clock& clock,
                  std::chrono::seconds refresh_before = kCredentialsRenewBefore);
  Result<AwsCredentials> credentials() override;
  std::string name() const override { return source_->name(); }
  void invalidate() override;

 private:
  std::unique_ptr<CredentialProvider> source_;
  const Clock& clock_;
  const std::chrono::seconds refresh_before_;
  std::mutex mutex_;
  std::optional<AwsCredentials> cached_;
};

}  // namespace sgwatch
