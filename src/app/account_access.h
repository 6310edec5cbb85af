// The AWS side of observing accounts: which accounts, with whose credentials, in which
// regions. One HTTP transport, retry budget and STS client serve every account. Used by
// Observer (a cycle over every scope) and by `validate` (a health check per account and
// region).
//
// Each account is either the one the default credential chain belongs to, or a role that
// chain's identity assumes (with the account's external id). Regions are a list or every
// region the account has enabled (DescribeRegions, asked once per account).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/stop_signal.h"
#include "aws/cloudtrail_client.h"
#include "aws/credential_provider.h"
#include "aws/curl_transport.h"
#include "aws/query_client.h"
#include "aws/request_rate_limiter.h"
#include "aws/retry_policy.h"
#include "aws/shared_config.h"
#include "aws/sts_client.h"
#include "core/clock.h"
#include "core/env.h"
#include "core/ids.h"

namespace sgwatch {

struct AccountOptions {
  std::string name;         // shown in logs and checks; empty: the account id stands alone
  std::string role_arn;     // empty: the default credentials' own account
  std::string external_id;  // sent when assuming role_arn; empty: none
  std::vector<std::string> regions;  // empty: ObserveOptions::regions
};

struct ObserveOptions {
  std::vector<std::string> regions;  // names, or just "all"; empty: the configured region
  std::vector<AccountOptions> accounts;  // empty: the default credentials' own account
  std::string session_name = "sgwatch";  // the role session name, as CloudTrail shows it
  int concurrency = 4;                   // scopes observed at once
};

struct WatchedAccount {
  AccountOptions options;
  std::optional<AccountId> id;  // from the role ARN; for the default account once learned
  std::string principal;        // the role ARN, or the default identity's ARN once learned
  std::shared_ptr<CredentialProvider> credentials;
  std::vector<std::string> region_names;       // as configured: names, or {"all"}
  std::optional<std::vector<Region>> regions;  // resolved once

  // "dept-a (444455556666)", "444455556666", or the name alone while the id is unknown.
  std::string label() const;
};

class AccountAccess {
 public:
  // Checks every option and builds each account's credentials. Makes no AWS call.
  static Result<std::unique_ptr<AccountAccess>> create(const ObserveOptions& options,
                                                       EnvLookup env, const Clock& clock,
                                                       StopSignal& stop);
  ~AccountAccess();

  std::vector<std::unique_ptr<WatchedAccount>>& accounts() { return accounts_; }
  // The region STS and DescribeRegions are asked in.
  const Region& home_region() const { return home_region_; }
  QueryClient& client() { return client_; }
  // CloudTrail LookupEvents, at most 2 calls per second per account and region.
  TrailApi& trail() { return trail_; }
  StsClient& sts() { return *sts_; }
  // The standard chain's credentials (the process's own identity), shared with those who
  // call AWS beside the observation (the SES destination).
  std::shared_ptr<CredentialProvider> default_credentials() const { return default_credentials_; }
  CallCounts calls() const { return client_.counts(); }

  // The account's regions: its list, or every region it has enabled (asked once).
  Result<std::vector<Region>> regions_of(WatchedAccount& account);

 private:
  AccountAccess(EnvLookup env, const Clock& clock, StopSignal& stop, SharedConfig config,
                Region home_region, int max_attempts);
  Status add_accounts(const ObserveOptions& options, const EnvLookup& env);

  const Clock& clock_;
  StopSignal& stop_;
  SharedConfig config_;
  CurlTransport transport_;
  CurlTransport metadata_transport_;
  RetryPolicy retries_;
  QueryClient client_;
  RequestRateLimiter lookup_limiter_;
  CloudTrailClient trail_;
  Region home_region_;
  std::unique_ptr<StsClient> sts_;
  std::shared_ptr<CredentialProvider> default_credentials_;
  std::vector<std::unique_ptr<WatchedAccount>> accounts_;
  size_t stop_handle_ = 0;
};

}  // namespace sgwatch
